import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
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

/** Every file below `dir` as relative path → content. */
async function filesBelow(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.startsWith('.cloudsync-owner.')) continue; // owner markers are not content
    const abs = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, abs), await readFile(abs, 'utf8'));
  }
  return out;
}

describe('e2e: four shards at once over one shared home (per-set locks)', function () {
  this.timeout(240_000);
  const MANY = 32;
  const FILES = 15;
  let dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('every set synced exactly once, no exit 6, trees equal; a second round changes only what was edited', async () => {
    const [home, onprem, cloud] = [
      await tempDir(),
      await tempDir('cloudsync-onprem-'),
      await tempDir('cloudsync-cloud-'),
    ];
    dirs = [home, onprem, cloud];
    const sets = [];
    for (let i = 0; i < MANY; i++) {
      await mkdir(path.join(onprem, `S${i}`, 'sub'), { recursive: true });
      for (let j = 0; j < FILES; j++)
        await writeFile(
          path.join(onprem, `S${i}`, j % 3 ? `f${j}.txt` : `sub/f${j}.txt`),
          `set ${i} file ${j}\n`,
        );
      sets.push({ name: `S${i}`, paths: [`S${i}`], target: '' });
    }
    const file = path.join(home, 'sets.json');
    const connections = {
      onprem: { kind: 'local', address: onprem },
      cloud: { kind: 'local', address: cloud },
    };
    await writeFile(file, JSON.stringify({ version: 1, connections, sets }));
    assert.equal((await runCli(['apply', '-f', file, '--no-sync'], { home })).code, 0);
    const all = (await runCli(['list', '--json'], { home }))
      .json<{ id: string }[]>()
      .map((s) => s.id)
      .sort();
    const shards = () =>
      Promise.all(
        Array.from({ length: SHARDS }, (_, i) =>
          runCli(['sync', '--shard', `${i}/${SHARDS}`, '--json'], { home, timeoutMs: 180_000 }),
        ),
      );
    const first = await shards();
    for (const r of first) assert.equal(r.code, 0, `a shard: ${r.stdout.slice(0, 400)} ${r.stderr}`);
    const ran = first.flatMap((r) => r.json<SyncJson>().sets.map((s) => s.id));
    assert.deepEqual([...ran].sort(), all, 'every set synced by exactly one shard');
    for (const r of first)
      for (const s of r.json<SyncJson>().sets)
        assert.equal(s.pushed, FILES + 2, `set ${s.id} pushed in full`);
    assert.deepEqual(await filesBelow(cloud), await filesBelow(onprem), 'trees equal after the shards');

    // a second round: one edit in every fourth set; the shards push exactly those, the rest is unchanged
    for (let i = 0; i < MANY; i += 4) await writeFile(path.join(onprem, `S${i}`, 'f1.txt'), `edited ${i}\n`);
    const second = await shards();
    for (const r of second) assert.equal(r.code, 0, r.stderr);
    const pushed = second.flatMap((r) => r.json<SyncJson>().sets).reduce((n, s) => n + s.pushed, 0);
    assert.equal(pushed, MANY / 4);
    assert.deepEqual(await filesBelow(cloud), await filesBelow(onprem), 'trees equal after the second round');
    const locks = (await readdir(path.join(home, 'state', 'default'))).filter((n) => n.endsWith('.lock'));
    assert.deepEqual(locks, [], 'every lock released');
  });

  it('a sync of every set skips the sets another pass holds (warning, JSON `skipped`); naming one is exit 6', async () => {
    const [home, onprem, cloud] = [
      await tempDir(),
      await tempDir('cloudsync-onprem-'),
      await tempDir('cloudsync-cloud-'),
    ];
    dirs.push(home, onprem, cloud);
    for (const n of ['A', 'B']) {
      await mkdir(path.join(onprem, n));
      await writeFile(path.join(onprem, n, 'x.txt'), n);
    }
    const connections = {
      onprem: { kind: 'local', address: onprem },
      cloud: { kind: 'local', address: cloud },
    };
    const sets = ['A', 'B'].map((n) => ({ name: n, paths: [n], target: '' }));
    const file = path.join(home, 'sets.json');
    await writeFile(file, JSON.stringify({ version: 1, connections, sets }));
    assert.equal((await runCli(['apply', '-f', file, '--no-sync'], { home })).code, 0);
    const rows = (await runCli(['list', '--json'], { home })).json<{ id: string; name: string }[]>();
    const a = rows.find((r) => r.name === 'A')!.id;
    // a live holder of A's lock: this test process
    await writeFile(
      path.join(home, 'state', 'default', `.${a}.lock`),
      JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), host: hostname() }),
    );
    const every = await runCli(['sync', '--json'], { home });
    assert.equal(every.code, 0, every.stderr);
    const pass = every.json<SyncJson & { skipped: { id: string }[] }>();
    assert.deepEqual(
      pass.sets.map((s) => s.id),
      [rows.find((r) => r.name === 'B')!.id],
    );
    assert.deepEqual(
      pass.skipped.map((s) => s.id),
      [a],
    );
    assert.match(every.stderr, new RegExp(`set ${a} skipped: another pass holds it`));
    assert.equal(await readFile(path.join(cloud, 'B', 'x.txt'), 'utf8'), 'B');
    await assert.rejects(readFile(path.join(cloud, 'A', 'x.txt')), 'A was not synced');
    const named = await runCli(['sync', a, '--json'], { home });
    assert.equal(named.code, 6, named.stdout);
  });
});
