// The compare walk's number lstat (connectors/local/raw-lstat.ts) reads Node's fs binding directly: it must
// give exactly the numbers fs.lstatSync gives, fail as it fails, and fall back to it whenever the direct call
// is not known to be right.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RawLstat, type LstatNumbers } from '../../src/connectors/local/raw-lstat.js';

function numbers(st: LstatNumbers | fs.Stats | undefined): unknown {
  if (st === undefined) return undefined;
  const { dev, ino, mode, size, mtimeMs, birthtimeMs } = st;
  return { dev, ino, mode, size, mtimeMs, birthtimeMs, file: st.isFile() };
}

describe('raw lstat (the compare walk reads the fs binding)', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-raw-lstat-'));
    await writeFile(path.join(dir, 'a.txt'), 'hello');
    await writeFile(path.join(dir, 'empty'), '');
    await writeFile(path.join(dir, 'odd-time'), 'x');
    // a time with nanoseconds a double of milliseconds rounds: the two forms must round alike
    await utimes(path.join(dir, 'odd-time'), 1_700_000_000.1234, 1_700_000_000.9876);
    await mkdir(path.join(dir, 'sub'));
    await symlink('a.txt', path.join(dir, 'link'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is direct on this Node (Node 20: its lstatSync calls the binding as the module does)', function () {
    if (!process.version.startsWith('v20.')) this.skip();
    assert.equal(new RawLstat().direct, true);
  });

  it('gives the numbers fs.lstatSync gives: files, an empty file, odd times, a folder, a link (not followed)', () => {
    const raw = new RawLstat();
    for (const name of ['a.txt', 'empty', 'odd-time', 'sub', 'link']) {
      const p = path.join(dir, name);
      assert.deepEqual(numbers(raw.get(p)), numbers(fs.lstatSync(p)), name);
    }
    assert.equal(raw.get(path.join(dir, 'link'))!.isFile(), false);
    assert.equal(raw.get(path.join(dir, 'a.txt'))!.size, 5);
  });

  it('resolves a relative name from the working folder (the walk lstat-s from inside the folder)', () => {
    const raw = new RawLstat();
    const home = process.cwd();
    process.chdir(dir);
    try {
      assert.deepEqual(numbers(raw.get('a.txt')), numbers(fs.lstatSync(path.join(dir, 'a.txt'))));
    } finally {
      process.chdir(home);
    }
  });

  it('says undefined for an entry that is not there and throws as fs.lstatSync does for the rest', () => {
    const raw = new RawLstat();
    raw.get(path.join(dir, 'a.txt'));
    assert.equal(raw.get(path.join(dir, 'missing')), undefined);
    assert.throws(() => raw.get(path.join(dir, 'a.txt', 'below')), { code: 'ENOTDIR' });
  });

  it('falls back to fs.lstatSync for good when the first call does not give its numbers', () => {
    const wrong = new Float64Array(36).fill(7);
    const raw = new RawLstat(() => wrong);
    assert.equal(raw.direct, true);
    const p = path.join(dir, 'a.txt');
    assert.deepEqual(numbers(raw.get(p)), numbers(fs.lstatSync(p)));
    assert.equal(raw.direct, false);
    assert.deepEqual(numbers(raw.get(path.join(dir, 'sub'))), numbers(fs.lstatSync(path.join(dir, 'sub'))));
  });

  it('is not direct with CLOUDSYNC_RAW_LSTAT=off (and still gives the same numbers)', () => {
    process.env.CLOUDSYNC_RAW_LSTAT = 'off';
    try {
      const raw = new RawLstat();
      assert.equal(raw.direct, false);
      const p = path.join(dir, 'odd-time');
      assert.deepEqual(numbers(raw.get(p)), numbers(fs.lstatSync(p)));
    } finally {
      delete process.env.CLOUDSYNC_RAW_LSTAT;
    }
  });
});
