// Deterministic reproductions of what the crash sweep found: the states a killed pass leaves behind, built
// by hand so each one fails (or passes) every time, not only when a kill happens to land in the window.
import assert from 'node:assert/strict';
import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';
import { cleanup, Cli, explain, localPair, type InspectJson, type SyncJson } from './support.js';

async function put(root: string, rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}
const ino = async (p: string) => (await lstat(p)).ino;

/**
 * Make a node that has inode `freed` (just released by a delete) and put it at `dest`: create candidates
 * beside `dest` until the allocator hands `freed` back, rename that one into place (a rename keeps the inode)
 * and remove the others, so the pass never sees them. Beside `dest`, not in a scratch folder: ext4 gives a
 * new file the lowest free inode of its folder's block group, and a new folder is often put in another group,
 * where the freed inode never comes back (the tests skipped on this machine's file system). False when it did
 * not happen within `tries`.
 */
async function takeOverInode(
  freed: number,
  dest: string,
  kind: 'file' | 'folder',
  tries = 3000,
): Promise<boolean> {
  const { rename } = await import('node:fs/promises');
  const made: string[] = [];
  let took = false;
  try {
    for (let i = 0; i < tries && !took; i++) {
      const p = path.join(path.dirname(dest), `.inode-try-${process.pid}-${i}`);
      if (kind === 'folder') await mkdir(p);
      else await writeFile(p, '');
      if ((await lstat(p)).ino === freed) {
        await rename(p, dest);
        took = true;
      } else made.push(p);
    }
  } finally {
    for (const p of made) await rm(p, { recursive: true, force: true });
  }
  return took;
}
const read = (p: string) => readFile(p, 'utf8').catch(() => null);

/** A pass right after a clean one has nothing to do. */
async function assertNothingLeft(cli: Cli, what: string): Promise<void> {
  const dry = await cli.run(['sync', '--dry-run', '--json']);
  assert.equal(dry.code, 0, explain(`${what}: dry-run`, dry));
  assert.deepEqual(
    dry.json<SyncJson>().sets.flatMap((s) => s.actions.map((a) => `${a.type} ${a.path}`)),
    [],
    `${what}: the pass exited 0 but left work for the next one`,
  );
}

describe('reliability: what a killed pass leaves behind (deterministic)', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  afterEach(async () => {
    await cleanup(...dirs.splice(0));
  });

  it('a new file present on both sides with the same bytes (no member yet) is paired, not failed (local↔local)', async () => {
    const { cli, home, onprem, cloud } = await localPair();
    dirs.push(home, onprem, cloud);
    await put(onprem, 'Projects/a.txt', 'alpha');
    await mkdir(path.join(cloud, 'Shared'));
    await cli.ok(['create', 'Projects', '--target', 'Shared', '--json']);
    // the killed pass: new.txt was copied to the cloud, then SIGKILL before its journal record
    await put(onprem, 'Projects/new.txt', 'same bytes');
    await put(cloud, 'Shared/Projects/new.txt', 'same bytes');
    const out = await cli.run(['sync', '--json']);
    assert.equal(out.code, 0, explain('sync after the simulated kill', out));
    const view = (await cli.ok(['inspect', out.json<SyncJson>().sets[0]!.id, '--json'])).json<InspectJson>();
    const m = view.members.find((x) => x.onpremPath === 'Projects/new.txt');
    assert.equal(m?.status, 'SYNCED', JSON.stringify(view.members));
    assert.equal(m?.cloudPath, 'Shared/Projects/new.txt');
    await assertNothingLeft(cli, 'after adoption');
  });

  describe('local ↔ emulator', () => {
    let emu: Emulator;
    before(async () => {
      emu = await startEmulator();
    });
    after(async () => {
      await emu?.close();
    });

    async function emulatorSet(site: string): Promise<{ cli: Cli; onprem: string }> {
      const home = await tempDir('cs-rel-home-');
      const onprem = await tempDir('cs-rel-onprem-');
      dirs.push(home, onprem);
      emu.createSite(site);
      emu.mkdir(site, 'Shared');
      const cli = new Cli(home);
      await cli.ok(['login', 'onprem', onprem, '--json']);
      const login = await runCli(['login', 'cloud', emu.url, '--username', 'admin', '--json'], {
        home,
        env: { CLOUDSYNC_CLOUD_PASSWORD: 'admin' },
      });
      assert.equal(login.code, 0, explain('login', login));
      await put(onprem, 'Projects/a.txt', 'alpha');
      await cli.ok(['create', 'Projects', '--target', `${site}/Shared`, '--json']);
      return { cli, onprem };
    }

    it('regression adopt-after-kill: a member journaled with its on-prem side only, whose upload did reach the server, is adopted, not failed TARGET_FOLDER_NAME_CLASH on both sides forever', async () => {
      // What the crash sweep hit (kill after ~100 journal records): apply journals new members first
      // (on-prem side only), uploads, and is killed before recording the cloud side. Built here with an upload
      // that fails (500 on every write) so the member is recorded without a cloud side, then the node the
      // server "did" create appears, as it would have after the kill.
      const { cli, onprem } = await emulatorSet('adoptjournaled');
      await put(onprem, 'Projects/new.txt', 'same bytes');
      emu.setFaults({ rate: 1, kinds: ['500'], mutatingOnly: true, maxConsecutive: 1000 });
      let first;
      try {
        first = await cli.run(['sync', '--json']);
      } finally {
        emu.setFaults(undefined);
      }
      assert.notEqual(first.code, 0, explain('the failing upload', first));
      emu.putFile('adoptjournaled', 'Shared/Projects/new.txt', 'same bytes');
      const runs = [];
      for (let i = 0; i < 3; i++) {
        const out = await cli.run(['sync', '--json']);
        runs.push(out);
        if (out.code === 0) break;
      }
      assert.equal(runs.at(-1)!.code, 0, runs.map((r, i) => explain(`sync ${i + 1}`, r)).join('\n'));
      await assertNothingLeft(cli, 'after adoption');
      const kids = emu
        .repo()
        .childrenOf(emu.repo().require(emu.findByPath('adoptjournaled', 'Shared/Projects')!.id));
      assert.deepEqual(kids.map((k) => k.name).sort(), ['a.txt', 'new.txt'], 'no twin in the cloud');
    });

    it('a document present on both sides with the same bytes (no member yet) is paired, not failed (local↔emulator)', async () => {
      const { cli, onprem } = await emulatorSet('adopt');
      await put(onprem, 'Projects/new.txt', 'same bytes');
      emu.putFile('adopt', 'Shared/Projects/new.txt', 'same bytes');
      const out = await cli.run(['sync', '--json']);
      assert.equal(out.code, 0, explain('sync after the simulated kill', out));
      await assertNothingLeft(cli, 'after adoption');
      const kids = emu.repo().childrenOf(emu.repo().require(emu.findByPath('adopt', 'Shared/Projects')!.id));
      assert.deepEqual(kids.map((k) => k.name).sort(), ['a.txt', 'new.txt'], 'no twin in the cloud');
    });
  });

  it('regression inode-reuse: a deleted file whose inode a new folder takes over is a delete + a create, synced in one pass', async function () {
    const { cli, home, onprem, cloud } = await localPair();
    dirs.push(home, onprem, cloud);
    await put(onprem, 'Projects/keep.txt', 'keep');
    await put(onprem, 'Projects/old.txt', 'old');
    await mkdir(path.join(cloud, 'Shared'));
    await cli.ok(['create', 'Projects', '--target', 'Shared', '--json']);
    const freed = await ino(path.join(onprem, 'Projects/old.txt'));
    await rm(path.join(onprem, 'Projects/old.txt'));
    const took = await takeOverInode(freed, path.join(onprem, 'Projects/newdir'), 'folder');
    if (!took) this.skip(); // the file system never handed the inode back: nothing to prove here
    await put(onprem, 'Projects/newdir/inside.txt', 'inside');
    const out = await cli.run(['sync', '--json']);
    assert.equal(out.code, 0, explain('sync', out));
    assert.equal(await read(path.join(cloud, 'Shared/Projects/newdir/inside.txt')), 'inside');
    assert.equal(
      await read(path.join(cloud, 'Shared/Projects/old.txt')),
      null,
      'old.txt deleted in the cloud',
    );
    await assertNothingLeft(cli, 'after the pass');
  });

  it('regression inode-reuse: a new file on the inode of a file deleted on-prem but edited in the cloud keeps its own bytes (change beats delete, no false conflict)', async function () {
    const { cli, home, onprem, cloud } = await localPair();
    dirs.push(home, onprem, cloud);
    await put(onprem, 'Projects/x.txt', 'x v1');
    await mkdir(path.join(cloud, 'Shared'));
    await cli.ok(['create', 'Projects', '--target', 'Shared', '--json']);
    await writeFile(path.join(cloud, 'Shared/Projects/x.txt'), 'x edited in the cloud');
    const freed = await ino(path.join(onprem, 'Projects/x.txt'));
    await rm(path.join(onprem, 'Projects/x.txt'));
    if (!(await takeOverInode(freed, path.join(onprem, 'Projects/y.txt'), 'file'))) this.skip();
    await writeFile(path.join(onprem, 'Projects/y.txt'), 'the user wrote y'); // same inode, new bytes
    const out = await cli.run(['sync', '--json']);
    assert.equal(out.code, 0, explain('sync', out));
    // y is the user's new file; x: a change in the cloud beats the on-prem delete (SPEC §3)
    assert.equal(await read(path.join(onprem, 'Projects/y.txt')), 'the user wrote y', 'on-prem y.txt');
    assert.equal(await read(path.join(cloud, 'Shared/Projects/y.txt')), 'the user wrote y', 'cloud y.txt');
    assert.equal(await read(path.join(onprem, 'Projects/x.txt')), 'x edited in the cloud', 'on-prem x.txt');
    assert.equal(
      await read(path.join(cloud, 'Shared/Projects/x.txt')),
      'x edited in the cloud',
      'cloud x.txt',
    );
  });

  it("regression update-kill-identity: updates the killed pass made in place of files (temp + rename, new inodes, one reusing the other's old inode) are recognised, not turned into a false move + conflict + name clash", async function () {
    // What the crash sweep hit (kill after ~240 journal records): pushing on-prem edits to a local cloud
    // replaces each file by a temp file renamed over it (new inode). Killed before the journal records the new
    // ids, the state still holds the old inodes, and the file system has already handed one of them to the
    // next temp file: the state's "a.txt" inode is now b.txt.
    const { cli, home, onprem, cloud } = await localPair();
    dirs.push(home, onprem, cloud);
    await put(onprem, 'Projects/a.txt', 'a v1');
    await put(onprem, 'Projects/b.txt', 'b v1');
    await mkdir(path.join(cloud, 'Shared'));
    const id = (await cli.ok(['create', 'Projects', '--target', 'Shared', '--json'])).json<{ id: string }>()
      .id;
    // the user's edits on-prem (what the killed pass was pushing)
    await writeFile(path.join(onprem, 'Projects/a.txt'), 'a v2 from on-prem');
    await writeFile(path.join(onprem, 'Projects/b.txt'), 'b v2 from on-prem');
    // what the killed pass did in the cloud folder: temp + rename for a, then for b
    const { rename } = await import('node:fs/promises');
    const dir = path.join(cloud, 'Shared/Projects');
    const oldA = await ino(path.join(dir, 'a.txt'));
    await writeFile(path.join(dir, '.cloudsync-999999-aa.tmp'), 'a v2 from on-prem');
    await rename(path.join(dir, '.cloudsync-999999-aa.tmp'), path.join(dir, 'a.txt'));
    const tmpB = path.join(dir, '.cloudsync-999999-bb.tmp');
    if (!(await takeOverInode(oldA, tmpB, 'file'))) this.skip(); // no inode reuse here
    await writeFile(tmpB, 'b v2 from on-prem');
    await rename(tmpB, path.join(dir, 'b.txt'));
    const out = await cli.run(['sync', '--json']);
    assert.equal(out.code, 0, explain('sync after the simulated kill', out));
    for (const side of [path.join(onprem, 'Projects'), dir]) {
      assert.equal(await read(path.join(side, 'a.txt')), 'a v2 from on-prem', `${side}/a.txt`);
      assert.equal(await read(path.join(side, 'b.txt')), 'b v2 from on-prem', `${side}/b.txt`);
    }
    const view = (await cli.ok(['inspect', id, '--json'])).json<InspectJson>();
    assert.equal(view.backups?.length ?? 0, 0, 'equal content on both sides is not a conflict');
    await assertNothingLeft(cli, 'after the pass');
  });

  it('regression move-kill-hardlink: a pulled move is a rename, so a kill can never leave one file under two names', async () => {
    // Moves were link() + unlink(); a SIGKILL in between left one inode under two names, which identity by
    // inode cannot tell apart. Moves are now a check then rename(): the file never has a second link.
    const { cli, home, onprem, cloud } = await localPair();
    dirs.push(home, onprem, cloud);
    await put(onprem, 'Projects/d1/f.txt', 'f');
    await mkdir(path.join(onprem, 'Projects/d2'));
    await mkdir(path.join(cloud, 'Shared'));
    await cli.ok(['create', 'Projects', '--target', 'Shared', '--json']);
    const before = await stat(path.join(onprem, 'Projects/d1/f.txt'));
    await mkdir(path.join(cloud, 'Shared/Projects/d2'), { recursive: true });
    const { rename } = await import('node:fs/promises');
    await rename(path.join(cloud, 'Shared/Projects/d1/f.txt'), path.join(cloud, 'Shared/Projects/d2/f.txt'));
    const out = await cli.run(['sync', '--json']);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.equal(await read(path.join(onprem, 'Projects/d1/f.txt')), null, 'the old name is gone on-prem');
    const after = await stat(path.join(onprem, 'Projects/d2/f.txt'));
    assert.equal(after.ino, before.ino, 'moved, not copied');
    assert.equal(after.nlink, 1, 'one name only');
  });
});
