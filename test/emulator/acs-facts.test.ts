// Facts from Alfresco's own REST API tests and implementation (alfresco-community-repo, read at 26.3 SNAPSHOT)
// that the emulator must honour because the connector's correctness depends on them. Each `it` names its
// source: NodeApiTest / NodeVersionsApiTest = remote-api/src/test/java/org/alfresco/rest/api/tests/…,
// NodesImpl = remote-api/src/main/java/org/alfresco/rest/api/impl/NodesImpl.java.
import assert from 'node:assert/strict';
import http from 'node:http';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { Api, assertError } from './helpers.js';

describe('emulator: facts from Alfresco sources', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let alice: Api;
  let doclib: string;
  before(async () => {
    emu = await startEmulator({ users: [{ name: 'alice', password: 'a' }] });
    doclib = emu.createSite('s', { members: { alice: 'SiteCollaborator' } }).documentLibraryId;
    alice = await Api.login(emu, 'alice', 'a');
  });
  after(() => emu.close());

  const newFile = async (name: string) => {
    const res = await alice.core('POST', `/nodes/${doclib}/children`, {
      json: { name, nodeType: 'cm:content' },
    });
    assert.equal(res.status, 201);
    return res.json.entry as { id: string; properties?: Record<string, unknown> };
  };
  const putText = (id: string, text: string, query = '') =>
    alice.core('PUT', `/nodes/${id}/content${query}`, {
      body: text,
      headers: { 'Content-Type': 'text/plain' },
    });

  it('unknown property, unknown aspect, unmapped prefix: 400 (NodeApiTest#testUpdateNodeInfo, #testUploadFile; NodesImpl "Unknown property:")', async () => {
    const f = await newFile('u.txt');
    const prop = assertError(
      await alice.core('PUT', `/nodes/${f.id}`, { json: { properties: { 'cm:xyz': 'v' } } }),
      400,
    );
    assert.match(String(prop.briefSummary), /Unknown property: cm:xyz/);
    const aspect = assertError(
      await alice.core('PUT', `/nodes/${f.id}`, {
        json: { aspectNames: ['cm:auditable', 'cm:unknownAspect'] },
      }),
      400,
    );
    assert.match(String(aspect.briefSummary), /Unknown aspect: cm:unknownAspect/);
    const prefix = assertError(
      await alice.core('POST', `/nodes/${doclib}/children`, {
        json: { name: 'p.txt', nodeType: 'cm:content', properties: { 'acme:project': 'x' } },
      }),
      400,
    );
    assert.match(String(prefix.briefSummary), /Namespace prefix acme is not mapped to a namespace URI/);
    // a property value of the wrong type is 400 too (NodeApiTest#testCreateFolder, REPO-473)
    assertError(
      await alice.core('POST', `/nodes/${doclib}/children`, {
        json: {
          name: 'fZ',
          nodeType: 'cm:folder',
          properties: { 'exif:pixelYDimension': 'my unknown property' },
        },
      }),
      400,
    );
  });

  it('unlock of a node that is not locked: 422 with the real words (NodeApiTest#testUnlock; NodesImpl.unlock)', async () => {
    const f = await newFile('nl.txt');
    const e = assertError(await alice.core('POST', `/nodes/${f.id}/unlock`), 422);
    assert.match(String(e.briefSummary), new RegExp(`Can't unlock node ${f.id} because it isn't locked`));
  });

  it('a node with no properties has no properties object (NodeVersionsApiTest: assertNull(getProperties()))', async () => {
    const f = await newFile('np.txt');
    assert.equal(f.properties, undefined);
    const got = await alice.core('GET', `/nodes/${f.id}`);
    assert.equal('properties' in got.json.entry, false);
  });

  it('cm:autoVersion false: no new version on content update, whatever majorVersion/comment say (NodeVersionsApiTest#testUpdateContentRespectsAutoVersionFalse, MNT-25259)', async () => {
    const f = await newFile('av.txt');
    let r = await putText(f.id, 'content 1', '?comment=initial%20version');
    assert.equal(r.json.entry.properties['cm:versionLabel'], '1.0');
    r = await alice.core('PUT', `/nodes/${f.id}`, {
      json: { properties: { 'cm:autoVersion': false, 'cm:autoVersionOnUpdateProps': false } },
    });
    assert.equal(r.json.entry.properties['cm:versionLabel'], '1.0');
    assert.equal(
      r.json.entry.properties['cm:autoVersion'],
      undefined,
      'hidden from reads (NodesImpl EXCLUDED_PROPS)',
    );
    for (const q of [
      '?majorVersion=false',
      '',
      '?majorVersion=true',
      '?comment=x',
      '?majorVersion=true&comment=x',
    ]) {
      r = await putText(f.id, `same size ${q.length % 10}`, q);
      assert.equal(r.json.entry.properties['cm:versionLabel'], '1.0', q);
    }
    await alice.core('PUT', `/nodes/${f.id}`, { json: { properties: { 'cm:autoVersion': true } } });
    r = await putText(f.id, 'content 7 - auto-version on', '?majorVersion=false');
    assert.equal(r.json.entry.properties['cm:versionLabel'], '1.1');
  });

  it('cm:autoVersionOnUpdateProps true versions metadata updates, false does not (NodeApiTest#testUpdateNodeInfo, MNT-12226)', async () => {
    const f = await newFile('ap.txt');
    await putText(f.id, 'x', '?majorVersion=true');
    const put = (props: Record<string, unknown>) =>
      alice
        .core('PUT', `/nodes/${f.id}`, { json: { properties: props } })
        .then((r) => r.json.entry.properties['cm:versionLabel']);
    assert.equal(await put({ 'cm:title': 'my file title' }), '1.0');
    assert.equal(await put({ 'cm:autoVersionOnUpdateProps': true }), '1.1');
    assert.equal(await put({ 'cm:title': 'my file title 2' }), '1.2');
    assert.equal(await put({ 'cm:autoVersionOnUpdateProps': false }), '1.2');
    assert.equal(await put({ 'cm:title': 'my file title 4' }), '1.2');
  });

  it('content update with majorVersion on an unversioned node versions the NEW bytes only (NodesImpl.updateExistingFile: write, then createVersion)', async () => {
    const f = await newFile('nv.txt');
    await putText(f.id, 'first bytes');
    assert.deepEqual(emu.versions(f.id), []);
    const r = await putText(f.id, 'second bytes', '?majorVersion=false');
    assert.equal(r.json.entry.properties['cm:versionLabel'], '0.1');
    const versions = await alice.core('GET', `/nodes/${f.id}/versions`);
    assert.equal(
      versions.json.list.entries.length,
      1,
      'the first bytes are in no version: why cloudsync adds cm:versionable first',
    );
  });

  it('checkout makes a working copy and locks the original; cancel-checkout undoes it (NodeApiTest#testCheckout…, NodesImpl.checkout/cancelCheckout)', async () => {
    const f = await newFile('co.txt');
    await putText(f.id, 'orig');
    const co = await alice.core('POST', `/nodes/${f.id}/checkout`);
    assert.equal(co.status, 200);
    const wc = co.json.entry;
    assert.equal(wc.name, 'co (Working Copy).txt');
    assert.ok(wc.aspectNames.includes('cm:workingcopy'));
    const orig = (await alice.core('GET', `/nodes/${f.id}?include=isLocked`)).json.entry;
    assert.equal(orig.isLocked, true);
    assert.ok(orig.aspectNames.includes('cm:checkedOut') && orig.aspectNames.includes('cm:versionable'));
    const back = await alice.core('POST', `/nodes/${wc.id}/cancel-checkout`);
    assert.equal(back.json.entry.id, f.id, 'cancel via the working copy returns the original');
    assert.equal((await alice.core('GET', `/nodes/${wc.id}`)).status, 404);
    assertError(await alice.core('POST', `/nodes/${f.id}/cancel-checkout`), 422);
    assertError(await alice.core('POST', `/nodes/${doclib}/cancel-checkout`), 400);
  });

  it('include=permissions gives inherited site groups and settable roles (alfresco-core.yaml Node.permissions)', async () => {
    const f = await newFile('perm.txt');
    const p = (await alice.core('GET', `/nodes/${f.id}?include=permissions`)).json.entry.permissions;
    assert.equal(p.isInheritanceEnabled, true);
    assert.ok(
      p.inherited.some((x: { authorityId: string }) => x.authorityId === 'GROUP_site_s_SiteCollaborator'),
    );
    assert.ok(p.settable.includes('SiteConsumer'));
  });

  it('keeps idle keep-alive sockets open for a client whose event loop was busy for 6 s', async function () {
    this.timeout(20_000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = http.get(`${emu.url}/alfresco/api/-default-/public/alfresco/versions/1/people/-me-`, {
          agent,
          headers: { authorization: alice.auth },
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    try {
      assert.equal((await get()).status, 200);
      // Block this event loop (no timers, no socket events) as a busy client's would be.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6000);
      const again = await get();
      assert.equal(again.status, 200);
      assert.equal(again.reused, true, 'the idle socket was still open and reused');
    } finally {
      agent.destroy();
    }
  });
});
