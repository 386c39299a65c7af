import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';

describe('e2e: logging (--verbose, --log-file, <home>/logs)', function () {
  this.timeout(60_000);
  let dirs: string[] = [];
  const dir = async (): Promise<string> => {
    const d = await tempDir('cloudsync-logtest-');
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    dirs = [];
  });

  /** A home with both sides logged in to local folders and one file to push. */
  async function localPair(): Promise<{ home: string; onprem: string; cloud: string }> {
    const [home, onprem, cloud] = [await dir(), await dir(), await dir()];
    await mkdir(path.join(onprem, 'Docs'));
    await writeFile(path.join(onprem, 'Docs', 'a.txt'), 'a');
    for (const [side, folder] of [
      ['onprem', onprem],
      ['cloud', cloud],
    ] as const) {
      const r = await runCli(['login', side, folder], { home });
      assert.equal(r.code, 0, r.stderr);
    }
    return { home, onprem, cloud };
  }

  it('<home>/logs/cloudsync.log records the command, each action, the pass summary and errors (also with --json)', async () => {
    const { home } = await localPair();
    const r = await runCli(['create', 'Docs', '--target', 'Shared', '--mkdir', '--json'], { home });
    assert.equal(r.code, 0, r.stderr);
    const bad = await runCli(['inspect', 'no-such-set'], { home });
    assert.equal(bad.code, 2);
    const log = await readFile(path.join(home, 'logs', 'cloudsync.log'), 'utf8');
    const stamp = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    for (const re of [
      `^${stamp} INFO  command: login onprem `,
      `^${stamp} INFO  command: create Docs --target Shared --mkdir --json \\(profile default, pid \\d+\\)$`,
      `^${stamp} INFO  pass start: 1 set\\(s\\)$`,
      `^${stamp} INFO  \\w{8} push +cloud Shared/Docs/a\\.txt$`,
      `^${stamp} INFO  pass end: exit 0; 2/2 action\\(s\\) done, 0 failed`,
      `^${stamp} ERROR UNKNOWN_SET: `,
      `^${stamp} INFO  exit 2$`,
    ])
      assert.match(log, new RegExp(re, 'm'));
    assert.equal((await stat(path.join(home, 'logs', 'cloudsync.log'))).mode & 0o777, 0o600);
  });

  it('--log-file puts the log where asked; --no-log-file keeps none', async () => {
    const { home } = await localPair();
    await rm(path.join(home, 'logs'), { recursive: true });
    const elsewhere = path.join(await dir(), 'nested', 'my.log');
    const r = await runCli(['--log-file', elsewhere, 'create', 'Docs', '--target', ''], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.match(await readFile(elsewhere, 'utf8'), /INFO {2}command: create Docs --target '' /);
    assert.equal(await stat(path.join(home, 'logs')).catch(() => null), null, 'nothing in <home>/logs');
    const quiet = await runCli(['sync', '--no-log-file'], { home });
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(await stat(path.join(home, 'logs')).catch(() => null), null);
  });

  describe('against the emulator', () => {
    let emu: Emulator;
    before(async () => {
      emu = await startEmulator({ port: 0, users: [{ name: 'bob', password: 'bob-secret-pw' }] });
      emu.createSite('s1', { members: { bob: 'SiteCollaborator' } });
    });
    after(() => emu.close());

    it('--verbose shows every HTTP call and action on stderr and in the log, with no ticket or password', async () => {
      const [home, onprem] = [await dir(), await dir()];
      await writeFile(path.join(onprem, 'a.txt'), 'a');
      const env = { CLOUDSYNC_CLOUD_USERNAME: 'bob', CLOUDSYNC_CLOUD_PASSWORD: 'bob-secret-pw' };
      assert.equal((await runCli(['login', 'onprem', onprem], { home })).code, 0);
      const login = await runCli(['login', 'cloud', emu.url, '--verbose'], { home, env });
      assert.equal(login.code, 0, login.stderr);
      assert.match(login.stderr, /POST \S*\/authentication\/versions\/1\/tickets 201/);
      const r = await runCli(['create', 'a.txt', '--target', 's1', '--verbose'], { home, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /\[cloud\] GET \S*\/nodes\/\S+ 200/);
      assert.match(r.stderr, /push +cloud s1\/a\.txt/);

      const log = await readFile(path.join(home, 'logs', 'cloudsync.log'), 'utf8');
      assert.match(log, /DEBUG POST \S*\/tickets 201/);
      assert.match(log, /DEBUG \[cloud\] POST \S*\/nodes\/\S+\/children\S* 201/);
      assert.match(log, /INFO {2}\w{8} push +cloud s1\/a\.txt/);
      const { ticket } = JSON.parse(await readFile(path.join(home, 'credentials.json'), 'utf8')).profiles
        .default.cloud as { ticket: string };
      assert.ok(ticket.startsWith('TICKET_'));
      assert.doesNotMatch(log, new RegExp(ticket));
      assert.doesNotMatch(log + r.stderr + login.stderr, /bob-secret-pw/);
    });
  });
});
