import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LocalConnector } from '../../src/connectors/local/index.js';
import { wholeBytes } from '../../src/connectors/whole-content.js';
import { SafetyError } from '../../src/errors.js';

async function bytesOf(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('local connector: reading a file by id (first sync, issue 11)', () => {
  let root: string;
  let outside: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cloudsync-read-'));
    outside = await mkdtemp(path.join(tmpdir(), 'cloudsync-read-out-'));
    await mkdir(path.join(root, 'a', 'b'), { recursive: true });
    await writeFile(path.join(root, 'a', 'b', 'x.txt'), 'inside');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('reads the indexed file in one piece, and as a stream', async () => {
    const c = new LocalConnector(root);
    await writeFile(path.join(root, 'a', 'b', 'y.txt'), 'second file');
    const x = (await c.resolvePath('a/b/x.txt'))!.id;
    const y = (await c.resolvePath('a/b/y.txt'))!.id;
    const first = await c.readContent(x);
    assert.equal(wholeBytes(first)?.toString(), 'inside');
    const second = await c.readContent(y);
    assert.equal(wholeBytes(second)?.toString(), 'second file');
    assert.equal((await bytesOf(await c.readContent(x))).toString(), 'inside');
  });

  it('never reads through a folder on the way replaced by a link: LINK_IN_ROOT, nothing read', async () => {
    const c = new LocalConnector(root);
    const id = (await c.resolvePath('a/b/x.txt'))!.id;
    // The folder moves out of the root and a link takes its place: the same inode, reached through a link.
    await rename(path.join(root, 'a', 'b'), path.join(outside, 'b'));
    await symlink(path.join(outside, 'b'), path.join(root, 'a', 'b'));
    await assert.rejects(
      c.readContent(id),
      (err: unknown) => err instanceof SafetyError && /symbolic link/.test(err.message),
    );
  });

  it('a FIFO planted where the file was neither blocks nor is read: the node is gone', async function () {
    this.timeout(10_000);
    const c = new LocalConnector(root);
    const abs = path.join(root, 'a', 'b', 'x.txt');
    const id = (await c.resolvePath('a/b/x.txt'))!.id;
    await unlink(abs);
    execFileSync('mkfifo', [abs]);
    await assert.rejects(c.readContent(id), /no longer exists/);
  });
});
