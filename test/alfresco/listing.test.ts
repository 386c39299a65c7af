// Paths, node lookups and listings against the emulator, including the request budget of a listing.
import assert from 'node:assert/strict';
import type { AlfrescoConnector } from '../../src/connectors/alfresco/index.js';
import { NodeError } from '../../src/errors.js';
import { startFixture, type Fixture } from './helpers.js';

describe('alfresco paths and listings', () => {
  let fx: Fixture;
  let c: AlfrescoConnector;
  beforeEach(async () => {
    fx = await startFixture();
    c = fx.connect();
  });
  afterEach(() => fx.close());

  it('resolves <site>, <site>/<path> and node:<id>; missing things are null', async () => {
    const file = fx.emu.putFile('proj', 'Plans/Q3 ü.docx', 'q3');
    const lib = await c.resolvePath('proj');
    assert.equal(lib?.id, fx.doclib, 'the container id is the node id, not "documentLibrary"');
    assert.equal((await c.resolvePath('proj/Plans/Q3 ü.docx'))?.id, file.id);
    assert.equal((await c.resolvePath('/proj/Plans/'))?.kind, 'folder');
    assert.equal((await c.resolvePath(`node:${file.id}`))?.name, 'Q3 ü.docx');
    assert.equal(await c.resolvePath('proj/Plans/none.txt'), null);
    assert.equal(await c.resolvePath('nosuchsite/a'), null);
    assert.equal(await c.resolvePath('node:00000000-0000-0000-0000-000000000000'), null);
  });

  it('gives paths as <site>/<path>, and node:<id> outside sites', async () => {
    const file = fx.emu.putFile('proj', 'A/B/c.txt', 'c');
    assert.equal(await c.pathOf(file.id), 'proj/A/B/c.txt');
    assert.equal(await c.pathOf(fx.doclib), 'proj');
    const shared = fx.emu.repo().sharedId;
    assert.equal(await c.pathOf(shared), `node:${shared}`);
    assert.equal(await c.pathOf('00000000-0000-0000-0000-000000000000'), null);
  });

  it('refuses the document library, the site and anything outside a library as a member', async () => {
    fx.emu.putFile('proj', 'A/c.txt', 'c');
    const a = fx.emu.findByPath('proj', 'A')!;
    assert.equal(await c.checkMemberPath('proj/A'), null);
    assert.equal(await c.checkMemberPath('proj/A/c.txt'), null);
    assert.equal(await c.checkMemberPath(`node:${a.id}`), null);
    assert.match((await c.checkMemberPath('proj'))!, /document library/);
    assert.match((await c.checkMemberPath('/proj/'))!, /document library/);
    assert.match((await c.checkMemberPath(`node:${fx.doclib}`))!, /document library/);
    const siteNode = fx.emu.getNode(fx.doclib)!.parentId as string;
    assert.match((await c.checkMemberPath(`node:${siteNode}`))!, /site proj itself/);
    assert.match((await c.checkMemberPath(`node:${fx.emu.repo().sharedId}`))!, /outside/);
    assert.match((await c.checkMemberPath(''))!, /empty/);
    assert.match((await c.checkMemberPath('proj/../x'))!, /not allowed/);
  });

  it('lists a tree with parents, kinds, sizes, tokens, synced props and locks from the listing alone', async () => {
    const doc = fx.emu.putFile('proj', 'Top/Sub/doc.txt', 'hello');
    fx.emu.updateNode(doc.id, {
      properties: { 'cm:title': 'Doc', 'cm:author': 'Ann', 'exif:flash': true, 'cm:owner': 'x' },
    });
    fx.emu.lockNode(doc.id, 'bob');
    fx.emu.putFile('proj', 'Top/readme.md', '# hi');
    const top = await c.resolvePath('proj/Top');
    const listing = await c.listTree(top!.id, { recursive: true });
    assert.equal(listing.root.id, top!.id);
    const byName = new Map(listing.nodes.map((n) => [n.name, n]));
    assert.deepEqual([...byName.keys()].sort(), ['Sub', 'doc.txt', 'readme.md']);
    const d = byName.get('doc.txt')!;
    assert.equal(d.parentId, byName.get('Sub')!.id);
    assert.equal(d.kind, 'file');
    assert.equal(d.size, 5);
    assert.equal(d.locked, true);
    assert.deepEqual(d.props, { 'cm:title': 'Doc', 'cm:author': 'Ann', 'exif:flash': true });
    assert.match(d.token, /^v1\.0\|5\|\d{4}-/);
    assert.ok(Math.abs(d.mtimeMs - Date.now()) < 60_000);
    assert.equal(byName.get('Sub')!.kind, 'folder');
    assert.deepEqual(listing.skipped, []);
    const direct = await c.listTree(top!.id, { recursive: false });
    assert.deepEqual(direct.nodes.map((n) => n.name).sort(), ['Sub', 'readme.md']);
  });

  it('costs one children request per folder (plus one for the root) on a no-change pass', async () => {
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 3; j++) fx.emu.putFile('proj', `T/f${i}/g${j}/x.txt`, 'x');
    const t = await c.resolvePath('proj/T');
    await c.listTree(t!.id, { recursive: true });
    fx.emu.resetRequestLog();
    const listing = await c.listTree(t!.id, { recursive: true });
    const folders = 1 + listing.nodes.filter((n) => n.kind === 'folder').length;
    assert.equal(folders, 1 + 4 + 12);
    const log = fx.emu.requestLog;
    assert.equal(log.filter((r) => r.route.endsWith('/children')).length, folders);
    assert.equal(log.length, folders + 1, 'one GET for the root node, nothing per file');
  });

  it('pages through folders with more than 1000 children', async () => {
    fx.emu.mkdir('proj', 'Many');
    for (let i = 0; i < 1203; i++) fx.emu.putFile('proj', `Many/f${i}.txt`, String(i), { versioned: false });
    const many = await c.resolvePath('proj/Many');
    fx.emu.resetRequestLog();
    const listing = await c.listTree(many!.id, { recursive: true });
    assert.equal(listing.nodes.length, 1203);
    assert.equal(new Set(listing.nodes.map((n) => n.id)).size, 1203);
    assert.equal(fx.emu.requestLog.filter((r) => r.route.endsWith('/children')).length, 2);
  });

  it('a vanished root is TARGET_NODE_NO_LONGER_EXISTS and getNode gives null', async () => {
    const f = fx.emu.mkdir('proj', 'Gone');
    fx.emu.deleteNode(f.id);
    assert.equal(await c.getNode(f.id), null);
    await assert.rejects(
      c.listTree(f.id, { recursive: true }),
      (e: unknown) => e instanceof NodeError && e.code === 'TARGET_NODE_NO_LONGER_EXISTS',
    );
  });

  it('reports a subfolder that vanishes mid-listing as unreadable, not as empty', async () => {
    fx.emu.putFile('proj', 'L/keep.txt', 'k');
    const sub = fx.emu.putFile('proj', 'L/Sub/inner.txt', 'i');
    const subId = fx.emu.findByPath('proj', 'L/Sub')!.id;
    const l = fx.emu.findByPath('proj', 'L')!;
    // The log hook runs once the parent's listing is answered, before the subfolder is listed.
    const racing = fx.connect('alice', {
      log: (line) => {
        if (line.includes(`/nodes/${l.id}/children`)) fx.emu.deleteNode(subId);
      },
    });
    const listing = await racing.listTree(l.id, { recursive: true });
    assert.deepEqual(listing.nodes.map((n) => n.name).sort(), ['Sub', 'keep.txt']);
    assert.equal(listing.skipped.length, 1);
    assert.equal(listing.skipped[0]!.path, 'Sub');
    assert.equal(listing.skipped[0]!.unreadableFolderId, subId);
    assert.ok(!listing.nodes.some((n) => n.id === sub.id));
  });
});
