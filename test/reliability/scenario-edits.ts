// The crash scenario: a folder set of N files in nested folders, then creates, edits, renames, moves and
// deletes on both sides (on disjoint files, so the expected result needs no conflict rule), whose result is
// computed by identity in the model.
import type { Scenario } from './support.js';

/** Folder and file ids of the seeded tree. */
export interface Seeded {
  top: string[];
  subs: Map<number, string>;
  files: { id: string; i: number; top: number }[];
  goneOn: string;
  goneCl: string;
}

/** Content of file i: small text, every 25th one 64 KB (so some transfers take a while). */
function contentOf(i: number, tag = ''): string {
  const head = `file ${i}${tag}\n`;
  return i % 25 === 0 ? head + 'x'.repeat(64 * 1024) : head;
}

/** Seed the model with `n` files (not written anywhere yet: call `sc.seed(side)`). */
export function seedModel(sc: Scenario, n: number): Seeded {
  const top: string[] = [];
  const subs = new Map<number, string>();
  for (let k = 0; k < 10; k++) {
    top.push(sc.addFolder(null, `d${k}`));
    if (k < 5) subs.set(k, sc.addFolder(top[k]!, 'sub'));
  }
  const files: Seeded['files'] = [];
  const rest = n - 20;
  for (let i = 0; i < rest; i++) {
    const k = i % 10;
    const folder = i % 3 === 0 && subs.has(k) ? subs.get(k)! : top[k]!;
    files.push({ id: sc.addFile(folder, `f${i}.txt`, contentOf(i)), i, top: k });
  }
  const goneOn = sc.addFolder(null, 'goneon');
  const goneCl = sc.addFolder(null, 'gonecl');
  for (let j = 0; j < 10; j++) {
    sc.addFile(goneOn, `g${j}.txt`, `gone on ${j}\n`);
    sc.addFile(goneCl, `g${j}.txt`, `gone cl ${j}\n`);
  }
  return { top, subs, files, goneOn, goneCl };
}

/**
 * The edits made on both sides between the initial sync and the pass that gets killed. New nodes are created
 * before anything is deleted, so no new file or folder takes over a just-freed inode (the local connector's
 * identity): that case is its own regression test (bad-input.test.ts, inode reuse), not a crash matter.
 */
export async function editBothSides(sc: Scenario, s: Seeded, newFiles = 25): Promise<void> {
  const newOn = await sc.createFolder('onprem', null, 'newon');
  const newCl = await sc.createFolder('cloud', null, 'newcl');
  const deep = await sc.createFolder('onprem', newOn, 'deep');
  for (let j = 0; j < newFiles; j++) {
    const where = j % 3 === 0 ? s.top[j % 10]! : j % 3 === 1 ? newOn : deep;
    await sc.create('onprem', where, `non${j}.txt`, `new on-prem ${j}\n`);
    await sc.create('cloud', j % 2 === 0 ? s.top[(j + 5) % 10]! : newCl, `ncl${j}.txt`, `new cloud ${j}\n`);
  }
  // folders: a rename and a move on each side
  await sc.moveFolder('onprem', s.top[8]!, null, 'd8r');
  await sc.moveFolder('cloud', s.top[9]!, null, 'd9r');
  await sc.moveFolder('onprem', s.subs.get(3)!, s.top[6]!, 'movedsub');
  await sc.moveFolder('cloud', s.subs.get(1)!, s.top[7]!, 'movedsub');
  const deletes: [side: 'onprem' | 'cloud', id: string][] = [];
  for (const f of s.files) {
    switch (f.i % 10) {
      case 0:
        await sc.edit('onprem', f.id, contentOf(f.i, ' edited on-prem') + 'more\n'.repeat(f.i % 7));
        break;
      case 1:
        await sc.edit('cloud', f.id, contentOf(f.i, ' edited in the cloud') + 'more\n'.repeat(f.i % 5));
        break;
      case 2:
        await sc.moveFile('onprem', f.id, sc.views.onprem.files.get(f.id)!.folder, `r${f.i}.txt`);
        break;
      case 3:
        await sc.moveFile('cloud', f.id, sc.views.cloud.files.get(f.id)!.folder, `r${f.i}.txt`);
        break;
      case 4:
        await sc.moveFile('onprem', f.id, s.top[(f.top + 1) % 10]!, `f${f.i}.txt`);
        break;
      case 5:
        await sc.moveFile('cloud', f.id, s.top[(f.top + 1) % 10]!, `f${f.i}.txt`);
        break;
      case 6:
        deletes.push(['onprem', f.id]);
        break;
      case 7:
        deletes.push(['cloud', f.id]);
        break;
      default:
        break; // 8, 9: untouched
    }
  }
  // deletes last: a deleted file and a deleted folder (with its files) on each side
  for (const [side, id] of deletes) await sc.deleteFile(side, id);
  await sc.deleteFolder('onprem', s.goneOn);
  await sc.deleteFolder('cloud', s.goneCl);
}
