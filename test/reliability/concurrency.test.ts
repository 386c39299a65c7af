// SPEC §4 "one pass per profile at a time": 20 `sync` processes started at once on one profile, and `sync`
// runs while `watch` is running. Every run exits 0 or 6, the state is never corrupted, and — the honest
// overlap check — the passes had real work to do (new files on both sides, edits), so two passes running at
// once would have copied the same new files twice (twins, name clashes, exit 3): the trees must come out equal
// to the expected result with no twin anywhere.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN, PROJECT_ROOT, type CliResult } from '../support/cli.js';
import {
  assertAllSynced,
  assertTreeEqual,
  cleanup,
  explain,
  localPair,
  LocalSide,
  results,
  Scenario,
  SOAK,
  syncUntilClean,
  TWIN_NAME,
  waitFor,
  type SyncJson,
} from './support.js';

/** Figures for RESULTS.md. */
export interface ConcurrencyRecord {
  what: string;
  runs: number;
  codes: Record<string, number>;
  lost: number;
  duplicates: number;
}

const N = SOAK ? 40 : 20;

async function prepare(files: number) {
  const pair = await localPair();
  const sc = new Scenario({
    onprem: new LocalSide(pair.onprem, 'Projects'),
    cloud: new LocalSide(pair.cloud, 'Shared/Projects'),
  });
  const top = [sc.addFolder(null, 'a'), sc.addFolder(null, 'b')];
  for (let i = 0; i < files; i++) sc.addFile(top[i % 2]!, `f${i}.txt`, `file ${i}\n`);
  await sc.seed('onprem');
  await sc.sides.cloud.mkdir('');
  const id = (await pair.cli.ok(['create', 'Projects', '--target', 'Shared', '--json'])).json<{
    id: string;
  }>().id;
  return { ...pair, sc, top, id };
}

/** Work for the next passes: new files on both sides, edits on both sides. */
async function makeWork(sc: Scenario, top: string[], round: number, files: number): Promise<void> {
  for (let j = 0; j < 40; j++) {
    await sc.create('onprem', top[j % 2]!, `on${round}x${j}.txt`, `on ${round} ${j}\n`);
    await sc.create('cloud', top[(j + 1) % 2]!, `cl${round}x${j}.txt`, `cl ${round} ${j}\n`);
  }
  const ids = [...sc.expected.files.keys()];
  for (let j = 0; j < Math.min(files, 30); j++) {
    await sc.edit(j % 2 === 0 ? 'onprem' : 'cloud', ids[j]!, `edited in round ${round} (${j})\n`);
  }
}

function tally(codes: (number | null)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[String(c)] = (out[String(c)] ?? 0) + 1;
  return out;
}

describe('reliability: one pass per profile at a time (SPEC §4)', function () {
  this.timeout(SOAK ? 0 : 120_000);
  const records: ConcurrencyRecord[] = [];
  results.concurrency = records;
  const dirs: string[] = [];
  after(async () => {
    await cleanup(...dirs);
  });

  it(`${N} \`sync\` processes at once: each exits 0 or 6, at least one 0, no pass overlapped, store intact`, async () => {
    const p = await prepare(200);
    dirs.push(p.home, p.onprem, p.cloud);
    await makeWork(p.sc, p.top, 1, 200);
    const outs = await Promise.all(
      Array.from({ length: N }, () => p.cli.run(['sync', '--json'], { timeoutMs: 60_000 })),
    );
    const codes = outs.map((o) => o.code);
    const bad = outs.filter((o) => o.code !== 0 && o.code !== 6);
    assert.deepEqual(
      bad.map((o) => explain('sync', o)),
      [],
      'every run exits 0 or 6',
    );
    assert.ok(codes.includes(0), `at least one pass ran (${JSON.stringify(tally(codes))})`);
    for (const o of outs.filter((x) => x.code === 6)) {
      assert.match(
        o.stdout + o.stderr,
        /lock|another|running|pid/i,
        'exit 6 says another pass holds the lock',
      );
      assert.doesNotMatch(o.stderr, /\n\s+at /, 'no stack trace');
    }
    // passes that did run: their actions never overlap (each new file created by exactly one of them)
    const created = outs
      .filter((o) => o.code === 0)
      .flatMap((o) =>
        o.json<SyncJson>().sets.flatMap((s) => s.actions.filter((a) => a.type === 'copy').map((a) => a.path)),
      );
    assert.equal(new Set(created).size, created.length, 'two passes copied the same file: they overlapped');
    const expected = p.sc.expected.tree();
    let dups = 0;
    for (const side of ['onprem', 'cloud'] as const) {
      const t = await p.sc.sides[side].tree();
      dups += [...t.keys()].filter((k) => TWIN_NAME.test(k) && !expected.has(k)).length;
      assertTreeEqual(t, expected, `${side} after ${N} concurrent syncs`);
    }
    await assertAllSynced(p.cli, p.id);
    records.push({
      what: `${N} concurrent \`sync\``,
      runs: N,
      codes: tally(codes),
      lost: 0,
      duplicates: dups,
    });
  });

  it('`sync` while `watch --json` runs: syncs exit 0 or 6, watch keeps syncing, SIGTERM stops it with exit 0', async () => {
    const p = await prepare(60);
    dirs.push(p.home, p.onprem, p.cloud);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !k.startsWith('CLOUDSYNC_') && k !== 'CI') env[k] = v;
    env.CLOUDSYNC_HOME = p.home;
    const watch = spawn(
      process.execPath,
      [BIN, 'watch', '--json', '--push-interval', '1', '--pull-interval', '1'],
      {
        cwd: PROJECT_ROOT,
        env,
      },
    );
    let stdout = '';
    let stderr = '';
    watch.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    watch.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      watch.on('close', (code, signal) => resolve({ code, signal })),
    );
    const outs: CliResult[] = [];
    try {
      assert.ok(
        await waitFor(() => stdout.includes('"pass-end"'), 30_000, 50),
        `watch ran a first pass\n${stdout}\n${stderr}`,
      );
      for (let round = 1; round <= 3; round++) {
        await makeWork(p.sc, p.top, round, 60);
        const burst = await Promise.all(
          Array.from({ length: 4 }, () => p.cli.run(['sync', '--json'], { timeoutMs: 60_000 })),
        );
        outs.push(...burst);
      }
      // whatever is left, watch (or one more sync) finishes; wait until the trees match
      const expected = p.sc.expected.tree();
      const settled = await waitFor(
        async () => {
          try {
            assertTreeEqual(await p.sc.sides.onprem.tree(), expected, 'onprem');
            assertTreeEqual(await p.sc.sides.cloud.tree(), expected, 'cloud');
            return true;
          } catch {
            return false;
          }
        },
        30_000,
        250,
      );
      assert.ok(settled, 'the trees converged while watch ran');
    } finally {
      watch.kill('SIGTERM');
    }
    const end = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
    if (end === null) watch.kill('SIGKILL');
    assert.deepEqual(end, { code: 0, signal: null }, `watch stopped with exit 0 on SIGTERM\n${stderr}`);
    const codes = outs.map((o) => o.code);
    assert.deepEqual(
      outs.filter((o) => o.code !== 0 && o.code !== 6).map((o) => explain('sync during watch', o)),
      [],
    );
    const events = stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { event: string });
    assert.ok(
      events.every((e) => typeof e.event === 'string'),
      'watch --json prints NDJSON events',
    );
    assert.ok(
      events.some((e) => e.event === 'stop' || e.event === 'stopping'),
      'watch says it stops',
    );
    await syncUntilClean(p.cli, 2);
    const expected = p.sc.expected.tree();
    let dups = 0;
    for (const side of ['onprem', 'cloud'] as const) {
      const t = await p.sc.sides[side].tree();
      dups += [...t.keys()].filter((k) => TWIN_NAME.test(k) && !expected.has(k)).length;
      assertTreeEqual(t, expected, `${side} after watch + syncs`);
    }
    await assertAllSynced(p.cli, p.id);
    // the store is intact: the snapshot parses
    const snap = JSON.parse(
      await readFile(path.join(p.home, 'state', 'default', `${p.id}.json`), 'utf8'),
    ) as object;
    assert.ok(snap);
    records.push({
      what: '`sync` ×12 during `watch`',
      runs: outs.length,
      codes: tally(codes),
      lost: 0,
      duplicates: dups,
    });
  });
});
