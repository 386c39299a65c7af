import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';

describe('e2e: login to an Alfresco server (emulator)', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let home: string;
  before(async () => {
    emu = await startEmulator({ port: 0, users: [{ name: 'bob', password: 's3cret-pw' }] });
  });
  after(() => emu.close());
  beforeEach(async () => {
    home = await tempDir();
  });

  it('--password-stdin logs in, stores only the ticket (0600), and whoami reaches the server', async () => {
    const r = await runCli(['login', 'cloud', emu.url, '--username', 'bob', '--password-stdin', '--json'], {
      home,
      input: 's3cret-pw\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json(), {
      side: 'cloud',
      profile: 'default',
      kind: 'alfresco',
      address: emu.url,
      user: 'bob',
    });
    const creds = await readFile(path.join(home, 'credentials.json'), 'utf8');
    assert.match(creds, /ticket/);
    assert.doesNotMatch(creds, /s3cret-pw/, 'the password is never stored');
    assert.equal((await stat(path.join(home, 'credentials.json'))).mode & 0o777, 0o600);
    assert.doesNotMatch(await readFile(path.join(home, 'config.json'), 'utf8'), /s3cret-pw|TICKET/);

    const who = await runCli(['whoami', 'cloud', '--json'], { home });
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.json<{ sides: { user: string; reachable: boolean }[] }>().sides[0]!.reachable, true);

    const out = await runCli(['logout', 'cloud'], { home });
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(await readFile(path.join(home, 'credentials.json'), 'utf8'), /ticket/);
  });

  it('env credentials work without a terminal', async () => {
    const r = await runCli(['login', 'cloud', emu.url], {
      home,
      env: { CLOUDSYNC_CLOUD_USERNAME: 'bob', CLOUDSYNC_CLOUD_PASSWORD: 's3cret-pw' },
    });
    assert.equal(r.code, 0, r.stderr);
  });

  it('a wrong password is exit 4 and the password is never echoed', async () => {
    const r = await runCli(['login', 'onprem', emu.url, '--username', 'bob', '--password-stdin', '--json'], {
      home,
      input: 'wrong-pw-123',
    });
    assert.equal(r.code, 4);
    assert.equal(r.json<{ error: { code: string } }>().error.code, 'AUTHENTICATION_ERROR');
    assert.doesNotMatch(r.stdout + r.stderr, /wrong-pw-123/);
  });

  it('a server that does not answer is exit 7', async () => {
    const r = await runCli(
      ['login', 'cloud', 'http://127.0.0.1:1', '--username', 'bob', '--password-stdin'],
      {
        home,
        input: 'pw',
      },
    );
    assert.equal(r.code, 7, r.stderr);
  });
});
