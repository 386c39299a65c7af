import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir } from '../support/cli.js';

interface SyncJson {
  sets: { id: string; pushed: number }[];
  exitCode: number;
}

const SETS = 8;
const SHARDS = 4;

describe('e2e: sync --shard i/n (local ↔ local)', function () {
  this.timeout(120_000);
  let dirs: string[];
  let home: string;
  let onprem: string;
  let cloud: string;
  const cli = (args: string[]) => runCli(args, { home });

  beforeEach(async () => {
    [home, onprem, cloud] = [
      await tempDir(),
      await tempDir('cloudsync-onprem-'),
      await tempDir('cloudsync-cloud-'),
    ];
    dirs = [home, onprem, cloud];
    const sets = [];
    for (let i = 0; i < SETS; i++) {
      await mkdir(path.join(onprem, `F${i}`));
      await writeFile(path.join(onprem, `F${i}`, 'doc.txt'), `content ${i}`);
      sets.push({ name: `F${i}`, paths: [`F${i}`], target: '' });
    }
    const file = path.join(home, 'sets.json');
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        connections: { onprem: { kind: 'local', address: onprem }, cloud: { kind: 'local', address: cloud } },
        sets,
      }),
    );
    const r = await cli(['apply', '-f', file, '--no-sync']);
    assert.equal(r.code, 0, r.stderr);
  });
  afterEach(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('the shards cover every set exactly once, and a new set moves no other set', async () => {
    const all = (await cli(['list', '--json']))
      .json<{ id: string }[]>()
      .map((s) => s.id)
      .sort();
    assert.equal(all.length, SETS);
    const byShard: string[][] = [];
    for (let i = 0; i < SHARDS; i++) {
      const r = await cli(['sync', '--shard', `${i}/${SHARDS}`, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const pass = r.json<SyncJson>();
      for (const s of pass.sets) assert.equal(s.pushed, 2, 'folder and its document pushed by this shard');
      byShard.push(pass.sets.map((s) => s.id));
    }
    assert.deepEqual(byShard.flat().sort(), all, 'every set once, none twice');
    assert.ok(byShard.filter((ids) => ids.length > 0).length > 1, 'the sets are spread over shards');
    for (let i = 0; i < SETS; i++)
      assert.equal(await readFile(path.join(cloud, `F${i}`, 'doc.txt'), 'utf8'), `content ${i}`);

    // A new set: every shard keeps the sets it had.
    await mkdir(path.join(onprem, 'New'));
    assert.equal((await cli(['create', 'New', '--target', '', '--no-sync'])).code, 0);
    for (let i = 0; i < SHARDS; i++) {
      const ids = (await cli(['sync', '--shard', `${i}/${SHARDS}`, '--dry-run', '--json']))
        .json<SyncJson>()
        .sets.map((s) => s.id);
      const old = ids.filter((id) => all.includes(id));
      assert.deepEqual(old.sort(), [...byShard[i]!].sort());
    }
  });

  it('bad shard values are exit 2', async () => {
    for (const bad of ['4/4', '1/0', 'x', '-1/4', '1/4/2', '0/2000']) {
      const r = await cli(['sync', '--shard', bad, '--json']);
      assert.equal(r.code, 2, `--shard ${bad}: ${r.stdout}`);
    }
  });
});
