// Sites, containers, memberships and the permission model.
import assert from 'node:assert/strict';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { Api, assertError } from './helpers.js';

describe('emulator: sites and permissions', () => {
  let emu: Emulator;
  let admin: Api;
  let docLib: string;
  const users = ['con', 'contrib', 'collab', 'outsider'];
  before(async () => {
    emu = await startEmulator({ users: users.map((name) => ({ name, password: 'pw' })) });
    admin = await Api.login(emu, 'admin', 'admin');
    docLib = emu.createSite('team', {
      members: { con: 'SiteConsumer', contrib: 'SiteContributor', collab: 'SiteCollaborator' },
    }).documentLibraryId;
  });
  after(() => emu.close());

  it('POST /sites creates (201, creator is SiteManager) and 409s on a taken id', async () => {
    const api = await Api.login(emu, 'outsider', 'pw');
    const res = await api.core('POST', '/sites', {
      json: { id: 'mine', title: 'Mine', visibility: 'PRIVATE' },
    });
    assert.equal(res.status, 201);
    assert.equal(res.json.entry.role, 'SiteManager');
    assert.equal(res.json.entry.visibility, 'PRIVATE');
    assertError(
      await api.core('POST', '/sites', { json: { id: 'mine', title: 'Again', visibility: 'PUBLIC' } }),
      409,
    );
    assertError(await api.core('POST', '/sites', { json: { id: 'x' } }), 400);
  });

  it('GET /sites pages and GET /sites/{id} returns the site', async () => {
    for (let i = 0; i < 3; i++) emu.createSite(`p${i}`);
    const page = await admin.core('GET', '/sites?maxItems=2');
    assert.equal(page.json.list.pagination.count, 2);
    assert.equal(page.json.list.pagination.hasMoreItems, true);
    const one = await admin.core('GET', '/sites/team');
    assert.equal(one.json.entry.id, 'team');
    assert.ok(one.json.entry.guid);
    assertError(await admin.core('GET', '/sites/none'), 404, 'framework.exception.EntityNotFound');
  });

  it('the documentLibrary container has id = node id and folderId = name (the real swap)', async () => {
    const res = await admin.core('GET', '/sites/team/containers/documentLibrary');
    assert.deepEqual(res.json.entry, { id: docLib, folderId: 'documentLibrary' });
    const node = await admin.core('GET', `/nodes/-root-?relativePath=Sites/team/documentLibrary`);
    assert.equal(node.json.entry.id, docLib);
    assertError(await admin.core('GET', '/sites/team/containers/wiki'), 404);
  });

  it('POST /sites/{id}/members adds a member (201) and then grants access', async () => {
    const res = await admin.core('POST', '/sites/team/members', {
      json: { id: 'outsider', role: 'SiteConsumer' },
    });
    assert.equal(res.status, 201);
    assert.equal(res.json.entry.role, 'SiteConsumer');
    assertError(
      await admin.core('POST', '/sites/team/members', { json: { id: 'outsider', role: 'SiteConsumer' } }),
      409,
    );
    assertError(await admin.core('POST', '/sites/team/members', { json: { id: 'con', role: 'Boss' } }), 400);
    const out = await Api.login(emu, 'outsider', 'pw');
    assert.equal((await out.core('GET', `/nodes/${docLib}`)).status, 200);
    assert.equal((await admin.core('DELETE', '/sites/team/members/outsider')).status, 204);
    assertError(await out.core('GET', `/nodes/${docLib}`), 403, 'framework.exception.PermissionDenied');
  });

  it('enforces roles: consumer reads, contributor creates, collaborator edits and deletes', async () => {
    const file = emu.putFile('team', 'perm/doc.txt', 'x');
    const folder = { name: 'new', nodeType: 'cm:folder' };
    const con = await Api.login(emu, 'con', 'pw');
    assert.equal((await con.core('GET', `/nodes/${file.id}`)).status, 200);
    assertError(await con.core('POST', `/nodes/${docLib}/children`, { json: folder }), 403);
    assertError(
      await con.core('PUT', `/nodes/${file.id}`, { json: { properties: { 'cm:title': 't' } } }),
      403,
    );
    const contrib = await Api.login(emu, 'contrib', 'pw');
    const made = await contrib.core('POST', `/nodes/${docLib}/children`, { json: folder });
    assert.equal(made.status, 201);
    assertError(await contrib.core('DELETE', `/nodes/${file.id}`), 403);
    assert.equal((await contrib.core('DELETE', `/nodes/${made.json.entry.id}`)).status, 204, 'own node');
    const collab = await Api.login(emu, 'collab', 'pw');
    assert.equal(
      (await collab.core('PUT', `/nodes/${file.id}`, { json: { properties: { 'cm:title': 't' } } })).status,
      200,
    );
    assert.equal((await collab.core('DELETE', `/nodes/${file.id}`)).status, 204);
    const nobody = await Api.login(emu, 'outsider', 'pw');
    assertError(
      await nobody.core('GET', `/nodes/${docLib}/children`),
      403,
      'framework.exception.PermissionDenied',
    );
  });

  it('children of Sites hide sites the caller cannot read', async () => {
    const con = await Api.login(emu, 'con', 'pw');
    const list = await con.core('GET', '/nodes/-root-/children?relativePath=Sites');
    const names = list.json.list.entries.map((e: { entry: { name: string } }) => e.entry.name);
    assert.deepEqual(names, ['team']);
  });
});
