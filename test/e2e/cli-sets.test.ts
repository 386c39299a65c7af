import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN, PROJECT_ROOT, runCli, tempDir } from '../support/cli.js';

interface SetRowJson {
  id: string;
  kind: string;
  name: string;
  target: string;
  members: number;
  failed: number;
  status: string;
  lastSyncAt: string | null;
}
interface SyncJson {
  sets: {
    id: string;
    pushed: number;
    pulled: number;
    deleted: number;
    moved: number;
    conflicts: number;
    failed: number;
    actions: { type: string; path: string }[];
  }[];
  exitCode: number;
  dryRun: boolean;
}
interface InspectJson {
  id: string;
  kind: string;
  target: string;
  options: Record<string, unknown>;
  members: {
    onpremPath: string;
    cloudPath: string;
    direct: boolean;
    status: string;
    errorCode: string | null;
    errorDetails: string | null;
    lastSyncAt: string | null;
  }[];
  backups: unknown[];
}

async function put(root: string, rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

describe('e2e: sync sets (local ↔ local)', function () {
  this.timeout(60_000);
  let home: string;
  let onprem: string;
  let cloud: string;
  const cli = (args: string[], input?: string) => runCli(args, { home, input });

  beforeEach(async () => {
    home = await tempDir();
    onprem = await tempDir('cloudsync-onprem-');
    cloud = await tempDir('cloudsync-cloud-');
    await put(onprem, 'Projects/a.txt', 'alpha');
    await put(onprem, 'Projects/sub/b.txt', 'beta');
    await put(onprem, 'Docs/x.txt', 'ex');
    await put(onprem, 'Docs/y.txt', 'why');
    await mkdir(path.join(cloud, 'Shared'));
    assert.equal((await cli(['login', 'onprem', onprem])).code, 0);
    assert.equal((await cli(['login', 'cloud', cloud])).code, 0);
  });

  it('create a folder set pushes it, and list/inspect show it (SPEC §6 shapes)', async () => {
    const c = await cli(['create', 'Projects', '--target', 'Shared', '--json']);
    assert.equal(c.code, 0, c.stderr);
    const created = c.json<SetRowJson & { pass: SyncJson }>();
    assert.equal(created.kind, 'folder');
    assert.equal(created.target, 'Shared');
    assert.equal(created.pass.exitCode, 0);
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/a.txt'), 'utf8'), 'alpha');
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/sub/b.txt'), 'utf8'), 'beta');

    const list = await cli(['list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const rows = list.json<SetRowJson[]>();
    assert.equal(rows.length, 1);
    assert.deepEqual(Object.keys(rows[0]!).sort(), [
      'detached',
      'failed',
      'id',
      'kind',
      'lastSyncAt',
      'members',
      'name',
      'status',
      'target',
    ]);
    assert.equal(rows[0]!.id, created.id);
    assert.equal(rows[0]!.status, 'SYNCED');
    assert.equal(rows[0]!.failed, 0);
    assert.equal(rows[0]!.members, 4);
    assert.ok(rows[0]!.lastSyncAt);

    const ins = await cli(['inspect', created.id.slice(0, 4), '--json']);
    assert.equal(ins.code, 0, ins.stderr);
    const doc = ins.json<InspectJson>();
    assert.deepEqual(Object.keys(doc.options).sort(), [
      'conflict',
      'deleteOnCloud',
      'deleteOnPrem',
      'includeSubfolders',
      'lockOnPrem',
    ]);
    assert.deepEqual(doc.backups, []);
    const a = doc.members.find((m) => m.onpremPath === 'Projects/a.txt');
    assert.deepEqual(
      { ...a, lastSyncAt: typeof a?.lastSyncAt },
      {
        ...a,
        onpremPath: 'Projects/a.txt',
        cloudPath: 'Shared/Projects/a.txt',
        direct: false,
        status: 'SYNCED',
        errorCode: null,
        errorDetails: null,
        lastSyncAt: 'string',
      },
    );
    assert.equal(doc.members.filter((m) => m.direct).length, 1);

    const human = await cli(['list']);
    assert.match(human.stdout, /^ID\s+NAME\s+KIND\s+TARGET\s+MEMBERS\s+FAILED\s+STATUS\s+LAST SYNC/m);
    assert.match(human.stdout, /SYNCED/);
    assert.equal((await cli(['list', '--errors', '--json'])).json<unknown[]>().length, 0);
  });

  it('create a documents set with options and --no-sync leaves it PENDING until sync', async () => {
    const c = await cli([
      'create',
      'Docs/x.txt',
      'Docs/y.txt',
      '--target',
      'Partners/ACME',
      '--mkdir',
      '--no-sync',
      '--conflict',
      'keep-both',
      '--no-delete-on-cloud',
      '--name',
      'acme docs',
      '--json',
    ]);
    assert.equal(c.code, 0, c.stderr);
    const created = c.json<SetRowJson & { pass?: unknown }>();
    assert.equal(created.kind, 'documents');
    assert.equal(created.name, 'acme docs');
    assert.equal(created.pass, undefined);
    assert.equal(created.status, 'PENDING');
    const ins = (await cli(['inspect', created.id, '--json'])).json<InspectJson>();
    assert.equal(ins.options.conflict, 'keep-both');
    assert.equal(ins.options.deleteOnCloud, false);
    assert.deepEqual(ins.members.map((m) => [m.onpremPath, m.cloudPath, m.direct]).sort(), [
      ['Docs/x.txt', 'Partners/ACME/x.txt', true],
      ['Docs/y.txt', 'Partners/ACME/y.txt', true],
    ]);

    const dry = await cli(['sync', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = dry.json<SyncJson>();
    assert.equal(plan.dryRun, true);
    assert.ok(plan.sets[0]!.actions.length >= 2);
    await assert.rejects(readFile(path.join(cloud, 'Partners/ACME/x.txt')), 'a dry run changes nothing');

    const humanDry = await cli(['sync', '--dry-run']);
    assert.match(humanDry.stdout, /^push\s+cloud\s+Partners\/ACME\/x\.txt/m); // the side and the path there

    const s = await cli(['sync', created.id, '--json']);
    assert.equal(s.code, 0, s.stderr);
    const res = s.json<SyncJson>();
    assert.deepEqual(Object.keys(res).sort(), ['dryRun', 'exitCode', 'sets']);
    assert.deepEqual(
      ['id', 'pushed', 'pulled', 'deleted', 'moved', 'conflicts', 'failed', 'actions'].filter(
        (k) => !(k in res.sets[0]!),
      ),
      [],
    );
    assert.equal(res.sets[0]!.pushed, 2);
    assert.equal(await readFile(path.join(cloud, 'Partners/ACME/y.txt'), 'utf8'), 'why');
  });

  it('create refuses two folders, a folder and a file, and a missing target (exit 2)', async () => {
    await mkdir(path.join(onprem, 'Other'));
    for (const args of [
      ['create', 'Projects', 'Other', '--target', 'Shared'],
      ['create', 'Projects', 'Docs/x.txt', '--target', 'Shared'],
      ['create', 'Projects', '--target', 'NoSuchFolder'],
      ['create', 'NoSuchThing', '--target', 'Shared'],
      ['create', 'Projects'],
    ]) {
      const r = await cli([...args, '--json']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.ok(r.json<{ error: { message: string } }>().error.message, args.join(' '));
    }
    assert.deepEqual((await cli(['list', '--json'])).json(), [], 'nothing was recorded');
  });

  it('an unknown set id is exit 2 for every command that takes one', async () => {
    for (const args of [
      ['inspect', 'zzzz'],
      ['sync', 'zzzz'],
      ['request-sync', 'zzzz'],
      ['unsync', 'zzzz'],
    ]) {
      const r = await cli([...args, '--json']);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(typeof r.json<{ error: { code: string } }>().error.code, 'string');
    }
  });

  it('request-sync and unsync', async () => {
    const c = (
      await cli(['create', 'Docs/x.txt', 'Docs/y.txt', '--target', 'Shared', '--json'])
    ).json<SetRowJson>();
    const rq = await cli(['request-sync', c.id, 'Docs/x.txt', '--json']);
    assert.equal(rq.code, 0, rq.stderr);
    assert.equal(rq.json<{ requested: number }>().requested, 1);
    const one = await cli(['unsync', c.id, 'Docs/x.txt', '--json']);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(one.json<{ setRemoved: boolean }>().setRemoved, false);
    const all = await cli(['unsync', c.id, '--json']);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.json<{ setRemoved: boolean }>().setRemoved, true);
    assert.equal(await readFile(path.join(cloud, 'Shared/y.txt'), 'utf8'), 'why', 'cloud copies stay');
    assert.equal(
      await readFile(path.join(onprem, 'Docs/x.txt'), 'utf8'),
      'ex',
      'on-prem content is never deleted',
    );
    assert.deepEqual((await cli(['list', '--json'])).json(), []);
  });

  it('a second pass while the set lock is held exits 6', async () => {
    const { id } = (await cli(['create', 'Projects', '--target', 'Shared', '--no-sync', '--json'])).json<{
      id: string;
    }>();
    await writeLockHeldByThisProcess(home, 'default', `.${id}.lock`);
    for (const args of [['sync'], ['sync', id], ['unsync', id], ['set', id, '--name', 'x']]) {
      const r = await cli([...args, '--json']);
      assert.equal(r.code, 6, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.json<{ error: { code: string } }>().error.code, 'LOCKED');
      assert.match(r.json<{ error: { message: string } }>().error.message, new RegExp(`set ${id}`));
    }
  });

  it('bash completion offers the set ids of the profile (via `cloudsync list --json`)', async () => {
    const c = (
      await cli(['create', 'Projects', '--target', 'Shared', '--no-sync', '--json'])
    ).json<SetRowJson>();
    const bin = await tempDir('cloudsync-bin-');
    await writeFile(path.join(bin, 'cloudsync'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {
      mode: 0o755,
    });
    const script = `source "$1"; COMP_WORDS=(cloudsync inspect ""); COMP_CWORD=2; _cloudsync; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const file = path.join(PROJECT_ROOT, 'completions', 'cloudsync.bash');
    const { stdout, stderr } = await promisify(execFile)('bash', ['--norc', '-c', script, 'bash', file], {
      env: { PATH: `${bin}:/usr/bin:/bin`, CLOUDSYNC_HOME: home },
    });
    assert.equal(stderr, '');
    assert.deepEqual(stdout.split('\n').filter(Boolean), [c.id]);
  });
});

/** Create a lock (`<home>/state/<profile>/.<set-id>.lock`, see src/store/lock.ts) as if this live test process held it. */
async function writeLockHeldByThisProcess(home: string, profile: string, name: string): Promise<void> {
  const file = path.join(home, 'state', profile, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), host: hostname() }),
  );
}
