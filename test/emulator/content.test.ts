// Content download/upload semantics and version history.
import assert from 'node:assert/strict';
import http from 'node:http';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { Api, assertError } from './helpers.js';

describe('emulator: content and versions', () => {
  let emu: Emulator;
  let api: Api;
  before(async () => {
    emu = await startEmulator({ users: [{ name: 'bob', password: 'pw' }] });
    api = await Api.login(emu, 'admin', 'admin');
    emu.createSite('s', { members: { bob: 'SiteCollaborator' } });
  });
  after(() => emu.close());

  it('GET content sends the ContentStreamer headers', async () => {
    const f = emu.putFile('s', 'c/hello.txt', 'hello world');
    const res = await api.core('GET', `/nodes/${f.id}/content`);
    assert.equal(res.status, 200);
    assert.equal(res.buf.toString(), 'hello world');
    const modified = Date.parse(f.modifiedAt.replace('+0000', 'Z'));
    assert.equal(res.headers.get('etag'), `"${modified}"`);
    assert.equal(res.headers.get('last-modified'), new Date(modified).toUTCString());
    assert.equal(res.headers.get('content-type'), 'text/plain;charset=UTF-8');
    assert.equal(res.headers.get('content-length'), '11');
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.match(res.headers.get('cache-control')!, /must-revalidate/);
    assert.match(res.headers.get('content-disposition')!, /^attachment; filename="hello.txt"/);
    const inline = await api.core('GET', `/nodes/${f.id}/content?attachment=false`);
    assert.equal(inline.headers.get('content-disposition'), null);
  });

  it('If-Modified-Since gives 304 when not modified since (second precision)', async () => {
    const f = emu.putFile('s', 'c/ims.txt', 'x');
    const lastModified = (await api.core('GET', `/nodes/${f.id}/content`)).headers.get('last-modified')!;
    const same = await api.core('GET', `/nodes/${f.id}/content`, {
      headers: { 'If-Modified-Since': lastModified },
    });
    assert.equal(same.status, 304);
    assert.equal(same.buf.length, 0);
    const older = new Date(Date.parse(lastModified) - 5000).toUTCString();
    assert.equal(
      (await api.core('GET', `/nodes/${f.id}/content`, { headers: { 'If-Modified-Since': older } })).status,
      200,
    );
  });

  it('Range gives 206 with Content-Range for a-b, a- and -n; 416 when unsatisfiable', async () => {
    const f = emu.putFile('s', 'c/range.txt', '0123456789');
    const get = (range: string) => api.core('GET', `/nodes/${f.id}/content`, { headers: { Range: range } });
    let r = await get('bytes=2-4');
    assert.equal(r.status, 206);
    assert.equal(r.buf.toString(), '234');
    assert.equal(r.headers.get('content-range'), 'bytes 2-4/10');
    r = await get('bytes=7-');
    assert.equal(r.buf.toString(), '789');
    r = await get('bytes=-3');
    assert.equal(r.buf.toString(), '789');
    assert.equal(r.headers.get('content-range'), 'bytes 7-9/10');
    r = await get('bytes=20-30');
    assert.equal(r.status, 416);
    assert.equal(r.headers.get('content-range'), 'bytes */10');
  });

  it('PUT content creates a minor version, majorVersion=true a major one, and takes Content-Type', async () => {
    const f = emu.putFile('s', 'c/v.txt', 'one');
    const put = (q: string, body: string, type = 'text/plain') =>
      api.core('PUT', `/nodes/${f.id}/content${q}`, { body, headers: { 'Content-Type': type } });
    let r = await put('', 'two');
    assert.equal(r.status, 200);
    assert.equal(r.json.entry.properties['cm:versionLabel'], '1.1');
    assert.equal(r.json.entry.properties['cm:versionType'], 'MINOR');
    assert.ok(r.json.entry.modifiedAt > f.modifiedAt);
    r = await put('?majorVersion=true&comment=big', 'three', 'text/html');
    assert.equal(r.json.entry.properties['cm:versionLabel'], '2.0');
    assert.equal(r.json.entry.content.mimeType, 'text/html');
    assert.equal(emu.readContent(f.id)?.toString(), 'three');
    const list = await api.core('GET', `/nodes/${f.id}/versions`);
    assert.deepEqual(
      list.json.list.entries.map((e: { entry: { id: string } }) => e.entry.id),
      ['2.0', '1.1', '1.0'],
    );
    assert.equal(list.json.list.entries[0].entry.versionComment, 'big');
    assert.deepEqual(emu.versions(f.id), ['2.0', '1.1', '1.0']);
    const v = await api.core('GET', `/nodes/${f.id}/versions/1.1`);
    assert.equal(v.json.entry.id, '1.1');
    assert.equal((await api.core('GET', `/nodes/${f.id}/versions/1.0/content`)).buf.toString(), 'one');
    assertError(await api.core('GET', `/nodes/${f.id}/versions/9.9`), 404);
    const page = await api.core('GET', `/nodes/${f.id}/versions?maxItems=1`);
    assert.equal(page.json.list.pagination.hasMoreItems, true);
  });

  it('PUT content ?name= renames (409 on a clash); a non-versionable file stays unversioned', async () => {
    const f = emu.putFile('s', 'c/plain.txt', 'x', { versioned: false });
    emu.putFile('s', 'c/taken.txt', 'x');
    assertError(await api.core('PUT', `/nodes/${f.id}/content?name=taken.txt`, { body: 'y' }), 409);
    const r = await api.core('PUT', `/nodes/${f.id}/content?name=renamed.txt`, { body: 'y' });
    assert.equal(r.json.entry.name, 'renamed.txt');
    assert.equal(r.json.entry.properties?.['cm:versionLabel'], undefined);
    assert.equal(
      r.json.entry.content.mimeType,
      'text/plain',
      'guessed from the name when Content-Type is generic',
    );
  });

  it('PUT content enforces 413 and 507', async () => {
    const f = emu.putFile('s', 'c/lim.txt', 'x');
    emu.setLimits({ maxUploadBytes: 4 });
    assertError(await api.core('PUT', `/nodes/${f.id}/content`, { body: '12345' }), 413);
    emu.setLimits({ maxUploadBytes: undefined, quotaBytes: 0 });
    assertError(await api.core('PUT', `/nodes/${f.id}/content`, { body: '12345' }), 507);
    emu.setLimits({ quotaBytes: undefined });
    assert.equal(emu.readContent(f.id)?.toString(), 'x');
  });

  it('a client disconnecting mid-upload changes nothing and the server keeps serving', async () => {
    const f = emu.putFile('s', 'c/abort.txt', 'original');
    const url = new URL(`${emu.coreUrl()}/nodes/${f.id}/content`);
    const req = http.request(url, {
      method: 'PUT',
      headers: { Authorization: api.auth, 'Content-Length': '1000' },
    });
    req.on('error', () => undefined);
    req.write('partial');
    await new Promise((r) => setTimeout(r, 30));
    req.destroy();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(emu.readContent(f.id)?.toString(), 'original');
    assert.equal((await api.core('GET', `/nodes/${f.id}`)).status, 200);
  });

  it('GET content of a folder is 400', async () => {
    const d = emu.mkdir('s', 'c/dir');
    assertError(await api.core('GET', `/nodes/${d.id}/content`), 400);
  });
});
