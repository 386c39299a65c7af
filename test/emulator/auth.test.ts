// Authentication API, credential forms, people, URL prefixes and generic error behaviour.
import assert from 'node:assert/strict';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { Api, assertError, basic } from './helpers.js';

describe('emulator: authentication', () => {
  let emu: Emulator;
  let anon: Api;
  before(async () => {
    emu = await startEmulator({ users: [{ name: 'bob', password: 'pw' }] });
    anon = new Api(emu, '');
  });
  after(() => emu.close());

  async function ticket(user = 'admin', pw = 'admin'): Promise<string> {
    const res = await anon.authApi('POST', '/tickets', { json: { userId: user, password: pw } });
    assert.equal(res.status, 201);
    return res.json.entry.id;
  }

  it('POST /tickets returns 201 with a TICKET_ id and the user id', async () => {
    const res = await anon.authApi('POST', '/tickets', { json: { userId: 'admin', password: 'admin' } });
    assert.equal(res.status, 201);
    assert.match(res.json.entry.id, /^TICKET_[0-9a-f]{40}$/);
    assert.equal(res.json.entry.userId, 'admin');
    assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
  });

  it('bad credentials are 403 "Login failed", a missing field is 400', async () => {
    const bad = await anon.authApi('POST', '/tickets', { json: { userId: 'admin', password: 'nope' } });
    const e = assertError(bad, 403, 'Login failed');
    assert.match(e.briefSummary as string, /^\d{8} Login failed$/);
    assertError(await anon.authApi('POST', '/tickets', { json: { userId: 'admin' } }), 400);
  });

  it('accepts the three Basic ticket forms, alf_ticket, Bearer and user:password', async () => {
    const t = await ticket();
    for (const auth of [
      basic(t),
      basic(`:${t}`),
      basic(`ROLE_TICKET:${t}`),
      basic(`role_ticket:${t}`),
      `Bearer ${t}`,
      basic('admin:admin'),
    ]) {
      const res = await anon.core('GET', '/people/-me-', { auth });
      assert.equal(res.status, 200, auth);
      assert.equal(res.json.entry.id, 'admin');
    }
    const q = await anon.core('GET', `/people/-me-?alf_ticket=${t}`);
    assert.equal(q.status, 200);
  });

  it('a bad ticket is 401 with WWW-Authenticate and ApiDefault', async () => {
    const res = await anon.core('GET', '/nodes/-root-', { auth: basic('TICKET_deadbeef') });
    assertError(res, 401, 'framework.exception.ApiDefault');
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Alfresco -default- tenant"');
    assertError(await anon.core('GET', '/nodes/-root-'), 401);
    assertError(await anon.core('GET', '/nodes/-root-', { auth: basic('admin:wrong') }), 401);
  });

  it('GET /tickets/-me- validates, DELETE logs out (204) and the ticket then fails', async () => {
    const t = await ticket();
    const api = new Api(emu, basic(t));
    const v = await api.authApi('GET', '/tickets/-me-');
    assert.equal(v.status, 200);
    assert.equal(v.json.entry.id, t);
    assert.equal((await api.authApi('DELETE', '/tickets/-me-')).status, 204);
    assertError(await api.authApi('GET', '/tickets/-me-'), 401);
  });

  it('expireTickets() and the idle TTL invalidate tickets', async () => {
    const api = await Api.login(emu, 'bob', 'pw');
    assert.equal((await api.core('GET', '/people/-me-')).status, 200);
    emu.expireTickets();
    assertError(await api.core('GET', '/people/-me-'), 401);
    const short = await startEmulator({ ticketTtlMs: 30 });
    try {
      const a = await Api.login(short, 'admin', 'admin');
      await new Promise((r) => setTimeout(r, 60));
      assertError(await a.core('GET', '/people/-me-'), 401);
    } finally {
      await short.close();
    }
  });

  it('GET /people/-me- returns a Person with capabilities', async () => {
    const api = await Api.login(emu, 'bob', 'pw');
    const p = (await api.core('GET', '/people/-me-')).json.entry;
    assert.equal(p.id, 'bob');
    for (const k of ['firstName', 'lastName', 'displayName', 'email', 'enabled']) assert.ok(k in p, k);
    assert.deepEqual(p.capabilities, { isAdmin: false, isGuest: false, isMutable: true });
    const admin = await Api.login(emu, 'admin', 'admin');
    assert.equal((await admin.core('GET', '/people/-me-')).json.entry.capabilities.isAdmin, true);
  });

  it('serves both the /alfresco-prefixed and the bare /api base', async () => {
    const api = new Api(emu, basic('admin:admin'));
    const a = await api.raw(
      'GET',
      `${emu.url}/alfresco/api/-default-/public/alfresco/versions/1/nodes/-root-`,
    );
    const b = await api.raw('GET', `${emu.url}/api/-default-/public/alfresco/versions/1/nodes/-root-`);
    assert.equal(a.status, 200);
    assert.equal(b.json.entry.id, a.json.entry.id);
  });

  it('unknown routes are 404 NotFound, wrong methods 405, bad JSON 400', async () => {
    const api = new Api(emu, basic('admin:admin'));
    assertError(await api.core('GET', '/no-such-thing'), 404, 'framework.exception.NotFound');
    assertError(await api.raw('GET', `${emu.url}/whatever`), 404, 'framework.exception.NotFound');
    assertError(await api.core('PATCH', '/nodes/-root-'), 405);
    assertError(await api.core('POST', '/nodes/-root-'), 405);
    const badJson = await api.core('POST', '/nodes/-root-/children', {
      body: '{nope',
      headers: { 'Content-Type': 'application/json' },
    });
    assertError(badJson, 400);
  });

  it('routes other networks to their own repository', async () => {
    const multi = await startEmulator({ networks: ['acme'] });
    try {
      const api = new Api(multi, basic('admin:admin'));
      const root = (n: string) =>
        api.raw('GET', `${multi.url}/alfresco/api/${n}/public/alfresco/versions/1/nodes/-root-`);
      const a = await root('-default-');
      const b = await root('acme');
      assert.equal(b.status, 200);
      assert.notEqual(a.json.entry.id, b.json.entry.id);
      assertError(await root('unknown'), 404);
    } finally {
      await multi.close();
    }
  });
});
