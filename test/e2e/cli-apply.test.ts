import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir } from '../support/cli.js';

interface ApplyJson {
  dryRun: boolean;
  connections: { side: string; action: string }[];
  sets: {
    name: string;
    id?: string;
    action: string;
    changes: { field: string; from: unknown; to: unknown }[];
  }[];
  pass: { sets: { id: string; pushed: number }[]; exitCode: number } | null;
  exitCode: number;
}
interface InspectJson {
  id: string;
  target: string;
  options: Record<string, unknown>;
  members: { onpremPath: string; direct: boolean }[];
}

async function put(root: string, rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

describe('e2e: export and apply -f (declarative sets, local ↔ local)', function () {
  this.timeout(90_000);
  let dirs: string[];
  let home: string;
  let onprem: string;
  let cloud: string;
  const cli = (args: string[], h = home, input?: string) => runCli(args, { home: h, input });
  const sets = async (h: string) =>
    (await cli(['list', '--json'], h))
      .json<{ id: string; name: string }[]>()
      .sort((a, b) => a.name.localeCompare(b.name));

  beforeEach(async () => {
    home = await tempDir();
    onprem = await tempDir('cloudsync-onprem-');
    cloud = await tempDir('cloudsync-cloud-');
    dirs = [home, onprem, cloud];
    await put(onprem, 'Projects/a.txt', 'alpha');
    await put(onprem, 'Projects/sub/b.txt', 'beta');
    await put(onprem, 'Docs/x.txt', 'ex');
    await put(onprem, 'Docs/y.txt', 'why');
    await mkdir(path.join(cloud, 'Shared'));
    assert.equal((await cli(['login', 'onprem', onprem])).code, 0);
    assert.equal((await cli(['login', 'cloud', cloud])).code, 0);
  });
  afterEach(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function fresh(): Promise<string> {
    const h = await tempDir();
    dirs.push(h);
    return h;
  }

  it('export then apply on a fresh home reproduces the sets; a second apply changes nothing', async () => {
    assert.equal((await cli(['create', 'Projects', '--target', 'Shared'])).code, 0);
    const docs = ['create', 'Docs/x.txt', 'Docs/y.txt', '--target', 'Shared/D', '--mkdir', '--name', 'docs'];
    assert.equal(
      (await cli([...docs, '--conflict', 'keep-both', '--exclude', '*.bak', '--no-delete-on-cloud'])).code,
      0,
    );
    const exported = await cli(['export']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.doesNotMatch(exported.stdout, /password|ticket|token/i);
    const file = path.join(home, '..', `${path.basename(home)}-sets.yaml`);
    dirs.push(file);
    await writeFile(file, exported.stdout);

    const h2 = await fresh();
    // The sets are still owned by the first home (their cloud markers, see cli-owner): moving them to this
    // home is explicit.
    const first = await cli(['apply', '-f', file, '--json', '--take-over'], h2);
    assert.equal(first.code, 0, first.stderr);
    const plan = first.json<ApplyJson>();
    assert.deepEqual(
      plan.connections.map((c) => c.action),
      ['login', 'login'],
    );
    assert.deepEqual(
      plan.sets.map((s) => [s.name, s.action]),
      [
        ['docs', 'create'],
        ['Projects', 'create'],
      ],
    );
    assert.equal(plan.pass?.exitCode, 0);
    // Same names, members, target and options as the original home.
    for (const h of [home, h2])
      assert.deepEqual(
        (await sets(h)).map((s) => s.name),
        ['docs', 'Projects'],
      );
    const inspect = async (h: string, id: string) =>
      (await cli(['inspect', id, '--json'], h)).json<InspectJson>();
    const [d1, d2] = [(await sets(home))[0]!, (await sets(h2))[0]!];
    const [i1, i2] = [await inspect(home, d1.id), await inspect(h2, d2.id)];
    assert.deepEqual(i2.options, i1.options);
    assert.equal(i2.options.conflict, 'keep-both');
    assert.equal(i2.options.deleteOnCloud, false);
    assert.equal(i2.target, 'Shared/D');
    assert.deepEqual(i2.members.map((m) => m.onpremPath).sort(), ['Docs/x.txt', 'Docs/y.txt']);
    assert.equal((await cli(['export'], h2)).stdout, exported.stdout);
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/sub/b.txt'), 'utf8'), 'beta');

    const again = await cli(['apply', '-f', file, '--json'], h2);
    assert.equal(again.code, 0, again.stderr);
    const p2 = again.json<ApplyJson>();
    assert.deepEqual(
      p2.sets.map((s) => s.action),
      ['unchanged', 'unchanged'],
    );
    assert.deepEqual(
      p2.connections.map((c) => c.action),
      ['unchanged', 'unchanged'],
    );
    assert.equal(p2.pass, null);
  });

  it('changed options are applied, --dry-run changes nothing, --prune unsyncs what the file dropped', async () => {
    assert.equal((await cli(['create', 'Projects', '--target', 'Shared'])).code, 0);
    assert.equal((await cli(['create', 'Docs', '--target', 'Shared'])).code, 0);
    const file = path.join(home, 'sets.json');
    const doc = {
      version: 1,
      sets: [
        { name: 'Projects', paths: ['Projects'], target: 'Shared', options: { conflict: 'newer-wins' } },
      ],
    };
    await writeFile(file, JSON.stringify(doc));
    const dry = await cli(['apply', '-f', file, '--dry-run', '--prune', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const dp = dry.json<ApplyJson>();
    assert.deepEqual(
      dp.sets.map((s) => [s.name, s.action]),
      [
        ['Projects', 'update'],
        ['Docs', 'prune'],
      ],
    );
    assert.deepEqual(dp.sets[0]!.changes, [
      { field: 'options.conflict', from: 'cloud-wins', to: 'newer-wins' },
    ]);
    assert.equal((await sets(home)).length, 2, 'dry run unsynced nothing');

    const noPrune = (await cli(['apply', '-f', file, '--json'])).json<ApplyJson>();
    assert.deepEqual(
      noPrune.sets.map((s) => s.action),
      ['update', 'extra'],
    );
    assert.equal((await sets(home)).length, 2, 'without --prune the extra set stays');
    const id = (await sets(home)).find((s) => s.name === 'Projects')!.id;
    assert.equal((await cli(['inspect', id, '--json'])).json<InspectJson>().options.conflict, 'newer-wins');

    const pruned = await cli(['apply', '-f', file, '--prune', '--json']);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.deepEqual(
      pruned.json<ApplyJson>().sets.map((s) => s.action),
      ['unchanged', 'prune'],
    );
    assert.deepEqual(
      (await sets(home)).map((s) => s.name),
      ['Projects'],
    );
    assert.equal(
      await readFile(path.join(cloud, 'Shared/Docs/x.txt'), 'utf8'),
      'ex',
      'cloud copies are kept',
    );
  });

  it('an invalid file is exit 2 with one message per error; a differing connection names the login to run', async () => {
    const bad = path.join(home, 'bad.yaml');
    await writeFile(
      bad,
      'version: 1\nsets:\n  - name: P\n    paths: Projects\n    options: { conflict: maybe, lock: true }\n',
    );
    const r = await cli(['apply', '-f', bad, '--json']);
    assert.equal(r.code, 2);
    const msg = r.json<{ error: { code: string; message: string } }>().error;
    assert.equal(msg.code, 'INVALID_SETS_FILE');
    for (const where of [
      'sets[0].paths',
      'sets[0].target',
      'sets[0].options.conflict',
      'sets[0].options.lock',
    ])
      assert.ok(msg.message.includes(where), `${where} in ${msg.message}`);
    await writeFile(bad, 'version: 1\nsets: [\n');
    assert.equal((await cli(['apply', '-f', bad])).code, 2);

    const other = path.join(home, 'other.yaml');
    await writeFile(
      other,
      'version: 1\nconnections:\n  cloud: { kind: alfresco, address: "https://acs.example.com", username: alice }\nsets: []\n',
    );
    const o = await cli(['apply', '-f', other]);
    assert.equal(o.code, 2);
    assert.match(o.stderr, /cloudsync login cloud https:\/\/acs\.example\.com --username alice/);
  });
});
