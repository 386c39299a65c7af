import { FolderNotEmptyError } from '../../src/errors.js';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Connector, RemoteNode } from '../../src/connectors/types.js';
import {
  bigStream,
  childNamed,
  childNames,
  liveBytes,
  readAll,
  rejectsWithCode,
  streamOf,
} from './contract-helpers.js';

/** What a connector's test file hands the contract suite. */
export interface ContractFixture {
  connector: Connector;
  /** A folder path in SPEC §2 syntax where the suite may create things ('' for local, 'site1/work'...). */
  rootPath: string;
  cleanup(): Promise<void>;
  /**
   * True when the repository behind the connector keeps uploaded bytes in this process's memory (an
   * in-process emulator), which makes the upload memory bound meaningless; the download bound still applies.
   */
  storesContentInMemory?: boolean;
}

/**
 * How much live memory a 20 MB transfer may add. Well below the file size, so holding the whole file fails,
 * yet above what socket and stream buffers of an in-process HTTP stack may hold at a moment (seen: ~9 MB).
 */
const MEMORY_SLACK = 12 * 1024 * 1024;

/**
 * The suite every connector must pass (rclone-style golden behaviour): only the Connector interface and its
 * declared capabilities are used, never `kind`. Each test works in a fresh folder below `rootPath`.
 */
export function describeConnectorContract(label: string, makeFixture: () => Promise<ContractFixture>): void {
  describe(`connector contract: ${label}`, function () {
    this.timeout(60_000);
    let fx: ContractFixture;
    let c: Connector;
    let box: RemoteNode;

    beforeEach(async () => {
      fx = await makeFixture();
      c = fx.connector;
      const base = await c.resolvePath(fx.rootPath);
      assert.ok(base, `rootPath ${fx.rootPath} must exist`);
      box = await c.createFolder(base.id, `contract-${randomBytes(4).toString('hex')}`);
    });
    afterEach(async () => {
      await c.delete(box.id).catch(() => undefined);
      await c.close();
      await fx.cleanup();
    });

    it('creates, lists and reads back the same bytes', async () => {
      const f = await c.createFile(box.id, 'hello.txt', streamOf('hello world'), { size: 11 });
      assert.equal(f.kind, 'file');
      assert.equal(f.name, 'hello.txt');
      assert.equal(f.parentId, box.id);
      assert.equal(f.size, 11);
      const listed = await childNamed(c, box.id, 'hello.txt');
      assert.equal(listed.id, f.id);
      assert.equal(listed.token, f.token);
      assert.equal(await readAll(c, f.id), 'hello world');
      assert.equal((await c.getNode(f.id))?.name, 'hello.txt');
      const boxPath = await c.pathOf(box.id);
      assert.equal(await c.pathOf(f.id), `${boxPath}/hello.txt`);
      assert.equal((await c.resolvePath(`${boxPath}/hello.txt`))?.id, f.id);
      assert.equal(await c.resolvePath(`${boxPath}/missing.txt`), null);
    });

    it('lists direct children only, or the whole tree with consistent parent ids', async () => {
      const a = await c.createFolder(box.id, 'a');
      const b = await c.createFolder(a.id, 'b');
      await c.createFile(b.id, 'deep.txt', streamOf('deep'), { size: 4 });
      await c.createFile(box.id, 'top.txt', streamOf('top'), { size: 3 });
      assert.deepEqual(await childNames(c, box.id), ['a', 'top.txt']);
      const all = await c.listTree(box.id, { recursive: true });
      assert.equal(all.root.id, box.id);
      assert.deepEqual(all.nodes.map((n) => n.name).sort(), ['a', 'b', 'deep.txt', 'top.txt']);
      const ids = new Set([box.id, ...all.nodes.map((n) => n.id)]);
      for (const n of all.nodes)
        assert.ok(n.parentId !== null && ids.has(n.parentId), `${n.name} has a known parent`);
      const byName = new Map(all.nodes.map((n) => [n.name, n]));
      assert.equal(byName.get('b')?.parentId, a.id);
      assert.equal(byName.get('deep.txt')?.parentId, b.id);
      assert.equal(byName.get('a')?.kind, 'folder');
    });

    it('keeps a node identity across rename and move, and the token across a rename', async () => {
      const dest = await c.createFolder(box.id, 'dest');
      const f = await c.createFile(box.id, 'a.txt', streamOf('same bytes'), { size: 10 });
      const renamed = await c.move(f.id, box.id, 'b.txt');
      assert.equal(renamed.id, f.id);
      assert.equal(renamed.name, 'b.txt');
      assert.equal(renamed.token, f.token, 'a rename is not a content change');
      const moved = await c.move(f.id, dest.id, 'c.txt');
      assert.equal(moved.id, f.id);
      assert.equal(moved.parentId, dest.id);
      const now = await c.getNode(f.id);
      assert.equal(now?.name, 'c.txt');
      assert.equal(now?.parentId, dest.id);
      assert.equal(await c.pathOf(f.id), `${await c.pathOf(dest.id)}/c.txt`);
      assert.equal(await readAll(c, f.id), 'same bytes');
      assert.deepEqual(await childNames(c, box.id), ['dest']);
      // moving onto its own place is a no-op
      assert.equal((await c.move(f.id, dest.id, 'c.txt')).id, f.id);
    });

    it('moves a folder with its content, keeping identities', async () => {
      const a = await c.createFolder(box.id, 'a');
      const inner = await c.createFile(a.id, 'inner.txt', streamOf('i'), { size: 1 });
      const b = await c.createFolder(box.id, 'b');
      const moved = await c.move(a.id, b.id, 'a2');
      assert.equal(moved.id, a.id);
      assert.equal((await c.getNode(inner.id))?.parentId, a.id);
      assert.equal(await c.pathOf(inner.id), `${await c.pathOf(box.id)}/b/a2/inner.txt`);
    });

    it('changes the token when content changes, and reads the new content', async () => {
      const f = await c.createFile(box.id, 'v.txt', streamOf('version one'), { size: 11 });
      const g = await c.updateContent(f.id, streamOf('version two!'), { size: 12 });
      // the id may change (local: new inode); the returned node is the one to use
      assert.notEqual(g.token, f.token);
      assert.equal(g.name, 'v.txt');
      assert.equal(g.size, 12);
      assert.equal(await readAll(c, g.id), 'version two!');
      assert.equal((await c.getNode(g.id))?.token, g.token);
      assert.deepEqual(await childNames(c, box.id), ['v.txt']);
    });

    it('refuses a name that is taken, on create and on move, changing nothing', async () => {
      const f = await c.createFile(box.id, 'x.txt', streamOf('original'), { size: 8 });
      await rejectsWithCode(
        c.createFile(box.id, 'x.txt', streamOf('intruder'), { size: 8 }),
        'TARGET_FOLDER_NAME_CLASH',
      );
      await c.createFolder(box.id, 'dir');
      await rejectsWithCode(c.createFolder(box.id, 'dir'), 'TARGET_FOLDER_NAME_CLASH');
      const other = await c.createFile(box.id, 'y.txt', streamOf('other'), { size: 5 });
      await rejectsWithCode(c.move(other.id, box.id, 'x.txt'), 'TARGET_FOLDER_NAME_CLASH');
      await rejectsWithCode(c.move(other.id, box.id, 'dir'), 'TARGET_FOLDER_NAME_CLASH');
      assert.equal(await readAll(c, f.id), 'original');
      assert.equal(await readAll(c, other.id), 'other');
      assert.deepEqual(await childNames(c, box.id), ['dir', 'x.txt', 'y.txt']);
    });

    it('refuses invalid names and creates nothing anywhere', async () => {
      const inner = await c.createFolder(box.id, 'inner');
      const f = await c.createFile(inner.id, 'f.txt', streamOf('f'), { size: 1 });
      const parent = (await c.getNode(box.id))!.parentId!;
      const before = await childNames(c, parent);
      for (const bad of ['..', '.', '', 'a/b', '../escape', 'nul\0byte']) {
        await rejectsWithCode(c.createFile(inner.id, bad, streamOf('x'), { size: 1 }), 'INVALID_NAME');
        await rejectsWithCode(c.createFolder(inner.id, bad), 'INVALID_NAME');
        await rejectsWithCode(c.move(f.id, inner.id, bad), 'INVALID_NAME');
      }
      assert.deepEqual(await childNames(c, inner.id), ['f.txt']);
      assert.deepEqual(await childNames(c, box.id), ['inner']);
      assert.deepEqual(await childNames(c, parent), before);
    });

    it('deletes files and empty folders, never a tree; deleted nodes are gone for getNode and pathOf', async () => {
      const a = await c.createFolder(box.id, 'a');
      const b = await c.createFolder(a.id, 'b');
      const f = await c.createFile(b.id, 'f.txt', streamOf('f'), { size: 1 });
      const keep = await c.createFile(box.id, 'keep.txt', streamOf('k'), { size: 1 });
      await assert.rejects(c.delete(a.id), FolderNotEmptyError, 'a folder that holds anything is kept');
      assert.equal(await readAll(c, f.id), 'f');
      await c.delete(f.id, 'file');
      await c.delete(b.id);
      await c.delete(a.id, 'folder');
      for (const id of [a.id, b.id, f.id]) {
        assert.equal(await c.getNode(id), null);
        assert.equal(await c.pathOf(id), null);
      }
      assert.deepEqual(await childNames(c, box.id), ['keep.txt']);
      assert.equal(await readAll(c, keep.id), 'k');
      await c.delete(a.id); // deleting what is gone is not an error
    });

    it('locks and unlocks a file when it can', async function () {
      if (!c.capabilities.locks || !c.lock || !c.unlock) return this.skip();
      const f = await c.createFile(box.id, 'l.txt', streamOf('lock me'), { size: 7 });
      assert.equal(await c.lock(f.id), true, 'the first lock is ours');
      assert.equal((await c.getNode(f.id))?.locked, true);
      assert.equal(await c.lock(f.id), false, 'already locked');
      await c.unlock(f.id);
      assert.equal((await c.getNode(f.id))?.locked, false);
      assert.equal(await readAll(c, f.id), 'lock me');
    });

    it('streams a 20 MB file both ways with bounded memory', async function () {
      const total = 20 * 1024 * 1024;
      const samples: number[] = [];
      const before = liveBytes();
      const src = bigStream(total, samples);
      const f = await c.createFile(box.id, 'big.bin', src.stream, { size: total });
      assert.equal(f.size, total);
      if (!fx.storesContentInMemory) {
        const peak = Math.max(...samples) - before;
        assert.ok(peak < MEMORY_SLACK, `upload held ${Math.round(peak / 1e6)} MB`);
      }
      const afterUpload = liveBytes();
      const hash = createHash('sha256');
      let read = 0;
      let peakRead = 0;
      for await (const chunk of await c.readContent(f.id)) {
        hash.update(chunk as Buffer);
        read += (chunk as Buffer).length;
        if (read % (4 * 1024 * 1024) < (chunk as Buffer).length)
          peakRead = Math.max(peakRead, liveBytes() - afterUpload);
      }
      assert.equal(read, total);
      assert.equal(hash.digest('hex'), src.sha());
      assert.ok(peakRead < MEMORY_SLACK, `download held ${Math.round(peakRead / 1e6)} MB`);
    });
  });
}
