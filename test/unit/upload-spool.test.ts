import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { spoolToTemp, sweepDeadSpools } from '../../src/connectors/alfresco/spool.js';

const HOST = hostname().replace(/[^A-Za-z0-9.]/g, '_');

/** The pid of a process that has exited (reaped), so nothing answers to it. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

describe('upload spools left by killed passes (Alfresco uploads)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cloudsync-spools-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function plant(name: string, ageMs = 0): Promise<void> {
    await mkdir(path.join(root, name));
    await writeFile(path.join(root, name, 'content'), 'bytes of a killed upload');
    const t = new Date(Date.now() - ageMs);
    await utimes(path.join(root, name), t, t);
  }

  it('removes the spools of processes that are gone, and only those', async () => {
    const dead = deadPid();
    await plant(`cloudsync-upload-${dead}@${HOST}-aB3dE9`);
    // Alive: this process, and its parent.
    await plant(`cloudsync-upload-${process.pid}@${HOST}-xY1zW2`);
    await plant(`cloudsync-upload-${process.ppid}@${HOST}-qQ2wW3`);
    // Another host's (a container sharing the folder): its pids mean nothing here.
    await plant(`cloudsync-upload-${dead}@elsewhere.example-rT5yU6`);
    // Older versions named no owner: removed once a day old, not before.
    await plant('cloudsync-upload-Ab12Cd', 25 * 3600_000);
    await plant('cloudsync-upload-Ef34Gh', 3600_000);
    // Not a spool at all.
    await plant('cloudsync-uploads-notours', 25 * 3600_000);

    assert.equal(await sweepDeadSpools(root), 2);
    assert.deepEqual(
      (await readdir(root)).sort(),
      [
        `cloudsync-upload-${dead}@elsewhere.example-rT5yU6`,
        `cloudsync-upload-${process.pid}@${HOST}-xY1zW2`,
        `cloudsync-upload-${process.ppid}@${HOST}-qQ2wW3`,
        'cloudsync-upload-Ef34Gh',
        'cloudsync-uploads-notours',
      ].sort(),
    );
  });

  it('a spool names its process, and the first spool of a process sweeps what dead ones left', async () => {
    const dead = deadPid();
    await plant(`cloudsync-upload-${dead}@${HOST}-aB3dE9`);
    const spool = await spoolToTemp(Readable.from([Buffer.from('new upload')]), root);
    assert.match(path.basename(path.dirname(spool.path)), new RegExp(`^cloudsync-upload-${process.pid}@`));
    assert.deepEqual(await readdir(root), [path.basename(path.dirname(spool.path))]);
    await spool.remove();
    assert.deepEqual(await readdir(root), []);
  });
});
