import assert from 'node:assert/strict';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir } from '../support/cli.js';

async function put(root: string, rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

interface PlanJson {
  sets: { name: string; actions: { type: string; side: string; path: string; fromPath?: string }[] }[];
}

/** Issue 13: every action names its side and the node's path on that side, renamed nodes by their new name. */
describe('e2e: plan actions show their side and the current path there', function () {
  this.timeout(120_000);
  let home: string;
  let onprem: string;
  let cloud: string;
  const cli = (args: string[]) => runCli(args, { home });

  before(async () => {
    home = await tempDir();
    onprem = await tempDir('cloudsync-onprem-');
    cloud = await tempDir('cloudsync-cloud-');
    await put(onprem, 'Projects/a.txt', 'alpha');
    await put(onprem, 'Projects/sub/b.txt', 'beta');
    await put(onprem, 'doc.txt', 'document');
    await mkdir(path.join(cloud, 'Shared'));
    for (const [side, dir] of [
      ['onprem', onprem],
      ['cloud', cloud],
    ])
      assert.equal((await cli(['login', side!, dir!])).code, 0);
    assert.equal((await cli(['create', 'Projects', '--target', 'Shared', '-q'])).code, 0);
    const doc = await cli(['create', 'doc.txt', '--target', 'Shared', '--no-delete-on-cloud', '-q']);
    assert.equal(doc.code, 0, doc.stderr);
    // On-prem: a.txt renamed and edited, doc.txt deleted. Cloud: sub renamed, b.txt edited, a new file.
    await rename(path.join(onprem, 'Projects/a.txt'), path.join(onprem, 'Projects/a2.txt'));
    await writeFile(path.join(onprem, 'Projects/a2.txt'), 'alpha, edited');
    await rm(path.join(onprem, 'doc.txt'));
    await rename(path.join(cloud, 'Shared/Projects/sub'), path.join(cloud, 'Shared/Projects/sub2'));
    await writeFile(path.join(cloud, 'Shared/Projects/sub2/b.txt'), 'beta, edited in the cloud');
    await writeFile(path.join(cloud, 'Shared/Projects/new.txt'), 'new');
  });
  after(async () => {
    for (const d of [home, onprem, cloud]) await rm(d, { recursive: true, force: true });
  });

  const expected = [
    'update cloud Shared/Projects/a2.txt',
    'move cloud Shared/Projects/a2.txt (from Shared/Projects/a.txt)',
    'move onprem Projects/sub2 (from Projects/sub)',
    'update onprem Projects/sub2/b.txt',
    'copy onprem Projects/new.txt',
    'detach cloud Shared/doc.txt',
  ].sort();

  it('--dry-run --json: side and path on that side, after this pass’s renames', async () => {
    const r = await cli(['sync', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const got = r
      .json<PlanJson>()
      .sets.flatMap((s) => s.actions)
      .map((a) => `${a.type} ${a.side} ${a.path}${a.fromPath ? ` (from ${a.fromPath})` : ''}`);
    assert.deepEqual(got.sort(), expected);
  });

  it('the human plan and -v lines name the side and the same paths', async () => {
    const dry = await cli(['sync', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    for (const line of [
      'push  cloud Shared/Projects/a2.txt',
      'move  cloud Shared/Projects/a.txt -> Shared/Projects/a2.txt',
      'pull  onprem Projects/sub2/b.txt',
      'pull  onprem Projects/new.txt',
      'detach cloud Shared/doc.txt',
    ])
      assert.ok(dry.stdout.includes(line), `${line}\n${dry.stdout}`);
    const run = await cli(['sync', '-v']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /push +cloud Shared\/Projects\/a2\.txt/);
    assert.match(run.stderr, /pull +onprem Projects\/sub2\/b\.txt/);
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/a2.txt'), 'utf8'), 'alpha, edited');
    assert.equal(
      await readFile(path.join(onprem, 'Projects/sub2/b.txt'), 'utf8'),
      'beta, edited in the cloud',
    );
    assert.equal(await readFile(path.join(onprem, 'Projects/new.txt'), 'utf8'), 'new');
  });
});
