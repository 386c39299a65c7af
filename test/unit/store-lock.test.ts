import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudsyncError, ExitCode } from '../../src/errors.js';
import { acquireProfileLock, acquireSetLocks } from '../../src/store/lock.js';
import { StateStore } from '../../src/store/state-store.js';
import { member, sampleState } from './store.test.js';

const lockModule = new URL('../../src/store/lock.js', import.meta.url).href;
const storeModule = new URL('../../src/store/state-store.js', import.meta.url).href;

/** Run a node ESM snippet in a child process; resolves with its exit code (or signal) and output. */
function runNode(code: string): Promise<{ status: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, out }));
  });
}

/**
 * A child that takes the lock, proves it is alone inside (an O_EXCL marker no one else may hold), stays a
 * moment, then leaves. Exit 3 means two holders at once.
 */
function racer(home: string, marker: string): string {
  return `
    import fs from 'node:fs';
    const { acquireProfileLock } = await import(${JSON.stringify(lockModule)});
    const lock = await acquireProfileLock(${JSON.stringify(home)}, 'default', { waitMs: 30000, pollMs: 5 });
    try { fs.writeFileSync(${JSON.stringify(marker)}, String(process.pid), { flag: 'wx' }); }
    catch { console.error('two holders at once'); process.exit(3); }
    await new Promise((r) => setTimeout(r, 10));
    fs.unlinkSync(${JSON.stringify(marker)});
    await lock.release();
  `;
}

describe('profile lock', function () {
  this.timeout(60_000);
  let home: string;
  let lockFile: string;

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-lock-'));
    lockFile = path.join(home, 'state', 'default', '.lock');
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('writes pid, start time and host into the lock file and removes it on release', async () => {
    const lock = await acquireProfileLock(home, 'default');
    const info = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    assert.equal(info.pid, process.pid);
    assert.equal(info.host, os.hostname());
    assert.ok(!Number.isNaN(Date.parse(info.startedAt)));
    await lock.release();
    assert.equal(fs.existsSync(lockFile), false);
    await (await acquireProfileLock(home, 'default')).release(); // free again
  });

  it('makes a second pass wait, then fail with exit 6 naming the holder', async () => {
    const lock = await acquireProfileLock(home, 'default');
    const started = Date.now();
    let caught: unknown;
    await assert.rejects(
      acquireProfileLock(home, 'default', { waitMs: 300, pollMs: 20 }),
      (e) => ((caught = e), true),
    );
    assert.ok(Date.now() - started >= 300, 'it waited');
    assert.ok(caught instanceof CloudsyncError);
    assert.equal(caught.exitCode, ExitCode.locked);
    assert.match(caught.message, new RegExp(`pid ${process.pid}`));
    assert.match(caught.hint ?? '', /remove .*\.lock/);
    await lock.release();
  });

  it('gets the lock once the holder releases it while waiting', async () => {
    const first = await acquireProfileLock(home, 'default');
    setTimeout(() => void first.release(), 100);
    const second = await acquireProfileLock(home, 'default', { waitMs: 2000, pollMs: 10 });
    await second.release();
  });

  it('takes over a stale lock of a dead pid, and a garbage lock file', async () => {
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    fs.writeFileSync(
      lockFile,
      JSON.stringify({ pid: 999999, startedAt: '2020-01-01T00:00:00Z', host: os.hostname() }),
    );
    const lock = await acquireProfileLock(home, 'default', { waitMs: 0 });
    assert.equal(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid, process.pid);
    await lock.release();
    fs.writeFileSync(lockFile, 'not json');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(lockFile, past, past);
    await (await acquireProfileLock(home, 'default', { waitMs: 0 })).release();
  });

  it('does not release a lock that is no longer its own', async () => {
    const lock = await acquireProfileLock(home, 'default');
    const other = JSON.stringify({ pid: 1, startedAt: 'x', host: os.hostname() });
    fs.writeFileSync(lockFile, other);
    await lock.release();
    assert.equal(fs.readFileSync(lockFile, 'utf8'), other);
  });

  for (const stale of [false, true]) {
    it(`lets at most one of 20 racing processes hold it at a time${stale ? ', starting from a stale lock' : ''}`, async () => {
      if (stale) {
        fs.mkdirSync(path.dirname(lockFile), { recursive: true });
        fs.writeFileSync(lockFile, JSON.stringify({ pid: 999999, startedAt: 'x', host: os.hostname() }));
      }
      const marker = path.join(home, 'inside');
      const results = await Promise.all(Array.from({ length: 20 }, () => runNode(racer(home, marker))));
      for (const r of results) assert.equal(r.status, 0, r.out);
      assert.equal(fs.existsSync(lockFile), false, 'the last holder released it');
    });
  }

  it('is released when the holding process exits without releasing', async () => {
    const r = await runNode(`
      const { acquireProfileLock } = await import(${JSON.stringify(lockModule)});
      await acquireProfileLock(${JSON.stringify(home)}, 'default');
      process.exit(0);
    `);
    assert.equal(r.status, 0, r.out);
    assert.equal(fs.existsSync(lockFile), false);
  });
});

describe('set locks', function () {
  this.timeout(30_000);
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-setlock-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));
  const lockOf = (id: string) => path.join(home, 'state', 'default', `.${id}.lock`);

  it('takes one lock file per set; sets held elsewhere come back busy after the wait, the others held', async () => {
    const first = await acquireSetLocks(home, 'default', ['b', 'a']);
    assert.deepEqual(first.held, ['a', 'b']);
    assert.ok(fs.existsSync(lockOf('a')) && fs.existsSync(lockOf('b')));
    const started = Date.now();
    const second = await acquireSetLocks(home, 'default', ['c', 'b'], { waitMs: 200, pollMs: 20 });
    assert.ok(Date.now() - started >= 200, 'it waited for the busy set');
    assert.deepEqual(second.held, ['c']);
    assert.deepEqual(
      second.busy.map((b) => b.id),
      ['b'],
    );
    assert.match(second.busy[0]!.holder, new RegExp(`pid ${process.pid}`));
    await first.release();
    await second.release();
    for (const id of ['a', 'b', 'c']) assert.equal(fs.existsSync(lockOf(id)), false, `${id} released`);
    assert.equal(fs.existsSync(path.join(home, 'state', 'default', '.lock')), false, 'no profile lock');
  });

  it('the profile lock and set locks do not exclude each other', async () => {
    const profile = await acquireProfileLock(home, 'default');
    const sets = await acquireSetLocks(home, 'default', ['a'], { waitMs: 0 });
    assert.deepEqual(sets.held, ['a']);
    await sets.release();
    await profile.release();
  });

  it('refuses an id that is not a set id (no path outside the state folder)', async () => {
    await assert.rejects(acquireSetLocks(home, 'default', ['../x']), (e) => {
      assert.ok(e instanceof CloudsyncError);
      assert.equal(e.exitCode, ExitCode.usage);
      return true;
    });
  });

  it('two processes over overlapping sets in opposite orders never deadlock and never share a set', async () => {
    const inside = path.join(home, 'inside');
    fs.mkdirSync(inside);
    const child = (ids: string[]) => `
      import fs from 'node:fs';
      const { acquireSetLocks } = await import(${JSON.stringify(lockModule)});
      for (let round = 0; round < 20; round++) {
        const locks = await acquireSetLocks(${JSON.stringify(home)}, 'default', ${JSON.stringify(ids)}, { waitMs: 5000, pollMs: 2 });
        for (const id of locks.held) {
          try { fs.writeFileSync(${JSON.stringify(inside)} + '/' + id, '', { flag: 'wx' }); }
          catch { console.error('two holders of ' + id); process.exit(3); }
        }
        await new Promise((r) => setTimeout(r, 2));
        for (const id of locks.held) fs.unlinkSync(${JSON.stringify(inside)} + '/' + id);
        await locks.release();
        if (locks.busy.length) { console.error('busy after 5 s: ' + JSON.stringify(locks.busy)); process.exit(4); }
      }
    `;
    const results = await Promise.all([
      runNode(child(['a', 'b', 'c'])),
      runNode(child(['c', 'b', 'a'])),
      runNode(child(['b', 'c'])),
    ]);
    for (const r of results) assert.equal(r.status, 0, r.out);
  });
});

describe('state store durability across a kill', () => {
  it('keeps every appended record when the process is SIGKILLed right after', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-kill-'));
    try {
      const store = new StateStore(home, 'default');
      await store.save(sampleState('k1'));
      await store.close();
      const r = await runNode(`
        const { StateStore } = await import(${JSON.stringify(storeModule)});
        const store = new StateStore(${JSON.stringify(home)}, 'default');
        for (let i = 0; i < 50; i++) await store.append('k1', { op: 'put', member: ${JSON.stringify(member('m'))} });
        await store.append('k1', { op: 'meta', nextKey: 77 });
        process.kill(process.pid, 'SIGKILL');
      `);
      assert.equal(r.signal, 'SIGKILL');
      const loaded = await new StateStore(home, 'default').load('k1');
      assert.equal(loaded.nextKey, 77);
      assert.deepEqual(
        loaded.members.map((m) => m.key),
        ['m'],
      );
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
