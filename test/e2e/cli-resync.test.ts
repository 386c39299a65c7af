import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir } from '../support/cli.js';

interface PassJson {
  exitCode: number;
  sets: {
    id: string;
    pushed: number;
    pulled: number;
    conflicts: number;
    failed: number;
    actions: unknown[];
  }[];
  resync?: { id: string; paired: number; onpremOnly: number; cloudOnly: number }[];
}

async function put(root: string, rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

/** Every file below `dir` (relative path → content), the owner marker left out. */
async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.startsWith('.cloudsync-owner.')) continue;
    const abs = path.join(e.parentPath, e.name);
    out[path.relative(dir, abs)] = await readFile(abs, 'utf8');
  }
  return out;
}

describe('e2e: create over existing content, and sync --resync (local ↔ local)', function () {
  this.timeout(180_000);

  it('create pairs equal files and names the clashes; --resync pairs the rest by policy, losers kept, one-sided copied', async () => {
    const [home, onprem, cloud] = [
      await tempDir(),
      await tempDir('cloudsync-onprem-'),
      await tempDir('cloudsync-cloud-'),
    ];
    const cli = (args: string[]) => runCli(args, { home });
    // The state was lost (a fresh runner, a wiped home): both sides hold the set, changed meanwhile.
    await put(onprem, 'P/same.txt', 'same');
    await put(cloud, 'Sh/P/same.txt', 'same');
    await put(onprem, 'P/both.txt', 'edited on-prem');
    await put(cloud, 'Sh/P/both.txt', 'edited in the cloud, later');
    await put(onprem, 'P/s/onprem-only.txt', 'new on-prem');
    await put(cloud, 'Sh/P/s/cloud-only.txt', 'new in the cloud');
    assert.equal((await cli(['login', 'onprem', onprem])).code, 0);
    assert.equal((await cli(['login', 'cloud', cloud])).code, 0);

    const created = await cli(['create', 'P', '--target', 'Sh', '--json']);
    assert.equal(created.code, 3, created.stdout);
    const c = created.json<{ id: string; clashed: string[] }>();
    assert.deepEqual(c.clashed, ['P/both.txt']);
    assert.equal(await readFile(path.join(cloud, 'Sh/P/both.txt'), 'utf8'), 'edited in the cloud, later');

    const dry = await cli(['sync', c.id, '--resync', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stdout);
    assert.deepEqual(dry.json<PassJson>().resync, [{ id: c.id, paired: 5, onpremOnly: 0, cloudOnly: 1 }]);
    assert.equal(
      await readFile(path.join(onprem, 'P/both.txt'), 'utf8'),
      'edited on-prem',
      'dry run: nothing',
    );

    const r = await cli(['sync', c.id, '--resync', '--json']);
    assert.equal(r.code, 0, r.stdout);
    const pass = r.json<PassJson>().sets[0]!;
    assert.equal(pass.conflicts, 1, 'the one that differs is a conflict');
    assert.equal(pass.failed, 0);
    const want = {
      'P/same.txt': 'same',
      'P/both.txt': 'edited in the cloud, later', // cloud-wins, the default policy
      'P/s/onprem-only.txt': 'new on-prem',
      'P/s/cloud-only.txt': 'new in the cloud',
    };
    assert.deepEqual(await files(onprem), want);
    assert.deepEqual(await files(path.join(cloud, 'Sh')), want);
    const kept = Object.values(await files(path.join(home, 'backups')));
    assert.deepEqual(kept, ['edited on-prem'], "the loser's bytes are kept");
    const again = await cli(['sync', '--json']);
    assert.equal(again.code, 0);
    assert.deepEqual(
      again.json<PassJson>().sets.map((s) => s.actions.length),
      [0],
      'then in sync',
    );
  });

  it('create over a clash says so and points to --resync', async () => {
    const [home, onprem, cloud] = [
      await tempDir(),
      await tempDir('cloudsync-onprem-'),
      await tempDir('cloudsync-cloud-'),
    ];
    const cli = (args: string[]) => runCli(args, { home });
    await put(onprem, 'P/x.txt', 'one');
    await put(cloud, 'Sh/P/x.txt', 'two');
    assert.equal((await cli(['login', 'onprem', onprem])).code, 0);
    assert.equal((await cli(['login', 'cloud', cloud])).code, 0);
    const r = await cli(['create', 'P', '--target', 'Sh']);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /already held this set's content: equal files were paired; 1 differ/);
    assert.match(r.stdout, /cloudsync sync \w{8} --resync/);
  });
});
