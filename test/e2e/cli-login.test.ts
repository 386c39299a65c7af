import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir } from '../support/cli.js';

interface WhoamiJson {
  profile: string;
  sides: {
    side: string;
    loggedIn: boolean;
    kind: string | null;
    address: string | null;
    reachable: boolean;
    reason: string | null;
  }[];
  exitCode: number;
}

describe('e2e: login, whoami, logout (local folders)', () => {
  let home: string;
  let onprem: string;
  let cloud: string;
  beforeEach(async () => {
    home = await tempDir();
    onprem = await tempDir('cloudsync-onprem-');
    cloud = await tempDir('cloudsync-cloud-');
  });

  it('logs both sides in to folders, reports them reachable, and logs out', async () => {
    const a = await runCli(['login', 'onprem', onprem, '--json'], { home });
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(a.json(), {
      side: 'onprem',
      profile: 'default',
      kind: 'local',
      address: onprem,
      user: null,
    });
    assert.equal((await runCli(['login', 'cloud', cloud], { home })).code, 0);

    const who = await runCli(['whoami', '--json'], { home });
    assert.equal(who.code, 0, who.stderr);
    const doc = who.json<WhoamiJson>();
    assert.deepEqual(
      doc.sides.map((s) => [s.side, s.kind, s.address, s.reachable]),
      [
        ['onprem', 'local', onprem, true],
        ['cloud', 'local', cloud, true],
      ],
    );

    const human = await runCli(['whoami', 'cloud'], { home });
    assert.equal(human.code, 0);
    assert.match(human.stdout, /cloud\s+local\s+\S*cloudsync-cloud-\S*\s+\S+\s+yes/);

    const out = await runCli(['logout', 'cloud', '--json'], { home });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.json<{ loggedOut: boolean }>().loggedOut, true);
    const after = await runCli(['whoami', 'cloud', '--json'], { home });
    assert.equal(after.code, 2);
    assert.equal(after.json<WhoamiJson>().sides[0]!.loggedIn, false);
    // Logging out twice is fine.
    assert.equal((await runCli(['logout', 'cloud'], { home })).code, 0);
  });

  it('stores the folder as an absolute path', async () => {
    await mkdir(path.join(onprem, 'repo'));
    const r = await runCli(['login', 'onprem', 'repo', '--json'], { home, cwd: onprem });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json<{ address: string }>().address, path.join(onprem, 'repo'));
  });

  it('a folder that is not there, or a file, is exit 2', async () => {
    const missing = await runCli(['login', 'onprem', path.join(onprem, 'nope')], { home });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /is not an existing folder/);
    await writeFile(path.join(onprem, 'f.txt'), 'x');
    assert.equal((await runCli(['login', 'onprem', path.join(onprem, 'f.txt')], { home })).code, 2);
  });

  it('refuses two local sides that overlap', async () => {
    await mkdir(path.join(onprem, 'inner'));
    assert.equal((await runCli(['login', 'onprem', onprem], { home })).code, 0);
    const r = await runCli(['login', 'cloud', path.join(onprem, 'inner')], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /overlaps/);
  });

  it('an unknown side is exit 2 naming the two sides', async () => {
    const r = await runCli(['login', 'cluod', cloud], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /`onprem` or `cloud`/);
  });

  it('server flags on a folder login are a usage error', async () => {
    const r = await runCli(['login', 'cloud', cloud, '--username', 'bob'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--username applies to a server URL/);
  });

  it('a URL with credentials in it is refused and the secret is not echoed', async () => {
    const r = await runCli(['login', 'cloud', 'https://bob:hunter2@acs.example.invalid', '--json'], { home });
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stdout + r.stderr, /hunter2/);
  });

  it('a server login without a password and without a terminal is exit 2 saying how to give one', async () => {
    const r = await runCli(['login', 'cloud', 'https://acs.example.invalid', '--username', 'bob'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--password-stdin/);
    assert.match(r.stderr, /CLOUDSYNC_CLOUD_PASSWORD/);
  });

  it('profiles keep separate connections', async () => {
    assert.equal((await runCli(['login', 'onprem', onprem, '--profile', 'p2'], { home })).code, 0);
    const r = await runCli(['whoami', 'onprem', '--json'], { home });
    assert.equal(r.code, 2, 'the default profile is not logged in');
    const p2 = await runCli(['whoami', 'onprem', '--json'], { home, env: { CLOUDSYNC_PROFILE: 'p2' } });
    assert.equal(p2.code, 0, p2.stderr);
  });

  it('no secret ends up in config.json', async () => {
    await runCli(['login', 'onprem', onprem], { home });
    const config = await readFile(path.join(home, 'config.json'), 'utf8');
    assert.match(config, /local/);
    assert.doesNotMatch(config, /password|ticket/i);
  });
});
