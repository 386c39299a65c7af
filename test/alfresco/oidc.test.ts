// Identity Service (OpenID Connect): real RS256 JWTs from the emulator's issuer, checked on every API call,
// and the connector's session that keeps renewing them (refresh token, then a new grant).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { AlfrescoConnector, oidcLogin } from '../../src/connectors/alfresco/index.js';
import type { OidcTokens } from '../../src/connectors/alfresco/index.js';
import { readAll, rejectsWith, startFixture, type Fixture } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alfresco: Identity Service tokens', function () {
  this.timeout(30_000);
  let f: Fixture;
  before(async () => {
    f = await startFixture({
      oidc: { clients: [{ id: 'sync-service', secret: 'svc-secret', serviceUser: 'alice' }] },
    });
  });
  after(() => f.close());

  const oidcOpts = () => f.options({ oidc: { issuer: f.emu.oidcIssuer, clientId: 'alfresco' } });
  const api = (token: string, path = 'people/-me-') =>
    fetch(`${f.emu.coreUrl()}/${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('the repository checks signature, issuer and expiry of every bearer JWT (401 otherwise)', async () => {
    const good = await f.emu.oidc.sign('alice');
    assert.equal((await api(good)).status, 200);
    const expired = await f.emu.oidc.sign('alice', { expiresInS: -5 });
    assert.equal((await api(expired)).status, 401);
    const foreign = await f.emu.oidc.sign('alice', { iss: 'https://evil.example.com/auth/realms/alfresco' });
    assert.equal((await api(foreign)).status, 401);
    const [h, p, s] = good.split('.') as [string, string, string];
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), preferred_username: 'admin' })).toString('base64url')}.${s}`;
    assert.equal((await api(tampered)).status, 401, 'a payload changed after signing is refused');
    const badSig = `${h}.${p}.${s.slice(0, -4)}AAAA`;
    assert.equal((await api(badSig)).status, 401);
  });

  it('password grant via discovery gives tokens the repository accepts', async () => {
    const tokens = await oidcLogin(oidcOpts() as never, {
      kind: 'password',
      username: 'alice',
      password: 'alice-pw',
    });
    assert.match(tokens.token, /^eyJ/);
    assert.ok(tokens.refreshToken);
    assert.ok(Date.parse(tokens.tokenExpiresAt!) > Date.now());
    const c = new AlfrescoConnector(oidcOpts(), tokens);
    assert.deepEqual((await c.whoami()).user, 'alice');
    await c.close();
  });

  it('a wrong password is an AuthError with the Identity Service words, password not echoed', async () => {
    const err = await rejectsWith<Error>(
      oidcLogin(oidcOpts() as never, { kind: 'password', username: 'alice', password: 'nope-123' }),
      { exitCode: 4 },
    );
    assert.match(err.message, /Invalid user credentials/);
    assert.doesNotMatch(err.message, /nope-123/);
  });

  it('client-credentials grant logs in as the service account; a wrong secret is exit 4', async () => {
    const opts = f.options({ oidc: { issuer: f.emu.oidcIssuer, clientId: 'sync-service' } });
    const tokens = await oidcLogin(opts as never, { kind: 'client-credentials', clientSecret: 'svc-secret' });
    const c = new AlfrescoConnector(opts, { ...tokens, clientSecret: 'svc-secret' });
    assert.equal((await c.whoami()).user, 'alice');
    await c.close();
    await rejectsWith(oidcLogin(opts as never, { kind: 'client-credentials', clientSecret: 'wrong' }), {
      exitCode: 4,
    });
  });

  it('with 2 s tokens, passes keep working across several expiries by refreshing (and saving) the tokens', async () => {
    f.emu.oidc.accessTokenTtlS = 2;
    try {
      const first = await oidcLogin(oidcOpts() as never, {
        kind: 'password',
        username: 'alice',
        password: 'alice-pw',
      });
      const saved: OidcTokens[] = [];
      const c = new AlfrescoConnector(oidcOpts(), first, { onTokensRenewed: (t) => saved.push(t) });
      const before = f.emu.oidc.grants.refresh_token ?? 0;
      const bodies: string[] = [];
      const started = Date.now();
      // ~7 s of work with a request every 700 ms: at least three token lifetimes.
      for (let i = 0; Date.now() - started < 7000; i++) {
        const node = await c.createFile(f.doclib, `oidc-${i}.txt`, Readable.from([`round ${i}`]), {
          size: 7,
        });
        bodies.push((await readAll(await c.readContent(node.id))).toString());
        await sleep(700);
      }
      await c.close();
      assert.ok(bodies.length >= 8, `${bodies.length} rounds`);
      assert.equal(bodies[3], 'round 3');
      const refreshes = (f.emu.oidc.grants.refresh_token ?? 0) - before;
      assert.ok(refreshes >= 3, `refreshed ${refreshes} times`);
      assert.ok(saved.length >= 3 && saved.every((t) => t.token.startsWith('eyJ') && t.refreshToken));
    } finally {
      f.emu.oidc.accessTokenTtlS = 300;
    }
  });

  it('an expired refresh token falls back to a new grant from the password; without one it is exit 4', async () => {
    const first = await oidcLogin(oidcOpts() as never, {
      kind: 'password',
      username: 'alice',
      password: 'alice-pw',
    });
    const dead = { token: await f.emu.oidc.sign('alice', { expiresInS: -1 }), refreshToken: 'revoked' };
    const withPw = new AlfrescoConnector(oidcOpts(), { ...dead, username: 'alice', password: 'alice-pw' });
    assert.equal((await withPw.whoami()).user, 'alice');
    await withPw.close();
    const without = new AlfrescoConnector(oidcOpts(), { ...dead, username: 'alice' });
    const err = await rejectsWith<Error & { hint?: string }>(without.whoami(), { exitCode: 4 });
    assert.match(err.hint ?? '', /cloudsync login cloud/);
    await without.close();
    assert.ok(first.refreshToken);
  });

  it('refuses a plain-http issuer off this machine before sending anything', async () => {
    const opts = f.options({
      oidc: { issuer: 'http://idp.example.com/auth/realms/alfresco', clientId: 'alfresco' },
    });
    await rejectsWith(oidcLogin(opts as never, { kind: 'password', username: 'a', password: 'b' }), {
      exitCode: 2,
      message: /refusing plain http/,
    });
  });
});
