// Deliberately broken builds, to prove the tester finds what it is meant to find: a copy of bin/, dist/ and
// package.json in a temp folder (node_modules linked), with one compiled file patched. No test hook in the
// product: the patch is applied to the compiled JavaScript of the copy only.
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../support/cli.js';

/** One deliberate bug: which compiled file, what to replace, and the invariant that must catch it. */
export interface Mutant {
  name: string;
  file: string;
  find: string;
  replace: string;
  /** The invariant the tester must report. */
  invariant: string;
}

/** The bugs issue 9 names: skip the conflict backup; disable "a change beats a delete". */
export const MUTANTS: Mutant[] = [
  {
    name: 'no conflict backup',
    file: 'dist/src/engine/apply.js',
    find: 'await this.backup(m, a.conflict.loser);',
    replace: 'void 0; /* mutant: no backup */',
    invariant: 'content lost',
  },
  {
    name: 'no change-beats-delete',
    file: 'dist/src/engine/reconcile-gone.js',
    find: 'mustKeep(m, side) {',
    replace: 'mustKeep(m, side) { return false; /* mutant */',
    invariant: 'content lost',
  },
];

/** Build the mutant's copy; returns its root. Throws when the patch point is gone (update the mutant). */
export async function buildMutant(m: Mutant): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cs-mutant-'));
  for (const p of ['bin', 'dist', 'package.json'])
    await cp(path.join(PROJECT_ROOT, p), path.join(root, p), { recursive: true });
  // The patch goes into dist/src: without the bundle, the copy's bin/cloudsync.js runs dist/src too, so the
  // spawned passes run the same broken build as the in-process ones.
  await rm(path.join(root, 'dist', 'bundle'), { recursive: true, force: true });
  await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  const file = path.join(root, m.file);
  const js = await readFile(file, 'utf8');
  if (!js.includes(m.find)) {
    await rm(root, { recursive: true, force: true });
    throw new Error(
      `mutant "${m.name}": ${m.file} no longer contains ${JSON.stringify(m.find)}; update test/model/mutants.ts`,
    );
  }
  await writeFile(file, js.replace(m.find, m.replace));
  return root;
}
