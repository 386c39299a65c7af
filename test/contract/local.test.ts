import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';
import { ExitCode, NodeError, SafetyError } from '../../src/errors.js';
import { describeConnectorContract } from './connector-contract.js';
import { childNames, readAll, rejectsWithCode, streamOf } from './contract-helpers.js';

/** A fresh temp folder, removed by the returned cleanup. */
function tmpRoot(): { dir: string; cleanup(): Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-local-'));
  return { dir, cleanup: () => fs.promises.rm(dir, { recursive: true, force: true }) };
}

describeConnectorContract('local', async () => {
  const { dir, cleanup } = tmpRoot();
  return { connector: new LocalConnector(dir), rootPath: '', cleanup };
});

describe('local connector specifics', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let c: LocalConnector;
  const isRoot = process.getuid?.() === 0;

  beforeEach(() => {
    ({ dir, cleanup } = tmpRoot());
    c = new LocalConnector(dir);
  });
  afterEach(async () => {
    await c.close();
    // put permissions back so cleanup can remove everything
    await fs.promises.chmod(path.join(dir, 'secret'), 0o755).catch(() => undefined);
    await cleanup();
  });

  const rootId = async (): Promise<string> => (await c.resolvePath(''))!.id;

  it('gives the root a null parent and ids of dev:ino:birth time', async () => {
    const root = (await c.resolvePath('.'))!;
    assert.equal(root.parentId, null);
    const st = fs.statSync(dir, { bigint: true });
    // The birth time keeps a reused inode from inheriting a deleted file's identity (0: not recorded).
    assert.equal(
      root.id,
      st.birthtimeNs > 0n ? `${st.dev}:${st.ino}:${st.birthtimeNs}` : `${st.dev}:${st.ino}`,
    );
    assert.equal(await c.pathOf(root.id), '');
  });

  it('sets the modification time it is given, to the millisecond', async () => {
    const mtimeMs = Date.parse('2020-01-02T03:04:05.678Z');
    const f = await c.createFile(await rootId(), 'old.txt', streamOf('x'), { size: 1, mtimeMs });
    assert.equal(f.mtimeMs, mtimeMs);
    assert.equal(Math.round(fs.statSync(path.join(dir, 'old.txt')).mtimeMs), mtimeMs);
  });

  it('skips symlinks without following them', async () => {
    fs.mkdirSync(path.join(dir, 'real'));
    fs.writeFileSync(path.join(dir, 'real', 'f.txt'), 'f');
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    fs.symlinkSync('/etc/passwd', path.join(dir, 'passwd'));
    const listing = await c.listTree(await rootId(), { recursive: true });
    assert.deepEqual(listing.nodes.map((n) => n.name).sort(), ['f.txt', 'real']);
    assert.deepEqual(listing.skipped.map((s) => [s.path, s.reason]).sort(), [
      ['link', 'symlink'],
      ['passwd', 'symlink'],
    ]);
    assert.equal(await c.resolvePath('link/f.txt'), null);
  });

  it('reports an unreadable folder with its id (real permissions; skipped as root)', async function () {
    if (isRoot) return this.skip(); // root ignores permission bits
    fs.mkdirSync(path.join(dir, 'secret'));
    fs.writeFileSync(path.join(dir, 'secret', 'x'), 'x');
    fs.chmodSync(path.join(dir, 'secret'), 0o000);
    const listing = await c.listTree(await rootId(), { recursive: true });
    const secret = listing.nodes.find((n) => n.name === 'secret')!;
    assert.deepEqual(listing.skipped, [
      { path: 'secret', reason: 'unreadable folder', unreadableFolderId: secret.id },
    ]);
  });

  it('reports a folder whose readdir fails with its id (simulated EACCES, works as root)', async () => {
    fs.mkdirSync(path.join(dir, 'secret'));
    fs.writeFileSync(path.join(dir, 'secret', 'x'), 'x');
    const denying = new LocalConnector(dir, {
      readDir: async (d) => {
        if (d === path.join(dir, 'secret'))
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return fs.promises.readdir(d, { withFileTypes: true });
      },
    });
    const listing = await denying.listTree((await denying.resolvePath(''))!.id, { recursive: true });
    const secret = listing.nodes.find((n) => n.name === 'secret')!;
    assert.deepEqual(
      listing.nodes.map((n) => n.name),
      ['secret'],
      'its content is neither listed nor "deleted"',
    );
    assert.deepEqual(listing.skipped, [
      { path: 'secret', reason: 'unreadable folder', unreadableFolderId: secret.id },
    ]);
  });

  it('fails reading an unreadable file with SOURCE_NODE_ACCESS_DENIED (skipped as root)', async function () {
    if (isRoot) return this.skip();
    fs.writeFileSync(path.join(dir, 'private.txt'), 'p');
    fs.chmodSync(path.join(dir, 'private.txt'), 0o000);
    const f = (await c.resolvePath('private.txt'))!;
    await rejectsWithCode(c.readContent(f.id), 'SOURCE_NODE_ACCESS_DENIED');
  });

  it('never lists its own temp files, removes stale ones of dead processes, keeps live ones', async () => {
    fs.writeFileSync(path.join(dir, '.cloudsync-999999-abcdef.tmp'), 'stale');
    fs.writeFileSync(path.join(dir, `.cloudsync-${process.pid}-abcdef.tmp`), 'in flight');
    fs.writeFileSync(path.join(dir, 'real.txt'), 'r');
    const listing = await c.listTree(await rootId(), { recursive: false });
    assert.deepEqual(
      listing.nodes.map((n) => n.name),
      ['real.txt'],
    );
    await new Promise((r) => setTimeout(r, 50)); // stale removal is best effort, in the background
    assert.deepEqual(fs.readdirSync(dir).sort(), [`.cloudsync-${process.pid}-abcdef.tmp`, 'real.txt']);
  });

  it('leaves no temp file and no partial file when the incoming stream fails', async () => {
    const { Readable } = await import('node:stream');
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024, 1));
        this.destroy(new Error('network gone'));
      },
    });
    await assert.rejects(c.createFile(await rootId(), 'partial.bin', failing, { size: 4096 }));
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('finds a file the user moved elsewhere under the root by its inode', async () => {
    fs.mkdirSync(path.join(dir, 'a'));
    fs.mkdirSync(path.join(dir, 'b'));
    fs.writeFileSync(path.join(dir, 'a', 'doc.txt'), 'doc');
    const listing = await c.listTree(await rootId(), { recursive: true });
    const doc = listing.nodes.find((n) => n.name === 'doc.txt')!;
    fs.renameSync(path.join(dir, 'a', 'doc.txt'), path.join(dir, 'b', 'renamed.txt'));
    const found = await c.getNode(doc.id);
    assert.equal(found?.name, 'renamed.txt');
    assert.equal(found?.parentId, listing.nodes.find((n) => n.name === 'b')!.id);
    assert.equal(await c.pathOf(doc.id), 'b/renamed.txt');
    fs.rmSync(path.join(dir, 'b', 'renamed.txt'));
    await c.listTree(await rootId(), { recursive: true });
    assert.equal(await c.getNode(doc.id), null);
  });

  it('keeps a locked file locked when its content is replaced', async () => {
    const f = await c.createFile(await rootId(), 'l.txt', streamOf('one'), { size: 3 });
    await c.lock(f.id);
    const g = await c.updateContent(f.id, streamOf('two'), { size: 3 });
    assert.equal(g.locked, true);
    assert.equal(fs.statSync(path.join(dir, 'l.txt')).mode & 0o222, 0);
    await c.unlock(g.id);
    assert.equal(fs.statSync(path.join(dir, 'l.txt')).mode & 0o200, 0o200);
    assert.equal(await readAll(c, g.id), 'two');
  });

  it('does not change the token on chmod (lock)', async () => {
    const f = await c.createFile(await rootId(), 't.txt', streamOf('same'), { size: 4 });
    await c.lock(f.id);
    assert.equal((await c.getNode(f.id))?.token, f.token);
  });

  it('deletes locked files', async () => {
    const d = await c.createFolder(await rootId(), 'd');
    const f = await c.createFile(d.id, 'ro.txt', streamOf('ro'), { size: 2 });
    await c.lock(f.id);
    await c.delete(f.id);
    await c.delete(d.id);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('refuses resolving a path that escapes the root', async () => {
    await rejectsWithCode(c.resolvePath('../etc'), 'INVALID_NAME');
    await rejectsWithCode(c.resolvePath('a/../../etc'), 'INVALID_NAME');
  });

  it('maps a vanished parent folder to TARGET_FOLDER_NOT_FOUND', async () => {
    const d = await c.createFolder(await rootId(), 'gone');
    fs.rmdirSync(path.join(dir, 'gone'));
    await c.listTree(await rootId(), { recursive: true });
    await rejectsWithCode(c.createFile(d.id, 'x.txt', streamOf('x'), { size: 1 }), 'TARGET_FOLDER_NOT_FOUND');
    await rejectsWithCode(c.listTree(d.id, { recursive: false }), 'TARGET_NODE_NO_LONGER_EXISTS');
  });

  it('whoami names the user and the folder; a missing root is a safety abort (exit 5)', async () => {
    assert.deepEqual(await c.whoami(), { user: os.userInfo().username, address: dir });
    const missing = new LocalConnector(path.join(dir, 'nope'));
    await assert.rejects(missing.whoami(), (err: unknown) => {
      assert.ok(err instanceof SafetyError);
      assert.equal(err.exitCode, ExitCode.safety);
      assert.equal(err.code, 'ROOT_MISSING');
      assert.match(err.message, /missing or unreadable/);
      return true;
    });
    fs.writeFileSync(path.join(dir, 'file'), 'f');
    await assert.rejects(new LocalConnector(path.join(dir, 'file')).whoami(), SafetyError);
  });

  it('turns a vanished root into a safety abort on lookups too, deleting nothing', async () => {
    const f = await c.createFile(await rootId(), 'f.txt', streamOf('f'), { size: 1 });
    const moved = `${dir}-moved`;
    fs.renameSync(dir, moved);
    try {
      await assert.rejects(c.getNode(f.id), SafetyError);
    } finally {
      fs.renameSync(moved, dir);
    }
  });

  it("reports others' changes through watch, but neither its own writes nor its temp files", async () => {
    const seen: string[] = [];
    const stop = await c.watch(await rootId(), (p) => seen.push(p));
    const mine = await c.createFile(await rootId(), 'w.txt', streamOf('w'), { size: 1 });
    await c.updateContent(mine.id, streamOf('ww'), { size: 2 });
    await c.createFolder(await rootId(), 'made');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(seen.length, 0, `our own writes are no news: ${JSON.stringify(seen)}`);
    fs.writeFileSync(path.join(dir, 'w.txt'), 'theirs');
    await new Promise((r) => setTimeout(r, 300));
    stop();
    assert.ok(seen.includes('w.txt'), `saw ${JSON.stringify(seen)}`);
    assert.ok(!seen.some((p) => p.includes('.cloudsync-')), `saw ${JSON.stringify(seen)}`);
  });

  it('creates nothing with a name longer than 255 bytes', async () => {
    await rejectsWithCode(c.createFolder(await rootId(), 'é'.repeat(128)), 'INVALID_NAME');
    assert.deepEqual(await childNames(c, await rootId()), []);
    assert.ok(new NodeError('INVALID_NAME', 'x') instanceof Error);
  });
});
