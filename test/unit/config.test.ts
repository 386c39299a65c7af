import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_VERSION, ConfigStore, resolveHome, type ConnectionConfig } from '../../src/config/config.js';
import { CredentialStore, credentialsFromEnv } from '../../src/config/credentials.js';
import { CloudsyncError, ExitCode } from '../../src/errors.js';

/** Assert that `fn` throws a CloudsyncError with this exit code and code. */
function throwsWith(fn: () => unknown, exitCode: number, code: string): CloudsyncError {
  let caught: unknown;
  assert.throws(fn, (e) => ((caught = e), true));
  assert.ok(caught instanceof CloudsyncError, String(caught));
  assert.equal(caught.exitCode, exitCode);
  assert.equal(caught.code, code);
  return caught;
}

/** Async twin of throwsWith, for the methods that write (they load conf lazily). */
async function rejectsWith(
  fn: () => Promise<unknown>,
  exitCode: number,
  code: string,
): Promise<CloudsyncError> {
  let caught: unknown;
  await assert.rejects(fn, (e) => ((caught = e), true));
  assert.ok(caught instanceof CloudsyncError, String(caught));
  assert.equal(caught.exitCode, exitCode);
  assert.equal(caught.code, code);
  return caught;
}

describe('config', () => {
  let home: string;
  beforeEach(() => (home = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-config-'))));
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  describe('resolveHome', () => {
    it('prefers --home, then CLOUDSYNC_HOME, then the platform config dir, creating nothing', () => {
      assert.equal(resolveHome('/x/flag', { CLOUDSYNC_HOME: '/x/env' }), '/x/flag');
      assert.equal(resolveHome(undefined, { CLOUDSYNC_HOME: '/x/env' }), '/x/env');
      assert.equal(resolveHome('rel', {}), path.resolve('rel'));
      const xdg = path.join(home, 'xdg');
      const saved = process.env.XDG_CONFIG_HOME;
      try {
        process.env.XDG_CONFIG_HOME = xdg;
        const dflt = resolveHome(undefined, {});
        if (process.platform === 'linux') assert.equal(dflt, path.join(xdg, 'cloudsync-nodejs'));
        assert.match(dflt, /cloudsync-nodejs/);
        // empty counts as unset (XDG rules, via env-paths), and an empty CLOUDSYNC_HOME too
        process.env.XDG_CONFIG_HOME = '';
        if (process.platform === 'linux') {
          assert.equal(
            resolveHome(undefined, { CLOUDSYNC_HOME: '' }),
            path.join(os.homedir(), '.config', 'cloudsync-nodejs'),
          );
          // a relative one is invalid (XDG spec): ignored, never resolved against the current directory
          process.env.XDG_CONFIG_HOME = 'relative/config';
          assert.equal(resolveHome(undefined, {}), path.join(os.homedir(), '.config', 'cloudsync-nodejs'));
        }
      } finally {
        if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
        else process.env.XDG_CONFIG_HOME = saved;
      }
      assert.equal(fs.existsSync(xdg), false);
    });
  });

  describe('ConfigStore', () => {
    const local: ConnectionConfig = { kind: 'local', address: '/srv/onprem' };
    const cloud: ConnectionConfig = { kind: 'alfresco', address: 'https://acs.example', username: 'alice' };

    it('stores connections per profile and side in <home>/config.json', async () => {
      const cfg = new ConfigStore(home);
      assert.equal(cfg.getConnection('default', 'onprem'), undefined);
      assert.deepEqual(cfg.profiles(), []);
      await cfg.setConnection('default', 'onprem', local);
      await cfg.setConnection('default', 'cloud', cloud);
      await cfg.setConnection('team.b', 'cloud', cloud);
      const again = new ConfigStore(home);
      assert.deepEqual(again.getConnection('default', 'onprem'), local);
      assert.deepEqual(again.getConnection('team.b', 'cloud'), cloud);
      assert.deepEqual(again.profiles(), ['default', 'team.b']);
      const onDisk = JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8'));
      assert.equal(onDisk.version, CONFIG_VERSION);
      assert.deepEqual(onDisk.profiles['team.b'], { cloud });
      await again.deleteConnection('team.b', 'cloud');
      await again.deleteConnection('default', 'onprem');
      assert.deepEqual(again.profiles(), ['default']);
      assert.equal(again.getConnection('default', 'onprem'), undefined);
    });

    it('refuses a config.json from a newer cloudsync (exit 2) and does not overwrite it', async () => {
      const file = path.join(home, 'config.json');
      const text = JSON.stringify({ version: CONFIG_VERSION + 1, profiles: {}, future: true });
      fs.writeFileSync(file, text);
      const cfg = new ConfigStore(home);
      const err = throwsWith(() => cfg.getConnection('default', 'cloud'), ExitCode.usage, 'CONFIG_NEWER');
      assert.match(err.hint ?? '', /upgrade cloudsync/);
      await rejectsWith(() => cfg.setConnection('default', 'cloud', cloud), ExitCode.usage, 'CONFIG_NEWER');
      assert.equal(fs.readFileSync(file, 'utf8'), text);
    });

    for (const [label, text] of [
      ['invalid JSON', '{"profiles": '],
      ['a bad connection', '{"version":1,"profiles":{"default":{"cloud":{"kind":"ftp"}}}}'],
    ]) {
      it(`refuses a corrupt config.json (${label}) with exit 2 and leaves it alone`, async () => {
        const file = path.join(home, 'config.json');
        fs.writeFileSync(file, text);
        const cfg = new ConfigStore(home);
        const err = await rejectsWith(
          () => cfg.setConnection('default', 'onprem', local),
          ExitCode.usage,
          'CONFIG_CORRUPT',
        );
        assert.ok(err.message.includes(file));
        throwsWith(() => cfg.profiles(), ExitCode.usage, 'CONFIG_CORRUPT');
        assert.equal(fs.readFileSync(file, 'utf8'), text);
      });
    }
  });

  describe('CredentialStore', () => {
    const file = (): string => path.join(home, 'credentials.json');

    it('stores secrets per profile and side in a 0600 file', () => {
      const creds = new CredentialStore(home);
      assert.equal(creds.get('default', 'cloud'), undefined);
      creds.set('default', 'cloud', { username: 'alice', ticket: 'TICKET_1' });
      creds.set('default', 'onprem', { token: 'tok' });
      assert.equal(fs.statSync(file()).mode & 0o777, 0o600);
      const again = new CredentialStore(home);
      assert.deepEqual(again.get('default', 'cloud'), { username: 'alice', ticket: 'TICKET_1' });
      again.delete('default', 'cloud');
      assert.equal(again.get('default', 'cloud'), undefined);
      assert.deepEqual(again.get('default', 'onprem'), { token: 'tok' });
      assert.equal(fs.statSync(file()).mode & 0o777, 0o600);
      assert.deepEqual(fs.readdirSync(home), ['credentials.json'], 'no temp file left');
    });

    it('tightens an existing credentials file with wider permissions to 0600', () => {
      fs.writeFileSync(
        file(),
        JSON.stringify({ version: 1, profiles: { default: { cloud: { token: 't' } } } }),
      );
      fs.chmodSync(file(), 0o644);
      assert.deepEqual(new CredentialStore(home).get('default', 'cloud'), { token: 't' });
      assert.equal(fs.statSync(file()).mode & 0o777, 0o600);
    });

    it('refuses a corrupt credentials file (exit 2) without overwriting it', () => {
      fs.writeFileSync(file(), 'nope', { mode: 0o600 });
      const creds = new CredentialStore(home);
      throwsWith(() => creds.set('default', 'cloud', { token: 't' }), ExitCode.usage, 'CREDENTIALS_CORRUPT');
      assert.equal(fs.readFileSync(file(), 'utf8'), 'nope');
    });

    it('reads CLOUDSYNC_<SIDE>_USERNAME/_PASSWORD/_TOKEN for the given side only', () => {
      const env = {
        CLOUDSYNC_ONPREM_USERNAME: 'bob',
        CLOUDSYNC_ONPREM_PASSWORD: 'pw',
        CLOUDSYNC_CLOUD_TOKEN: 'tok',
      };
      assert.deepEqual(credentialsFromEnv('onprem', env), { username: 'bob', password: 'pw' });
      assert.deepEqual(credentialsFromEnv('cloud', env), { token: 'tok' });
      assert.deepEqual(credentialsFromEnv('cloud', {}), {});
    });
  });
});
