// A local side whose file system fills up mid-pass (ENOSPC), on a real small tmpfs (needs root and mount;
// skipped otherwise): what fits is written whole, nothing that was not written whole is recorded as synced,
// an update that does not fit leaves the old bytes as they were, no temp file is left behind, the pass exits
// 3 with the members FAILED QUOTA_LIMIT_VIOLATION, and once there is room the next pass converges.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tempDir } from '../support/cli.js';
import { cleanup, Cli, explain, type SyncJson } from './support.js';

const FILES = 24;
const SIZE = 100_000;

/** Distinct bytes per file and version. */
function content(i: number, version: number): Buffer {
  const b = Buffer.alloc(SIZE);
  for (let k = 0; k < SIZE; k++) b[k] = (k * 31 + i * 7 + version * 13) & 0xff;
  return b;
}

/** Mount a small tmpfs on `dir` (root and the capability needed); false when it cannot be done here. */
function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Unmount a test's tmpfs (lazily when something still holds it). */
function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  }
}

interface InspectJson {
  members: Array<{ onpremPath: string; status: string; errorCode: string | null }>;
}

describe('reliability: a local side whose disk fills up mid-pass (ENOSPC)', function () {
  this.timeout(120_000);
  let base = '';
  let cloud = '';
  let onprem = '';
  let cli: Cli;
  let setId = '';
  let mounted = false;

  before(async function () {
    if (os.userInfo().uid !== 0) this.skip();
    base = await tempDir('cs-enospc-');
    onprem = path.join(base, 'onprem');
    cloud = path.join(base, 'cloud');
    await mkdir(path.join(onprem, 'P'), { recursive: true });
    await mkdir(cloud);
    mounted = mountTmpfs(cloud, 'size=1m,mode=0755');
    if (!mounted) this.skip(); // no mount here (a container without the capability)
    await mkdir(path.join(cloud, 'Shared'));
    for (let i = 0; i < FILES; i++) await writeFile(path.join(onprem, 'P', `f${i}.bin`), content(i, 0));
    cli = new Cli(path.join(base, 'home'));
    await cli.ok(['login', 'onprem', onprem, '--json']);
    await cli.ok(['login', 'cloud', cloud, '--json']);
    setId = (await cli.ok(['create', 'P', '--target', 'Shared', '--no-sync', '--json'])).json<{
      id: string;
    }>().id;
  });

  after(async () => {
    if (mounted) unmount(cloud);
    if (base) await cleanup(base);
  });

  /** The cloud folder's names; every file there holds exactly the bytes of `expected(i)`. */
  async function cloudFilesWhole(expected: (i: number) => Buffer): Promise<string[]> {
    const names = (await readdir(path.join(cloud, 'Shared', 'P'))).sort();
    for (const name of names) {
      const m = /^f(\d+)\.bin$/.exec(name);
      assert.ok(m, `only synced files in the folder, no temp file: ${name}`);
      const bytes = await readFile(path.join(cloud, 'Shared', 'P', name));
      assert.ok(
        bytes.equals(expected(Number(m[1]))),
        `${name} holds whole, right bytes (${bytes.length} bytes)`,
      );
    }
    return names;
  }

  async function members(): Promise<InspectJson['members']> {
    return (await cli.ok(['inspect', setId, '--json']))
      .json<InspectJson>()
      .members.filter((m) => m.onpremPath !== 'P');
  }

  it('a first sync into a disk too small: what fits is whole and SYNCED, the rest FAILED QUOTA_LIMIT_VIOLATION (exit 3)', async () => {
    const out = await cli.run(['sync', '--json']);
    assert.equal(out.code, 3, explain('sync', out));
    const set = out.json<SyncJson>().sets[0]!;
    const names = await cloudFilesWhole((i) => content(i, 0));
    assert.ok(names.length > 0 && names.length < FILES, `some fit, not all: ${names.length}`);
    const ms = await members();
    const synced = ms.filter((m) => m.status === 'SYNCED').map((m) => path.basename(m.onpremPath));
    assert.deepEqual(synced.sort(), names, 'SYNCED exactly the files written whole');
    const failed = ms.filter((m) => m.status === 'FAILED');
    assert.equal(failed.length, FILES - names.length);
    assert.ok(
      failed.every((m) => m.errorCode === 'QUOTA_LIMIT_VIOLATION'),
      JSON.stringify(failed[0]),
    );
    assert.equal(set.failed, failed.length);
  });

  it('once there is room, the next pass writes the rest (exit 0), on-prem untouched', async () => {
    execFileSync('mount', ['-o', 'remount,size=8m', cloud], { stdio: 'ignore' });
    const out = await cli.run(['sync', '--json']);
    assert.equal(out.code, 0, explain('sync', out));
    assert.equal((await cloudFilesWhole((i) => content(i, 0))).length, FILES);
    for (let i = 0; i < FILES; i++)
      assert.ok((await readFile(path.join(onprem, 'P', `f${i}.bin`))).equals(content(i, 0)));
    assert.ok((await members()).every((m) => m.status === 'SYNCED'));
  });

  it('an update that does not fit leaves the old bytes whole, FAILED; freed, it goes through', async () => {
    // fill the disk to ~40 KB short of full: no 100 KB update fits
    const filler = path.join(cloud, 'filler');
    const free = Number(execFileSync('df', ['--output=avail', '-B1', cloud]).toString().split('\n')[1]);
    await writeFile(filler, Buffer.alloc(Math.max(0, free - 40_000)));
    for (const i of [0, 5, 9]) await writeFile(path.join(onprem, 'P', `f${i}.bin`), content(i, 1));
    const out = await cli.run(['sync', '--json']);
    assert.equal(out.code, 3, explain('sync', out));
    // the cloud copies are the old versions, whole (the filler is outside the set's folder)
    assert.equal((await cloudFilesWhole((i) => content(i, 0))).length, FILES);
    const failed = (await members()).filter((m) => m.status !== 'SYNCED');
    assert.deepEqual(failed.map((m) => path.basename(m.onpremPath)).sort(), ['f0.bin', 'f5.bin', 'f9.bin']);
    assert.ok(failed.every((m) => m.status === 'FAILED' && m.errorCode === 'QUOTA_LIMIT_VIOLATION'));
    await rm(filler);
    const again = await cli.run(['sync', '--json']);
    assert.equal(again.code, 0, explain('sync', again));
    await cloudFilesWhole((i) => content(i, [0, 5, 9].includes(i) ? 1 : 0));
    assert.ok((await members()).every((m) => m.status === 'SYNCED'));
  });
});

describe("reliability: the home's disk full (cloudsync cannot write its state, journal or log)", function () {
  this.timeout(120_000);
  let base = '';
  let home = '';
  let mounted = false;

  before(async function () {
    if (os.userInfo().uid !== 0) this.skip();
    base = await tempDir('cs-enospc-home-');
    home = path.join(base, 'home');
    await mkdir(home);
    mounted = mountTmpfs(home, 'size=2m,mode=0700');
    if (!mounted) this.skip();
  });

  after(async () => {
    if (mounted) unmount(home);
    if (base) await cleanup(base);
  });

  it('exits 1 with NO_SPACE and an actionable hint (not a crash report); freed, the next pass converges, nothing lost', async () => {
    const onprem = path.join(base, 'onprem');
    const cloud = path.join(base, 'cloud');
    await mkdir(path.join(onprem, 'P'), { recursive: true });
    await mkdir(path.join(cloud, 'Shared'), { recursive: true });
    for (let i = 0; i < 10; i++) await writeFile(path.join(onprem, 'P', `f${i}.bin`), content(i, 0));
    const cli = new Cli(home);
    await cli.ok(['login', 'onprem', onprem, '--json']);
    await cli.ok(['login', 'cloud', cloud, '--json']);
    await cli.ok(['create', 'P', '--target', 'Shared', '--json']);
    // fill the home's disk, then change both sides
    const free = Number(execFileSync('df', ['--output=avail', '-B1', home]).toString().split('\n')[1]);
    const filler = path.join(home, 'filler');
    await writeFile(filler, Buffer.alloc(Math.max(0, free - 2_000)), { mode: 0o600 });
    for (const i of [1, 2]) await writeFile(path.join(onprem, 'P', `f${i}.bin`), content(i, 1));
    await writeFile(path.join(cloud, 'Shared', 'P', 'f7.bin'), content(7, 2));
    const full = await cli.run(['sync', '--json']);
    assert.equal(full.code, 1, explain('sync', full));
    const error = full.json<{ error: { code: string; message: string; hint: string } }>().error;
    assert.equal(error.code, 'NO_SPACE');
    assert.match(error.hint, /free space/);
    assert.doesNotMatch(error.hint, /report/);
    await rm(filler);
    const again = await cli.run(['sync', '--json']);
    assert.equal(again.code, 0, explain('sync', again));
    for (let i = 0; i < 10; i++) {
      const want = i === 1 || i === 2 ? content(i, 1) : i === 7 ? content(7, 2) : content(i, 0);
      assert.ok((await readFile(path.join(onprem, 'P', `f${i}.bin`))).equals(want), `on-prem f${i}`);
      assert.ok((await readFile(path.join(cloud, 'Shared', 'P', `f${i}.bin`))).equals(want), `cloud f${i}`);
    }
    const settled = await cli.run(['sync', '--json']);
    assert.equal(settled.code, 0);
    assert.deepEqual(settled.json<SyncJson>().sets[0]!.actions, [], 'converged: nothing left to do');
  });
});
