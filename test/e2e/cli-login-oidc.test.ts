// `login --oidc-issuer`: Identity Service logins from the command line, tokens stored like tickets and renewed
// by later commands with the stored refresh token.
import assert from 'node:assert/strict';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('e2e: login through the Identity Service (OIDC)', function () {
  this.timeout(40_000);
  let emu: Emulator;
  let home: string;
  before(async () => {
    emu = await startEmulator({
      users: [{ name: 'bob', password: 's3cret-pw' }],
      oidc: { clients: [{ id: 'sync', secret: 'svc-s3cret', serviceUser: 'bob' }] },
    });
  });
  after(() => emu.close());
  beforeEach(async () => {
    home = await tempDir();
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const creds = async () => JSON.parse(await readFile(path.join(home, 'credentials.json'), 'utf8'));

  it('password grant: stores tokens (0600, never the password); a later command refreshes and saves them', async () => {
    emu.oidc.accessTokenTtlS = 2;
    try {
      const r = await runCli(
        [
          'login',
          'cloud',
          emu.url,
          '--oidc-issuer',
          emu.oidcIssuer,
          '--username',
          'bob',
          '--password-stdin',
          '--json',
        ],
        { home, input: 's3cret-pw\n' },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json<{ user: string }>().user, 'bob');
      assert.doesNotMatch(r.stdout + r.stderr, /eyJ|s3cret/);
      const first = (await creds()).profiles.default.cloud;
      assert.match(first.token, /^eyJ/);
      assert.ok(first.refreshToken && first.tokenExpiresAt);
      assert.equal(first.password, undefined);
      assert.doesNotMatch(JSON.stringify(first), /s3cret-pw/);
      assert.equal((await stat(path.join(home, 'credentials.json'))).mode & 0o777, 0o600);
      const config = await readFile(path.join(home, 'config.json'), 'utf8');
      assert.match(config, /"oidcIssuer"/);
      assert.doesNotMatch(config, /eyJ/);

      await sleep(2500); // the stored access token is dead now
      const refreshesBefore = emu.oidc.grants.refresh_token ?? 0;
      const who = await runCli(['whoami', 'cloud', '--json'], { home });
      assert.equal(who.code, 0, who.stderr);
      assert.equal(who.json<{ sides: { reachable: boolean }[] }>().sides[0]!.reachable, true);
      assert.equal(
        (emu.oidc.grants.refresh_token ?? 0) - refreshesBefore,
        1,
        'renewed with the refresh token',
      );
      const second = (await creds()).profiles.default.cloud;
      assert.notEqual(second.token, first.token, 'the renewed token was saved');
    } finally {
      emu.oidc.accessTokenTtlS = 300;
    }
  });

  it('client-credentials: secret from the environment; a wrong secret is exit 4; flags need --oidc-issuer', async () => {
    const base = [
      'login',
      'cloud',
      emu.url,
      '--oidc-issuer',
      emu.oidcIssuer,
      '--client-id',
      'sync',
      '--client-credentials',
    ];
    const ok = await runCli([...base, '--json'], {
      home,
      env: { CLOUDSYNC_CLOUD_CLIENT_SECRET: 'svc-s3cret' },
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.json<{ user: string }>().user, 'bob');
    assert.equal((await creds()).profiles.default.cloud.clientSecret, 'svc-s3cret');

    const bad = await runCli([...base, '--client-secret-stdin', '--json'], { home, input: 'wrong-secret' });
    assert.equal(bad.code, 4, bad.stderr);
    assert.doesNotMatch(bad.stdout + bad.stderr, /wrong-secret/);

    const usage = await runCli(['login', 'cloud', emu.url, '--client-id', 'sync'], { home });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--client-id needs --oidc-issuer/);
  });

  it('a wrong password is exit 4 with the Identity Service reason', async () => {
    const r = await runCli(
      ['login', 'cloud', emu.url, '--oidc-issuer', emu.oidcIssuer, '--username', 'bob', '--password-stdin'],
      { home, input: 'not-it-999' },
    );
    assert.equal(r.code, 4);
    assert.match(r.stderr, /Invalid user credentials/);
    assert.doesNotMatch(r.stderr, /not-it-999/);
  });
});
