import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { spawnEmulator, type SpawnedEmulator } from '../alfresco/spawn-emulator.js';
import { runCli, tempDir } from '../support/cli.js';

const ESC = String.fromCharCode(27);

async function put(root: string, rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

interface Row {
  id: string;
  name: string;
  members: number;
  detached: number;
  status: string;
}

/** Issue 13: the commands an admin reaches for, and output that tells the truth. */
describe('e2e: operator commands (version, status, profiles, set, names)', function () {
  this.timeout(120_000);
  let home: string;
  let onprem: string;
  let cloud: string;
  const cli = (args: string[], env?: Record<string, string | undefined>) => runCli(args, { home, env });

  beforeEach(async () => {
    home = await tempDir();
    onprem = await tempDir('cloudsync-onprem-');
    cloud = await tempDir('cloudsync-cloud-');
    await put(onprem, 'Projects/a.txt', 'alpha');
    await put(onprem, 'Projects/old.bak', 'backup bytes');
    await mkdir(path.join(cloud, 'Shared'));
  });
  afterEach(async () => {
    for (const d of [home, onprem, cloud]) await rm(d, { recursive: true, force: true });
  });

  const login = async (): Promise<void> => {
    assert.equal((await cli(['login', 'onprem', onprem])).code, 0);
    assert.equal((await cli(['login', 'cloud', cloud])).code, 0);
  };

  it('version and --version --json: version, commit, node, platform, home', async () => {
    for (const args of [
      ['version', '--json'],
      ['--version', '--json'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 0, r.stderr);
      const v = r.json<Record<string, unknown>>();
      assert.deepEqual(Object.keys(v).sort(), ['arch', 'commit', 'home', 'node', 'platform', 'version']);
      assert.equal(v.node, process.version);
      assert.equal(v.home, home);
    }
  });

  it('status: a newcomer sees what to do; --json has sides, sets and paths; a typo suggests status', async () => {
    const empty = await cli(['status']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /cloudsync setup/);
    assert.match(empty.stdout, new RegExp(`home: +${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await login();
    assert.equal((await cli(['create', 'Projects', '--target', 'Shared'])).code, 0);
    const s = (await cli(['status', '--json'])).json<{
      sides: { side: string; reachable: boolean; kind: string }[];
      sets: Row[];
      paths: { home: string; state: string; log: string };
    }>();
    assert.deepEqual(
      s.sides.map((x) => [x.side, x.kind, x.reachable]),
      [
        ['onprem', 'local', true],
        ['cloud', 'local', true],
      ],
    );
    assert.equal(s.sets.length, 1);
    assert.equal(s.sets[0]!.members, 3);
    assert.equal(s.paths.state, path.join(home, 'state', 'default'));
    assert.equal(s.paths.log, path.join(home, 'logs', 'cloudsync.log'));

    const typo = await cli(['stauts', '--json']);
    assert.equal(typo.code, 2);
    const err = typo.json<{ error: { message: string; hint: string } }>().error;
    assert.equal(err.message, "unknown command 'stauts'", 'one line, no suggestion inside');
    assert.match(err.hint, /did you mean status\?/);
    assert.doesNotMatch(err.hint, /setup/);
    assert.ok(!typo.stdout.includes(ESC));
  });

  it('profiles lists them; a --profile that does not exist is exit 2 except for login', async () => {
    await login();
    const missing = await cli(['--profile', 'stagign', 'list', '--json']);
    assert.equal(missing.code, 2);
    assert.equal(missing.json<{ error: { code: string } }>().error.code, 'UNKNOWN_PROFILE');
    assert.equal((await cli(['--profile', 'staging', 'login', 'onprem', onprem])).code, 0);
    const typo = await cli(['--profile', 'stagign', 'list']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean "staging"\?/);
    const rows = (await cli(['profiles', '--json', '--profile', 'staging'])).json<
      { name: string; current: boolean; onprem: unknown; cloud: unknown }[]
    >();
    assert.deepEqual(
      rows.map((r) => [r.name, r.current, r.onprem !== null, r.cloud !== null]),
      [
        ['default', false, true, true],
        ['staging', true, true, false],
      ],
    );
  });

  it('set changes options after creation, recorded and shown by inspect; an exclude drops members on the next pass', async () => {
    await login();
    const c = await cli(['create', 'Projects', '--target', 'Shared', '--json']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/old.bak'), 'utf8'), 'backup bytes');
    // by name, with the flags of create
    const s = await cli([
      'set',
      'Projects',
      '--conflict',
      'keep-both',
      '--exclude',
      '*.bak',
      '--no-delete-on-cloud',
      '--json',
    ]);
    assert.equal(s.code, 0, s.stderr);
    const changed = s.json<{ changes: string[]; membershipChanged: boolean }>();
    assert.equal(changed.changes.length, 3);
    assert.equal(changed.membershipChanged, true);
    const ins = (await cli(['inspect', 'projects', '--json'])).json<{
      options: { conflict: string; deleteOnCloud: boolean };
      excludes: string[];
      changes: { time: string; changes: string[] }[];
    }>();
    assert.equal(ins.options.conflict, 'keep-both');
    assert.equal(ins.options.deleteOnCloud, false);
    assert.deepEqual(ins.excludes, ['*.bak']);
    assert.equal(ins.changes.length, 1);
    assert.match(ins.changes[0]!.changes.join(' '), /conflict: cloud-wins -> keep-both/);
    assert.equal((await cli(['sync'])).code, 0);
    const members = (await cli(['list', '--json'])).json<Row[]>()[0]!.members;
    assert.equal(members, 2, 'old.bak is no longer a member');
    assert.equal(await readFile(path.join(onprem, 'Projects/old.bak'), 'utf8'), 'backup bytes');

    const unknown = await cli(['set', 'Projcts', '--conflict', 'newer-wins']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /did you mean "Projects"/);
    const nothing = await cli(['set', 'Projects']);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /nothing to change/);
  });

  it('a member deleted on-prem with delete-on-cloud off is DETACHED, not SYNCED, and not counted', async () => {
    await login();
    assert.equal((await cli(['create', 'Projects', '--target', 'Shared', '--no-delete-on-cloud'])).code, 0);
    await rm(path.join(onprem, 'Projects/a.txt'));
    assert.equal((await cli(['sync'])).code, 0);
    const row = (await cli(['list', '--json'])).json<Row[]>()[0]!;
    assert.equal(row.members, 2);
    assert.equal(row.detached, 1);
    const ins = (await cli(['inspect', row.id, '--json'])).json<{
      members: { cloudPath: string; status: string }[];
    }>();
    assert.equal(ins.members.find((m) => m.cloudPath === 'Shared/Projects/a.txt')?.status, 'DETACHED');
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/a.txt'), 'utf8'), 'alpha');
  });

  it('paths: an absolute path inside the root is accepted; a missing one gets close names in its folder', async () => {
    await login();
    const typo = await cli(['create', 'Projcts', '--target', 'Shared', '--json']);
    assert.equal(typo.code, 2);
    assert.match(typo.json<{ error: { hint: string } }>().error.hint, /did you mean "Projects"\?/);
    const target = await cli(['create', 'Projects', '--target', 'Shred']);
    assert.equal(target.code, 2);
    assert.match(target.stderr, /did you mean "Shared"\?/);
    const outside = await cli(['create', path.dirname(onprem), '--target', 'Shared']);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /is not inside the onprem folder/);
    const abs = await cli([
      'create',
      path.join(onprem, 'Projects'),
      '--target',
      path.join(cloud, 'Shared'),
      '--json',
    ]);
    assert.equal(abs.code, 0, abs.stderr);
    assert.equal(abs.json<{ name: string; target: string }>().target, 'Shared');
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/a.txt'), 'utf8'), 'alpha');
  });

  it('-q: a successful create and sync print nothing on stdout; errors still reach stderr', async () => {
    await login();
    const c = await cli(['create', 'Projects', '--target', 'Shared', '-q']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, '');
    await writeFile(path.join(onprem, 'Projects/a.txt'), 'changed');
    const s = await cli(['sync', '-q']);
    assert.equal(s.code, 0);
    assert.equal(s.stdout, '');
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/a.txt'), 'utf8'), 'changed');
    const bad = await cli(['sync', 'nope', '-q']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no sync set "nope"/);
  });

  it('unsync --remove-from-cloud --dry-run shows count and size and deletes nothing', async () => {
    await login();
    assert.equal((await cli(['create', 'Projects', '--target', 'Shared'])).code, 0);
    const d = await cli(['unsync', 'Projects', '--remove-from-cloud', '--dry-run', '--json']);
    assert.equal(d.code, 0, d.stderr);
    const doc = d.json<{ cloudRemoval: { files: number; folders: number; bytes: number } }>();
    assert.deepEqual(doc.cloudRemoval, {
      files: 2,
      folders: 1,
      bytes: 'alpha'.length + 'backup bytes'.length,
    });
    assert.ok((await stat(path.join(cloud, 'Shared/Projects/a.txt'))).isFile());
    assert.equal((await cli(['list', '--json'])).json<Row[]>().length, 1, 'still a set');
    const human = await cli(['unsync', 'Projects', '--remove-from-cloud', '--dry-run']);
    assert.match(human.stdout, /2 documents and 1 folder \(17 B\)/);
  });

  it('TERM=dumb and FORCE_COLOR=0 mean no colour, even when colour is forced otherwise', async () => {
    for (const env of [{ FORCE_COLOR: '0' }, { TERM: 'dumb', FORCE_COLOR: '1' }]) {
      const r = await cli(['list', 'extra-arg'], env);
      assert.equal(r.code, 2);
      assert.ok(!r.stderr.includes(ESC), `colour with ${JSON.stringify(env)}`);
    }
    const forced = await cli(['list', 'extra-arg'], { FORCE_COLOR: '1' });
    assert.ok(forced.stderr.includes(ESC), 'FORCE_COLOR=1 does colour (the test can fail)');
  });
});

describe('e2e: create --mkdir outside a site (Alfresco)', function () {
  this.timeout(120_000);
  let emu: SpawnedEmulator;
  let home: string;
  let onprem: string;
  before(async () => {
    emu = await spawnEmulator(['--site', 'marketing', '--user', 'bob:pw-1']);
  });
  after(async () => emu?.stop());
  beforeEach(async () => {
    home = await tempDir();
    onprem = await tempDir('cloudsync-onprem-');
    await put(onprem, 'Projects/a.txt', 'alpha');
  });
  afterEach(async () => {
    for (const d of [home, onprem]) await rm(d, { recursive: true, force: true });
  });

  it('is a usage error (exit 2) naming the sites, not exit 1', async () => {
    const cli = (args: string[], input?: string) => runCli(args, { home, input });
    assert.equal((await cli(['login', 'onprem', onprem])).code, 0);
    const l = await cli(['login', 'cloud', emu.url, '--username', 'bob', '--password-stdin'], 'pw-1');
    assert.equal(l.code, 0, l.stderr);
    for (const target of ['Inbox', 'nosite/Inbox']) {
      const r = await cli(['create', 'Projects', '--target', target, '--mkdir', '--json']);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const err = r.json<{ error: { code: string; hint: string } }>().error;
      assert.equal(err.code, 'TARGET_OUTSIDE_SITE');
      assert.match(err.hint, /marketing/);
    }
  });
});
