// Single-node endpoints: get, update, delete, copy, move, and the trashcan.
import assert from 'node:assert/strict';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { Api, DATE_RE, assertError, assertNode } from './helpers.js';

describe('emulator: nodes', () => {
  let emu: Emulator;
  let api: Api;
  let docLib: string;
  before(async () => {
    emu = await startEmulator({});
    api = await Api.login(emu, 'admin', 'admin');
    docLib = emu.createSite('s').documentLibraryId;
  });
  after(() => emu.close());

  it('GET /nodes/{id} returns properties and aspectNames by default, dates in ACS format', async () => {
    const f = emu.putFile('s', 'a/b.txt', 'hello');
    const res = await api.core('GET', `/nodes/${f.id}`);
    assert.equal(res.status, 200);
    const e = res.json.entry;
    assertNode(e);
    assert.match(e.createdAt, DATE_RE);
    assert.ok(Array.isArray(e.aspectNames));
    assert.equal(e.properties['cm:versionLabel'], '1.0');
    assert.equal(e.isFile, true);
    assert.deepEqual(e.content, {
      mimeType: 'text/plain',
      mimeTypeName: 'Plain Text',
      sizeInBytes: 5,
      encoding: 'UTF-8',
    });
    assert.equal(e.isLocked, undefined, 'isLocked only with include');
  });

  it('resolves aliases, relativePath and include=path,isLocked,allowableOperations', async () => {
    const root = await api.core('GET', '/nodes/-root-');
    assert.equal(root.json.entry.name, 'Company Home');
    assert.equal((await api.core('GET', '/nodes/-my-')).json.entry.name, 'admin');
    assert.equal((await api.core('GET', '/nodes/-shared-')).json.entry.name, 'Shared');
    const res = await api.core(
      'GET',
      '/nodes/-root-?relativePath=Sites/s/documentLibrary/a/b.txt&include=path%2CisLocked,allowableOperations',
    );
    const e = res.json.entry;
    assert.equal(e.name, 'b.txt');
    assert.equal(e.isLocked, false);
    assert.deepEqual(e.allowableOperations.sort(), ['delete', 'update', 'updatePermissions']);
    assert.equal(e.path.name, '/Company Home/Sites/s/documentLibrary/a');
    assert.equal(e.path.isComplete, true);
    assert.deepEqual(
      e.path.elements.map((x: { name: string }) => x.name),
      ['Company Home', 'Sites', 's', 'documentLibrary', 'a'],
    );
    assert.ok(e.path.elements.every((x: { id: string }) => typeof x.id === 'string'));
    assertError(
      await api.core('GET', '/nodes/-root-?relativePath=Sites/nope'),
      404,
      'framework.exception.EntityNotFound',
    );
    assertError(await api.core('GET', '/nodes/00000000-0000-4000-8000-000000000000'), 404);
  });

  it('PUT /nodes/{id} renames, sets properties (adding their aspect) and replaces the aspect list', async () => {
    const f = emu.putFile('s', 'put/p.txt', 'x', { versioned: false });
    let res = await api.core('PUT', `/nodes/${f.id}`, {
      json: {
        name: 'q.txt',
        properties: { 'cm:title': 'T', 'cm:latitude': '51.5', 'exif:pixelXDimension': 640 },
      },
    });
    assert.equal(res.status, 200);
    const e = res.json.entry;
    assert.equal(e.name, 'q.txt');
    assert.equal(e.properties['cm:latitude'], 51.5);
    for (const a of ['cm:titled', 'cm:geographic', 'exif:exif']) assert.ok(e.aspectNames.includes(a), a);
    assert.ok(e.modifiedAt > f.modifiedAt);
    res = await api.core('PUT', `/nodes/${f.id}`, { json: { aspectNames: ['cm:titled'] } });
    assert.deepEqual(res.json.entry.aspectNames.sort(), ['cm:auditable', 'cm:titled']);
    assert.equal(res.json.entry.properties['cm:latitude'], undefined, 'aspect removed with its properties');
    assert.equal(res.json.entry.properties['cm:title'], 'T');
  });

  it('PUT /nodes/{id} refuses sys: (400), duplicates (409) and bad names (422)', async () => {
    const a = emu.putFile('s', 'v/a.txt', 'a');
    emu.putFile('s', 'v/b.txt', 'b');
    const sys = assertError(
      await api.core('PUT', `/nodes/${a.id}`, { json: { properties: { 'sys:locale': 'en' } } }),
      400,
    );
    assert.match(sys.briefSummary as string, /NameSpace cannot be used by API/);
    assertError(await api.core('PUT', `/nodes/${a.id}`, { json: { aspectNames: ['sys:localized'] } }), 400);
    const dup = assertError(await api.core('PUT', `/nodes/${a.id}`, { json: { name: 'B.txt' } }), 409);
    assert.equal(dup.errorKey, 'Duplicate child name not allowed: B.txt');
    for (const bad of ['a*b', 'a"b', 'a<b', 'a>b', 'a\\b', 'a/b', 'a?b', 'a:b', 'a|b', 'trailing.'])
      assertError(await api.core('PUT', `/nodes/${a.id}`, { json: { name: bad } }), 422);
    assert.equal(
      (await api.core('PUT', `/nodes/${a.id}`, { json: { name: 'A.TXT' } })).status,
      200,
      'case-only rename',
    );
  });

  it('modifiedAt strictly increases even for changes within one millisecond', async () => {
    const f = emu.putFile('s', 'clock.txt', 'x');
    let last = f.modifiedAt;
    for (let i = 0; i < 5; i++) {
      const n = emu.updateNode(f.id, { properties: { 'cm:description': String(i) } });
      assert.match(n.modifiedAt, DATE_RE);
      assert.ok(n.modifiedAt > last, `${n.modifiedAt} > ${last}`);
      last = n.modifiedAt;
    }
  });

  it('DELETE /nodes/{id} is recursive (204), then 404; the node is in the trashcan and can be restored', async () => {
    const f = emu.putFile('s', 'del/sub/x.txt', 'x');
    const folder = emu.findByPath('s', 'del')!;
    assert.equal((await api.core('DELETE', `/nodes/${folder.id}`)).status, 204);
    assertError(await api.core('GET', `/nodes/${f.id}`), 404);
    assertError(await api.core('DELETE', `/nodes/${folder.id}`), 404);
    const trash = await api.core('GET', '/deleted-nodes');
    const item = trash.json.list.entries.find(
      (x: { entry: { id: string } }) => x.entry.id === folder.id,
    ).entry;
    assert.match(item.archivedAt, DATE_RE);
    assert.equal(item.archivedByUser.id, 'admin');
    assert.equal((await api.core('POST', `/deleted-nodes/${folder.id}/restore`)).status, 200);
    assert.equal(emu.findByPath('s', 'del/sub/x.txt')?.id, f.id);
    assertError(await api.core('DELETE', '/nodes/-root-'), 403);
  });

  it('POST copy (201) and move (200) with name clash 409, non-folder target 400, missing 404', async () => {
    const src = emu.putFile('s', 'cm/src.txt', 'data');
    const dest = emu.mkdir('s', 'cm/dest');
    const copy = await api.core('POST', `/nodes/${src.id}/copy`, { json: { targetParentId: dest.id } });
    assert.equal(copy.status, 201);
    assert.notEqual(copy.json.entry.id, src.id);
    assert.equal(copy.json.entry.parentId, dest.id);
    assert.equal(emu.readContent(copy.json.entry.id)?.toString(), 'data');
    assertError(await api.core('POST', `/nodes/${src.id}/copy`, { json: { targetParentId: dest.id } }), 409);
    assertError(await api.core('POST', `/nodes/${src.id}/copy`, { json: { targetParentId: src.id } }), 400);
    assertError(
      await api.core('POST', `/nodes/${src.id}/move`, { json: { targetParentId: 'missing-id' } }),
      404,
    );
    const cycle = emu.mkdir('s', 'cm/dest/inner');
    assertError(
      await api.core('POST', `/nodes/${dest.id}/move`, { json: { targetParentId: cycle.id } }),
      400,
    );
    const moved = await api.core('POST', `/nodes/${src.id}/move`, {
      json: { targetParentId: dest.id, name: 'moved.txt' },
    });
    assert.equal(moved.status, 200);
    assert.equal(moved.json.entry.name, 'moved.txt');
    assert.equal(emu.findByPath('s', 'cm/dest/moved.txt')?.id, src.id);
    assertError(
      await api.core('POST', `/nodes/${src.id}/move`, { json: { targetParentId: docLib, name: 'cm' } }),
      409,
    );
  });
});
