// GET/POST /nodes/{id}/children: listing, JSON creation and multipart uploads.
import assert from 'node:assert/strict';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { Api, assertError, assertNode } from './helpers.js';

type Entry = { entry: Record<string, unknown> & { name: string } };
const names = (res: { json: { list: { entries: Entry[] } } }) =>
  res.json.list.entries.map((e) => e.entry.name);

describe('emulator: children', () => {
  let emu: Emulator;
  let api: Api;
  let docLib: string;
  beforeEach(async () => {
    emu = await startEmulator({ users: [{ name: 'bob', password: 'pw' }] });
    api = await Api.login(emu, 'admin', 'admin');
    docLib = emu.createSite('s', { members: { bob: 'SiteCollaborator' } }).documentLibraryId;
  });
  afterEach(() => emu.close());

  it('lists folders first then names, without properties/aspectNames unless included', async () => {
    emu.putFile('s', 'b.txt', 'b');
    emu.putFile('s', 'A.txt', 'a');
    emu.mkdir('s', 'zdir');
    const res = await api.core('GET', `/nodes/${docLib}/children`);
    assert.deepEqual(names(res), ['zdir', 'A.txt', 'b.txt']);
    for (const e of res.json.list.entries as Entry[]) {
      assertNode(e.entry);
      assert.equal(e.entry.properties, undefined);
      assert.equal(e.entry.aspectNames, undefined);
    }
    const inc = await api.core(
      'GET',
      `/nodes/${docLib}/children?include=properties,aspectNames,isLocked,path`,
    );
    const e = (inc.json.list.entries as Entry[])[1]!.entry;
    assert.ok(e.properties && e.aspectNames && e.path);
    assert.equal(e.isLocked, false);
  });

  it('pages with skipCount/maxItems and hasMoreItems', async () => {
    for (let i = 0; i < 7; i++) emu.putFile('s', `f${i}.txt`, String(i));
    const seen: string[] = [];
    let skip = 0;
    for (;;) {
      const res = await api.core('GET', `/nodes/${docLib}/children?skipCount=${skip}&maxItems=3`);
      const p = res.json.list.pagination;
      assert.equal(p.maxItems, 3);
      assert.equal(p.skipCount, skip);
      assert.equal(p.totalItems, 7);
      seen.push(...names(res));
      if (!p.hasMoreItems) break;
      skip += p.count;
    }
    assert.deepEqual(seen, ['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt', 'f6.txt']);
    assertError(await api.core('GET', `/nodes/${docLib}/children?maxItems=0`), 400);
    assertError(await api.core('GET', `/nodes/${docLib}/children?skipCount=-1`), 400);
  });

  it('supports where=(isFolder=true)/(isFile=true), orderBy and relativePath', async () => {
    emu.putFile('s', 'd/x.txt', 'x');
    emu.putFile('s', 'big.txt', 'xxxxxxxx');
    emu.putFile('s', 'small.txt', 'x');
    assert.deepEqual(names(await api.core('GET', `/nodes/${docLib}/children?where=(isFolder=true)`)), ['d']);
    assert.deepEqual(names(await api.core('GET', `/nodes/${docLib}/children?where=(isFile=true)`)), [
      'big.txt',
      'small.txt',
    ]);
    const bySize = await api.core(
      'GET',
      `/nodes/${docLib}/children?where=(isFile=true)&orderBy=sizeInBytes ASC`,
    );
    assert.deepEqual(names(bySize), ['small.txt', 'big.txt']);
    assert.deepEqual(names(await api.core('GET', `/nodes/${docLib}/children?relativePath=d`)), ['x.txt']);
    assertError(
      await api.core('GET', `/nodes/${docLib}/children?where=(bogus=1)`),
      400,
      'framework.exception.InvalidQuery',
    );
    assertError(await api.core('GET', `/nodes/${docLib}/children?orderBy=color`), 400);
  });

  it('JSON create: folders, relativePath intermediates, autoRename, clash 409, unversioned files, arrays', async () => {
    const res = await api.core('POST', `/nodes/${docLib}/children`, {
      json: { name: 'F', nodeType: 'cm:folder', relativePath: 'x/y' },
    });
    assert.equal(res.status, 201);
    assert.equal(emu.findByPath('s', 'x/y/F')?.id, res.json.entry.id);
    const dup = assertError(
      await api.core('POST', `/nodes/${docLib}/children`, { json: { name: 'x', nodeType: 'cm:folder' } }),
      409,
    );
    assert.equal(dup.errorKey, 'Duplicate child name not allowed: x');
    const renamed = await api.core('POST', `/nodes/${docLib}/children?autoRename=true`, {
      json: { name: 'x', nodeType: 'cm:folder' },
    });
    assert.equal(renamed.json.entry.name, 'x-1');
    const file = await api.core('POST', `/nodes/${docLib}/children`, {
      json: { name: 'n.txt', nodeType: 'cm:content', properties: { 'cm:title': 'T' } },
    });
    assert.equal(file.json.entry.content.sizeInBytes, 0);
    assert.equal(
      file.json.entry.properties['cm:versionLabel'],
      undefined,
      'JSON-created files are unversioned',
    );
    assert.ok(file.json.entry.aspectNames.includes('cm:titled'));
    const many = await api.core('POST', `/nodes/${docLib}/children`, {
      json: [
        { name: 'm1', nodeType: 'cm:folder' },
        { name: 'm2', nodeType: 'cm:folder' },
      ],
    });
    assert.equal(many.status, 201);
    assert.equal(many.json.list.entries.length, 2);
    assertError(
      await api.core('POST', `/nodes/${docLib}/children`, {
        json: { name: 'bad:name', nodeType: 'cm:folder' },
      }),
      422,
    );
    assertError(
      await api.core('POST', `/nodes/${docLib}/children`, { json: { nodeType: 'cm:folder' } }),
      400,
    );
    assertError(
      await api.core('POST', `/nodes/${file.json.entry.id}/children`, {
        json: { name: 'q', nodeType: 'cm:folder' },
      }),
      400,
    );
    assertError(
      await api.core('POST', '/nodes/no-such-node/children', { json: { name: 'q', nodeType: 'cm:folder' } }),
      404,
    );
  });

  it('upload: versioned 1.0 MAJOR with the standard aspects; properties from prefix:name fields', async () => {
    const res = await api.upload(docLib, 'up.txt', 'hello', {
      'cm:title': 'Title',
      'cm:description': 'D',
      relativePath: 'deep/er',
    });
    assert.equal(res.status, 201);
    const e = res.json.entry;
    assert.equal(e.parentId, emu.findByPath('s', 'deep/er')!.id);
    assert.equal(e.properties['cm:versionLabel'], '1.0');
    assert.equal(e.properties['cm:versionType'], 'MAJOR');
    assert.equal(e.properties['cm:title'], 'Title');
    for (const a of ['cm:versionable', 'cm:titled', 'cm:auditable', 'cm:author'])
      assert.ok(e.aspectNames.includes(a), a);
    assert.equal(emu.readContent(e.id)?.toString(), 'hello');
    const minor = await api.upload(docLib, 'minor.txt', 'x', { majorVersion: 'false' });
    assert.equal(minor.json.entry.properties['cm:versionLabel'], '0.1');
    const named = await api.upload(docLib, 'blob', 'x', { NAME: 'real.txt' });
    assert.equal(named.json.entry.name, 'real.txt', 'field names are case-insensitive');
  });

  it('upload: autoRename suffixes name-1.ext, name-2.ext, name-1 and 1.ext; clash without flags 409', async () => {
    for (const n of ['r.txt', 'noext', '.dot']) assert.equal((await api.upload(docLib, n, 'x')).status, 201);
    const expect: Array<[string, string]> = [
      ['r.txt', 'r-1.txt'],
      ['r.txt', 'r-2.txt'],
      ['noext', 'noext-1'],
      ['.dot', '1.dot'],
    ];
    for (const [n, want] of expect)
      assert.equal((await api.upload(docLib, n, 'x', { autoRename: 'true' })).json.entry.name, want);
    const clash = assertError(await api.upload(docLib, 'r.txt', 'x'), 409);
    assert.match(clash.briefSummary as string, /r\.txt already exists\.$/);
  });

  it('upload flags are read from form fields, not from the query', async () => {
    await api.upload(docLib, 'q.txt', 'x');
    assertError(await api.upload(docLib, 'q.txt', 'x', {}, '?autoRename=true'), 409);
    assert.equal(
      (await api.upload(docLib, 'q.txt', 'x', { autoRename: 'true' }, '?autoRename=false')).json.entry.name,
      'q-1.txt',
    );
    assertError(await api.upload(docLib, 'q.txt', 'x', { autoRename: 'true', overwrite: 'true' }), 400);
    assertError(await api.upload(docLib, null, 'x'), 400);
  });

  it('upload overwrite: new minor version of a versionable file, 409 for a non-versionable one', async () => {
    const first = await api.upload(docLib, 'o.txt', 'v1');
    const over = await api.upload(docLib, 'o.txt', 'v2', { overwrite: 'true' });
    assert.equal(over.status, 201);
    assert.equal(over.json.entry.id, first.json.entry.id);
    assert.equal(over.json.entry.properties['cm:versionLabel'], '1.1');
    assert.equal(emu.readContent(first.json.entry.id)?.toString(), 'v2');
    await api.core('POST', `/nodes/${docLib}/children`, {
      json: { name: 'plain.txt', nodeType: 'cm:content' },
    });
    assertError(await api.upload(docLib, 'plain.txt', 'x', { overwrite: 'true' }), 409);
  });

  it('upload limits: 413 over maxUploadBytes, 507 over quota', async () => {
    emu.setLimits({ maxUploadBytes: 10 });
    assert.equal((await api.upload(docLib, 'ok.bin', Buffer.alloc(10))).status, 201);
    assertError(await api.upload(docLib, 'big.bin', Buffer.alloc(11)), 413);
    emu.setLimits({ maxUploadBytes: undefined, quotaBytes: 25 });
    assert.equal((await api.upload(docLib, 'q1.bin', Buffer.alloc(15))).status, 201);
    assertError(await api.upload(docLib, 'q2.bin', Buffer.alloc(1)), 507);
    assert.equal(emu.findByPath('s', 'q2.bin'), undefined);
  });
});
