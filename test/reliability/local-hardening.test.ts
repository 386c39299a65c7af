// Issue 10 (local half) and issue 9 class 7, from the outside: a home other users can write is refused, no
// planted symlink under the home is ever followed, conflict backups keep the loser's mode, the local side
// never writes through a folder replaced by a link, the lock survives reused pids and zombies, and a home
// inside a synced folder is refused and never synced. Each case adds a row to the bad-input table.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { chmod, chown, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CredentialStore } from '../../src/config/credentials.js';
import { BIN, PROJECT_ROOT, runCli, tempDir } from '../support/cli.js';
import type { BadInputRecord } from './bad-input.test.js';
import { cleanup, Cli, explain, localPair, results } from './support.js';

const mode = async (p: string) => (await stat(p)).mode & 0o7777;
const read = (p: string) => readFile(p, 'utf8').catch(() => null);
const errorOf = (out: { json<T>(): T }) => out.json<{ error: { code: string; hint: string } }>().error;

/** The uid of `nobody`, when this runs as root (another user to own things); undefined otherwise. */
function nobodyUid(): number | undefined {
  if (os.userInfo().uid !== 0) return undefined;
  try {
    return Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
  } catch {
    return undefined;
  }
}

describe('reliability: a private home, no planted links, no writes outside the root, real lock lives', function () {
  this.timeout(90_000);
  const records: BadInputRecord[] = ((results.badInput as BadInputRecord[] | undefined) ??= []);
  const dirs: string[] = [];
  after(() => cleanup(...dirs));
  async function priv(): Promise<string> {
    const d = await tempDir('cs-harden-');
    dirs.push(d);
    return d;
  }
  async function pair() {
    const p = await localPair();
    dirs.push(p.home, p.onprem, p.cloud);
    return p;
  }
  const record = (input: string, exit: number | string, outcome: string) =>
    records.push({ input, exit, outcome, lost: 0, duplicates: 0 });

  describe('the home is private', () => {
    it('creates the home, state, logs and backups 0700 and config, state, log 0600, even under umask 000', async () => {
      const base = await priv();
      const home = path.join(base, 'home');
      const onprem = path.join(base, 'onprem');
      const cloud = path.join(base, 'cloud');
      await mkdir(path.join(onprem, 'P'), { recursive: true });
      await mkdir(path.join(cloud, 'Shared'), { recursive: true });
      await writeFile(path.join(onprem, 'P/a.txt'), 'a');
      // through a shell that sets umask 000 first: the modes must not depend on the umask
      const cs = (args: string[]) =>
        new Promise<number | null>((resolve) => {
          const child = spawn('sh', ['-c', 'umask 000 && exec "$@"', 'sh', process.execPath, BIN, ...args], {
            cwd: PROJECT_ROOT,
            env: { PATH: process.env.PATH ?? '', CLOUDSYNC_HOME: home },
            stdio: 'ignore',
          });
          child.on('close', resolve);
        });
      assert.equal(await cs(['login', 'onprem', onprem]), 0);
      assert.equal(await cs(['login', 'cloud', cloud]), 0);
      assert.equal(await cs(['create', 'P', '--target', 'Shared']), 0);
      // a conflict, so backups/ exists
      await writeFile(path.join(onprem, 'P/a.txt'), 'onprem edit');
      await writeFile(path.join(cloud, 'Shared/P/a.txt'), 'cloud edit!');
      assert.equal(await cs(['sync']), 0);
      const state = path.join(home, 'state', 'default');
      const snapshot = fs.readdirSync(state).find((n) => n.endsWith('.json'))!;
      const modes: Record<string, number> = {
        home: await mode(home),
        state: await mode(path.join(home, 'state')),
        'state/default': await mode(state),
        logs: await mode(path.join(home, 'logs')),
        backups: await mode(path.join(home, 'backups')),
        'config.json': await mode(path.join(home, 'config.json')),
        'logs/cloudsync.log': await mode(path.join(home, 'logs', 'cloudsync.log')),
        snapshot: await mode(path.join(state, snapshot)),
      };
      assert.deepEqual(modes, {
        home: 0o700,
        state: 0o700,
        'state/default': 0o700,
        logs: 0o700,
        backups: 0o700,
        'config.json': 0o600,
        'logs/cloudsync.log': 0o600,
        snapshot: 0o600,
      });
      // credentials.json (Alfresco logins only): 0600 under umask 000 too
      const old = process.umask(0);
      try {
        new CredentialStore(home).set('default', 'cloud', { ticket: 'TICKET_x' });
      } finally {
        process.umask(old);
      }
      assert.equal(await mode(path.join(home, 'credentials.json')), 0o600);
      record('home created under umask 000', 0, 'folders 0700, config/state/log/credentials 0600');
    });

    it('refuses a home writable by others, or below a group-writable folder (exit 2, hint names the chmod); a sticky /tmp-like parent is fine', async () => {
      const base = await priv();
      const home = path.join(base, 'home');
      await mkdir(home);
      await chmod(home, 0o777);
      const out = await runCli(['list', '--json'], { home });
      assert.equal(out.code, 2, explain('list in a 0777 home', out));
      assert.equal(errorOf(out).code, 'HOME_NOT_PRIVATE');
      assert.match(errorOf(out).hint, new RegExp(`chmod 700 ${home}`));
      assert.deepEqual(fs.readdirSync(home), [], 'nothing read or written there, not even the log');

      await chmod(home, 0o700);
      await chmod(base, 0o775);
      const parent = await runCli(['list', '--json'], { home });
      assert.equal(parent.code, 2, explain('list below a 0775 folder', parent));
      assert.match(errorOf(parent).hint, new RegExp(`chmod go-w ${base}`));

      await chmod(base, 0o1777); // like /tmp: others may create, not replace what is ours
      const sticky = await runCli(['list', '--json'], { home });
      assert.equal(sticky.code, 0, explain('list below a sticky folder', sticky));
      await chmod(base, 0o700);
      record('home 0777 / parent 0775 (sticky parent accepted)', 2, 'refused, hint: chmod 700 / chmod go-w');
    });

    it('refuses a home owned by another user, which could have redirected the login to its own server', async function () {
      const nobody = nobodyUid();
      if (nobody === undefined) this.skip(); // needs root to give a folder away
      const base = await priv();
      const home = path.join(base, 'home');
      const attacker = path.join(base, 'attacker');
      const onprem = path.join(base, 'onprem');
      await mkdir(path.join(onprem, 'P'), { recursive: true });
      await writeFile(path.join(onprem, 'P/secret.txt'), 'secret');
      await mkdir(home);
      await mkdir(attacker);
      // the other user wrote a config that sends our content to a folder of theirs
      const config = {
        version: 1,
        profiles: {
          default: {
            onprem: { kind: 'local', address: onprem },
            cloud: { kind: 'local', address: attacker },
          },
        },
      };
      await writeFile(path.join(home, 'config.json'), JSON.stringify(config));
      await chown(home, nobody!, nobody!);
      await chown(path.join(home, 'config.json'), nobody!, nobody!);
      const out = await runCli(['create', 'P', '--target', '', '--json'], { home });
      assert.equal(out.code, 2, explain('create in a home owned by nobody', out));
      assert.equal(errorOf(out).code, 'HOME_NOT_PRIVATE');
      assert.match(errorOf(out).hint, /chown root/);
      assert.deepEqual(fs.readdirSync(attacker), [], 'nothing reached the other user');
      record('home owned by another user, config redirected', 2, 'refused, hint: chown; nothing sent');
    });
  });

  describe('nothing follows a planted link', () => {
    it('never writes through symlinks planted at the log, lock, journal, config, credentials and backups names', async () => {
      const { cli, home, onprem, cloud } = await pair();
      const victimDir = await priv();
      const victim = path.join(victimDir, 'victim');
      await writeFile(victim, 'VICTIM');
      await chmod(victim, 0o644);
      await mkdir(path.join(onprem, 'P'));
      await mkdir(path.join(cloud, 'Shared'));
      await writeFile(path.join(onprem, 'P/a.txt'), 'a');
      const id = (await cli.ok(['create', 'P', '--target', 'Shared', '--json'])).json<{ id: string }>().id;
      const state = path.join(home, 'state', 'default');
      const plant = async (at: string, to = victim) => {
        await rm(at, { recursive: true, force: true });
        await symlink(to, at);
      };
      // the log, the lock and the journal: the pass goes on (the log is dropped with a warning) or stops
      await plant(path.join(home, 'logs', 'cloudsync.log'));
      await plant(path.join(state, '.lock'));
      await plant(path.join(state, `.${id}.lock`));
      await plant(path.join(state, `${id}.journal`));
      await writeFile(path.join(onprem, 'P/b.txt'), 'b');
      const sync = await cli.run(['sync', '--json']);
      assert.equal(sync.code, 2, explain('sync with a planted journal', sync));
      assert.equal(errorOf(sync).code, 'UNSAFE_FILE');
      await rm(path.join(state, `${id}.journal`), { force: true });
      const again = await cli.run(['sync', '--json']);
      assert.equal(again.code, 0, explain('sync with the planted log and lock', again));
      assert.equal(await read(path.join(cloud, 'Shared/P/b.txt')), 'b');
      // config and credentials
      await plant(path.join(home, 'credentials.json'));
      const creds = await cli.run(['sync', '--json']);
      assert.equal(creds.code, 2, explain('sync with planted credentials', creds));
      await rm(path.join(home, 'credentials.json'));
      await plant(path.join(home, 'config.json'));
      const login = await cli.run(['login', 'cloud', cloud, '--json']);
      assert.equal(login.code, 2, explain('login with a planted config', login));
      await rm(path.join(home, 'config.json'));
      await cli.ok(['login', 'onprem', onprem, '--json']);
      await cli.ok(['login', 'cloud', cloud, '--json']);
      // backups: the folder is a link to the victim's folder; the conflict loser cannot be kept, so the
      // overwrite does not happen and the member fails
      await plant(path.join(home, 'backups'), victimDir);
      await writeFile(path.join(onprem, 'P/a.txt'), 'onprem edit');
      await writeFile(path.join(cloud, 'Shared/P/a.txt'), 'cloud edit!');
      const conflict = await cli.run(['sync', '--json']);
      assert.equal(conflict.code, 3, explain('conflict with planted backups', conflict));
      assert.equal(await read(path.join(onprem, 'P/a.txt')), 'onprem edit', 'the loser is kept in place');
      assert.deepEqual(fs.readdirSync(victimDir), ['victim'], 'nothing created in the link target');
      assert.equal(await read(victim), 'VICTIM');
      assert.equal(await mode(victim), 0o644);
      record(
        'symlinks planted at log, lock, journal, config, credentials, backups',
        '2 / 0 / 3',
        'refused (UNSAFE_FILE) or replaced, victim file unchanged',
      );
    });
  });

  it('keeps the mode of a conflict loser in its backup (0600 stays 0600, 0640 stays 0640)', async () => {
    const { cli, home, onprem, cloud } = await pair();
    await mkdir(path.join(onprem, 'P'));
    await mkdir(path.join(cloud, 'Shared'));
    await writeFile(path.join(onprem, 'P/private.txt'), 'p');
    await writeFile(path.join(onprem, 'P/group.txt'), 'g');
    await cli.ok(['create', 'P', '--target', 'Shared', '--json']);
    await chmod(path.join(onprem, 'P/private.txt'), 0o600);
    await chmod(path.join(onprem, 'P/group.txt'), 0o640);
    for (const f of ['private.txt', 'group.txt']) {
      await writeFile(path.join(onprem, 'P', f), `onprem ${f}`);
      await writeFile(path.join(cloud, 'Shared/P', f), `cloud edit of ${f}`);
    }
    await cli.ok(['sync', '--json']);
    const backups = (await cli.ok(['inspect', await firstSet(cli), '--json'])).json<{
      backups: { file: string; memberPath: string }[];
    }>().backups;
    const modes = Object.fromEntries(
      await Promise.all(backups.map(async (b) => [path.basename(b.file), await mode(b.file)] as const)),
    );
    assert.deepEqual(modes, { 'private.txt': 0o600, 'group.txt': 0o640 });
    assert.ok(backups.every((b) => b.file.startsWith(path.join(home, 'backups'))));
    record('conflict on 0600 / 0640 files', 0, 'backups keep 0600 / 0640');
  });

  describe('the local side never writes outside its root', () => {
    it('a parent of a synced folder, or a documents set folder, replaced by a link: exit 5, also with --force, nothing written there', async () => {
      const { cli, onprem, cloud } = await pair();
      const elsewhere = path.join(await priv(), 'moved');
      await mkdir(path.join(onprem, 'Team/P'), { recursive: true });
      await mkdir(path.join(cloud, 'Shared'));
      await writeFile(path.join(onprem, 'Team/P/x.txt'), 'x');
      await writeFile(path.join(onprem, 'Team/y.txt'), 'y');
      await cli.ok(['create', 'Team/P', '--target', 'Shared', '--json']);
      await cli.ok(['create', 'Team/y.txt', '--target', 'Shared', '--json']);
      // someone moves Team away and leaves a link to it
      await rename(path.join(onprem, 'Team'), elsewhere);
      await symlink(elsewhere, path.join(onprem, 'Team'));
      await writeFile(path.join(cloud, 'Shared/P/x.txt'), 'cloud x');
      await writeFile(path.join(cloud, 'Shared/P/new.txt'), 'new');
      await writeFile(path.join(cloud, 'Shared/y.txt'), 'cloud y');
      for (const extra of [[], ['--force']]) {
        const out = await cli.run(['sync', '--json', ...extra]);
        assert.equal(out.code, 5, explain(`sync ${extra.join(' ')}`, out));
        assert.equal(errorOf(out).code, 'LINK_IN_ROOT');
      }
      assert.equal(await read(path.join(elsewhere, 'P/x.txt')), 'x');
      assert.equal(await read(path.join(elsewhere, 'y.txt')), 'y');
      assert.deepEqual(fs.readdirSync(path.join(elsewhere, 'P')), ['x.txt']);
      record(
        'parent of synced folder / documents replaced by a link',
        5,
        'aborted (also --force), nothing written',
      );
    });
  });

  describe('the lock survives real process lives', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      child?.kill('SIGKILL');
      child = undefined;
    });
    const procStart = (pid: number) =>
      fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!;

    it('takes over a lock naming a live unrelated pid or a zombie; a live holder still gives exit 6', async function () {
      if (!fs.existsSync('/proc/self/stat')) this.skip(); // the fallback elsewhere is "the pid exists"
      const { cli, home, onprem, cloud } = await pair();
      await mkdir(path.join(onprem, 'P'));
      await mkdir(path.join(cloud, 'Shared'));
      await writeFile(path.join(onprem, 'P/a.txt'), 'a');
      const { id } = (await cli.ok(['create', 'P', '--target', 'Shared', '--json'])).json<{ id: string }>();
      const lock = path.join(home, 'state', 'default', `.${id}.lock`);
      const writeLock = (pid: number, extra: object) =>
        writeFile(
          lock,
          JSON.stringify({ pid, startedAt: new Date().toISOString(), host: os.hostname(), ...extra }),
        );

      // a live process that is not the holder: the pid was reused
      child = spawn('sleep', ['30'], { stdio: 'ignore' });
      await writeLock(child.pid!, { procStart: '1' });
      const reused = await cli.run(['sync', '--json']);
      assert.equal(reused.code, 0, explain('sync over a reused pid', reused));
      // the same, from a lock of the old format (no start time) written before the process started
      await writeFile(
        lock,
        JSON.stringify({ pid: child.pid, startedAt: '2020-01-01T00:00:00.000Z', host: os.hostname() }),
      );
      assert.equal((await cli.run(['sync', '--json'])).code, 0, 'old-format lock of a reused pid');

      // a zombie: `sleep 0` whose parent (exec-ed into sleep 30) never reaps it
      const zombieParent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      child = zombieParent;
      const zpid = Number(
        await new Promise<string>((r) => zombieParent.stdout!.once('data', (d) => r(String(d)))),
      );
      await new Promise((r) => setTimeout(r, 300));
      assert.match(fs.readFileSync(`/proc/${zpid}/stat`, 'utf8'), /\) Z /, 'the test made a zombie');
      await writeLock(zpid, { procStart: procStart(zpid) });
      const zombie = await cli.run(['sync', '--json']);
      assert.equal(zombie.code, 0, explain('sync over a zombie holder', zombie));
      zombieParent.kill('SIGKILL');

      // a live holder, start time and all: still exit 6
      child = spawn('sleep', ['30'], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 100));
      await writeLock(child.pid!, { procStart: procStart(child.pid!) });
      const held = await cli.run(['sync', '--json']);
      assert.equal(held.code, 6, explain('sync while a live holder has the lock', held));
      record(
        'lock of a reused pid / a zombie / a live holder',
        '0 / 0 / 6',
        'stale ones taken over, live one waits',
      );
    });
  });

  describe('cloudsync never syncs itself', () => {
    it('refuses a home inside the folder at login and inside the set folder at create; a home moved in later is never listed', async () => {
      const base = await priv();
      const onprem = path.join(base, 'onprem');
      const cloud = path.join(base, 'cloud');
      await mkdir(path.join(onprem, 'P'), { recursive: true });
      await mkdir(path.join(onprem, 'Q'), { recursive: true });
      await mkdir(path.join(cloud, 'Shared'), { recursive: true });
      await writeFile(path.join(onprem, 'P/a.txt'), 'a');
      await writeFile(path.join(onprem, 'Q/q.txt'), 'q');
      for (const side of ['onprem', 'cloud']) {
        const root = side === 'onprem' ? onprem : cloud;
        const out = await runCli(['login', side, root, '--json', '--no-log-file'], {
          home: path.join(root, '.cloudsync'),
        });
        assert.equal(out.code, 2, explain(`login ${side} with the home inside`, out));
        assert.equal(errorOf(out).code, 'HOME_INSIDE_SYNCED_FOLDER');
      }
      // a home that was outside at login and moved into the set's folder afterwards
      let home = path.join(base, 'home');
      let cli = new Cli(home);
      await cli.ok(['login', 'onprem', onprem, '--json']);
      await cli.ok(['login', 'cloud', cloud, '--json']);
      await cli.ok(['create', 'P', '--target', 'Shared', '--json']);
      await rename(home, path.join(onprem, 'Q', '.cs-home'));
      home = path.join(onprem, 'Q', '.cs-home');
      cli = new Cli(home);
      const create = await cli.run(['create', 'Q', '--target', 'Shared', '--json']);
      assert.equal(create.code, 2, explain('create Q with the home inside Q', create));
      assert.equal(errorOf(create).code, 'HOME_INSIDE_SYNCED_FOLDER');
      // and inside an already synced folder: skipped, never a member
      await rename(home, path.join(onprem, 'P', '.cs-home'));
      home = path.join(onprem, 'P', '.cs-home');
      cli = new Cli(home);
      await writeFile(path.join(onprem, 'P/b.txt'), 'b');
      const sync = await cli.run(['sync', '--json']);
      assert.equal(sync.code, 0, explain('sync with the home inside P', sync));
      assert.deepEqual(fs.readdirSync(path.join(cloud, 'Shared/P')).sort(), ['a.txt', 'b.txt']);
      record(
        'home inside a synced folder (login, create, moved in later)',
        2,
        'refused at login/create; never listed',
      );
    });
  });
});

async function firstSet(cli: Cli): Promise<string> {
  return (await cli.ok(['list', '--json'])).json<{ id: string }[]>()[0]!.id;
}
