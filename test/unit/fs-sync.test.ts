import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FsSyncer } from '../../src/connectors/local/fs-sync.js';
import { tempDir } from '../support/cli.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('local flush helper (sync -f through one long-lived shell)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('cloudsync-fssync-');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('flushes many times through one helper, and a helper that died is replaced by a plain sync -f', async () => {
    const syncer = new FsSyncer(dir);
    await writeFile(path.join(dir, 'a'), 'a');
    await syncer.sync();
    const pid = syncer.helperPid;
    assert.ok(pid !== undefined && alive(pid), 'the helper runs after the first flush');
    await Promise.all([syncer.sync(), syncer.sync(), syncer.sync()]);
    assert.equal(syncer.helperPid, pid, 'one helper for every flush');
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    await syncer.sync(); // still flushes, the plain way
    assert.equal(syncer.helperPid, undefined);
    syncer.close();
  });

  it('a flush that fails rejects with the reason (the engine then records nothing)', async () => {
    const syncer = new FsSyncer(path.join(dir, 'no-such-folder'));
    await assert.rejects(syncer.sync(), /cannot flush .*no-such-folder to disk/);
    syncer.close();
  });

  it('an idle helper keeps no process alive, and ends with it', async () => {
    const modUrl = new URL('../../src/connectors/local/fs-sync.js', import.meta.url).href;
    const script = `const { FsSyncer } = await import(${JSON.stringify(modUrl)});
      const s = new FsSyncer(${JSON.stringify(dir)}); await s.sync(); console.log(s.helperPid);`;
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    assert.ok(Date.now() - started < 20_000);
    const pid = Number(out.trim());
    assert.ok(pid > 0, out);
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(!alive(pid), 'the helper ended when its input closed');
  });
});
