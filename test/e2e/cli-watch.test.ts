import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN, runCli, tempDir } from '../support/cli.js';

interface WatchEvent {
  event: string;
  time: string;
  [k: string]: unknown;
}

/** Wait until `pred` holds (checked every 50 ms) or fail after `ms`. */
async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('e2e: watch', function () {
  this.timeout(60_000);

  it('emits NDJSON, syncs a change, and stops cleanly with exit 0 on SIGINT', async () => {
    const home = await tempDir();
    const onprem = await tempDir('cloudsync-onprem-');
    const cloud = await tempDir('cloudsync-cloud-');
    await mkdir(path.join(onprem, 'Projects'));
    await writeFile(path.join(onprem, 'Projects/a.txt'), 'one');
    await mkdir(path.join(cloud, 'Shared'));
    for (const args of [
      ['login', 'onprem', onprem],
      ['login', 'cloud', cloud],
      ['create', 'Projects', '--target', 'Shared', '--no-sync'],
    ]) {
      const r = await runCli(args, { home });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }

    const child = spawn(
      process.execPath,
      [BIN, 'watch', '--json', '--push-interval', '1', '--pull-interval', '1'],
      {
        env: { ...process.env, CLOUDSYNC_HOME: home, CI: '1' },
      },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const events = (): WatchEvent[] =>
      out
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as WatchEvent);
    const passEnds = () => events().filter((e) => e.event === 'pass-end').length;

    await waitFor(() => passEnds() >= 1, 20_000, `the first pass (stderr: ${err})`);
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/a.txt'), 'utf8'), 'one');
    await writeFile(path.join(onprem, 'Projects/b.txt'), 'two');
    await waitFor(
      () => events().some((e) => e.event === 'action' && JSON.stringify(e).includes('b.txt')),
      20_000,
      'the change to be pushed',
    );
    child.kill('SIGINT');
    assert.equal(await exited, 0, err);

    const all = events();
    for (const e of all) {
      assert.equal(typeof e.event, 'string');
      assert.ok(!Number.isNaN(Date.parse(e.time)), `event without a time: ${JSON.stringify(e)}`);
    }
    assert.equal(all[0]!.event, 'start');
    assert.equal(all[all.length - 1]!.event, 'stop');
    const end = all.find((e) => e.event === 'pass-end')!;
    assert.equal(end.exitCode, 0);
    assert.ok(Array.isArray(end.sets));
    assert.equal(await readFile(path.join(cloud, 'Shared/Projects/b.txt'), 'utf8'), 'two');
  });

  /** Two local folders with a synced set Projects → Shared, and a running `watch --json` over them. */
  async function startWatching(extra: string[] = [], env: Record<string, string> = {}) {
    const home = await tempDir();
    const onprem = await tempDir('cloudsync-onprem-');
    const cloud = await tempDir('cloudsync-cloud-');
    await mkdir(path.join(onprem, 'Projects/sub'), { recursive: true });
    await writeFile(path.join(onprem, 'Projects/a.txt'), 'one');
    await writeFile(path.join(onprem, 'Projects/sub/b.txt'), 'two');
    await mkdir(path.join(cloud, 'Shared'));
    for (const args of [
      ['login', 'onprem', onprem],
      ['login', 'cloud', cloud],
      ['create', 'Projects', '--target', 'Shared'],
    ]) {
      const r = await runCli(args, { home });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    const child = spawn(process.execPath, [BIN, 'watch', '--json', ...extra], {
      env: { ...process.env, CLOUDSYNC_HOME: home, CI: '1', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const events = (): WatchEvent[] =>
      out
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as WatchEvent);
    const ends = () => events().filter((e) => e.event === 'pass-end');
    const starts = () => events().filter((e) => e.event === 'pass-start');
    await waitFor(() => ends().length >= 1, 20_000, `the first pass (stderr: ${err})`);
    await new Promise((r) => setTimeout(r, 300)); // the watchers are up before the first pass reads
    const stop = async () => {
      child.kill('SIGINT');
      assert.equal(await exited, 0, err);
    };
    return { home, onprem, cloud, events, ends, starts, stop, stderr: () => err };
  }

  const hasText = (file: string, text: string) => {
    try {
      return readFileSync(file, 'utf8') === text;
    } catch {
      return false;
    }
  };

  /** Every file and folder below `dir`, relative to it. */
  const listTree = async (dir: string): Promise<string[]> =>
    (await readdir(dir, { recursive: true })).map(String).sort();

  it('warms up on a scratch pair of its own after the start-up pass and leaves nothing of it behind', async () => {
    const tmp = await tempDir('cloudsync-tmpdir-');
    const w = await startWatching(['--verbose'], { TMPDIR: tmp });
    try {
      await waitFor(() => /watch warm-up/.test(w.stderr()), 20_000, `the warm-up (stderr: ${w.stderr()})`);
      // It ran the scoped passes (two edits, each one copy), then removed its folder.
      assert.match(w.stderr(), /watch warm-up \(\d+ members read, 1 pushed; \d+ members read, 1 pushed\)/);
      assert.deepEqual(await readdir(tmp), []);
      // Nothing of it on stdout, in the user's home (its set, state, log) or on the user's sides.
      assert.deepEqual(
        w.events().map((e) => e.event),
        ['start', 'pass-start', 'pass-end'],
      );
      const setId = (w.ends()[0]!.sets as { id: string }[])[0]!.id;
      for (const f of await listTree(w.home)) {
        const id = /^[0-9a-f]{8}(?=[.-])/.exec(path.basename(f))?.[0];
        assert.ok(id === undefined || id === setId, `${f} in the home is not the user's set's`);
        if (lstatSync(path.join(w.home, f)).isFile())
          assert.ok(!readFileSync(path.join(w.home, f), 'latin1').includes('warm-up'), `${f} mentions it`);
      }
      assert.deepEqual(await listTree(w.onprem), [
        'Projects',
        'Projects/a.txt',
        'Projects/sub',
        'Projects/sub/b.txt',
      ]);
      assert.deepEqual(await listTree(w.cloud), [
        'Shared',
        'Shared/.cloudsync-owner.Projects.json', // the set's owner marker (the user's set)
        'Shared/Projects',
        'Shared/Projects/a.txt',
        'Shared/Projects/sub',
        'Shared/Projects/sub/b.txt',
      ]);
      // And the watch works on after it.
      await writeFile(path.join(w.onprem, 'Projects/sub/b.txt'), 'after');
      await waitFor(
        () => hasText(path.join(w.cloud, 'Shared/Projects/sub/b.txt'), 'after'),
        10_000,
        'the edit',
      );
    } finally {
      await w.stop();
    }
  });

  it('CLOUDSYNC_WATCH_WARMUP=off: no warm-up', async () => {
    const w = await startWatching(['--verbose'], { CLOUDSYNC_WATCH_WARMUP: 'off' });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      assert.doesNotMatch(w.stderr(), /warm-up/);
    } finally {
      await w.stop();
    }
  });

  it('an edit reaches the other side with exactly one pass, scoped, and no echo pass', async () => {
    const w = await startWatching();
    try {
      assert.equal(w.events()[0]!.pushInterval, 15);
      await writeFile(path.join(w.onprem, 'Projects/sub/b.txt'), 'edited');
      const target = path.join(w.cloud, 'Shared/Projects/sub/b.txt');
      await waitFor(() => hasText(target, 'edited'), 10_000, 'the edit');
      // Our own write on the cloud side is not an event: no second pass follows.
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(
        w.starts().map((e) => e.reason),
        ['start', 'change'],
        `passes: ${JSON.stringify(w.starts())}`,
      );
      const change = w.ends()[1]!;
      assert.equal(change.scoped, true);
      assert.equal((change.sets as { pushed: number }[])[0]!.pushed, 1);
      assert.equal(typeof change.cpuMs, 'number');
      // And back: an edit in the cloud is pulled by one pass as well.
      await writeFile(path.join(w.cloud, 'Shared/Projects/a.txt'), 'from the cloud');
      const back = path.join(w.onprem, 'Projects/a.txt');
      await waitFor(() => hasText(back, 'from the cloud'), 10_000, 'pull');
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(
        w.starts().map((e) => e.reason),
        ['start', 'change', 'change'],
      );
    } finally {
      await w.stop();
    }
  });

  it('a folder copied in arrives with its whole subtree, in one pass', async () => {
    const w = await startWatching();
    try {
      const src = await tempDir('cloudsync-src-');
      await mkdir(path.join(src, 'tree/one/two'), { recursive: true });
      await writeFile(path.join(src, 'tree/top.txt'), 'top');
      await writeFile(path.join(src, 'tree/one/two/deep.txt'), 'deep');
      // A rename from outside the watched folder: one event in Projects names the folder, nothing below it.
      await rename(path.join(src, 'tree'), path.join(w.onprem, 'Projects/tree'));
      const deep = path.join(w.cloud, 'Shared/Projects/tree/one/two/deep.txt');
      await waitFor(() => hasText(deep, 'deep'), 10_000, 'the subtree');
      assert.equal(await readFile(path.join(w.cloud, 'Shared/Projects/tree/top.txt'), 'utf8'), 'top');
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(
        w.starts().map((e) => e.reason),
        ['start', 'change'],
      );
    } finally {
      await w.stop();
    }
  });

  it('sync while watch runs returns the pass the watch ran for it, exit 0', async () => {
    const w = await startWatching();
    try {
      const r = await runCli(['sync', '--json'], { home: w.home });
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as { exitCode: number; sets: { id: string }[] };
      assert.equal(result.exitCode, 0);
      assert.equal(result.sets.length, 1);
      await waitFor(() => w.ends().some((e) => e.reason === 'request'), 5000, 'the requested pass');
      const human = await runCli(['sync'], { home: w.home });
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stderr, /the watch running for this profile ran the pass/);
      const unknown = await runCli(['sync', 'nosuchset', '--json'], { home: w.home });
      assert.equal(unknown.code, 2);
    } finally {
      await w.stop();
    }
    // Once the watch is gone, sync runs its own pass again.
    const alone = await runCli(['sync', '--json'], { home: w.home });
    assert.equal(alone.code, 0, alone.stderr);
    assert.doesNotMatch(alone.stderr, /watch running/);
  });

  /** The pass number in the set's owner marker (on the cloud side of `startWatching`'s pair). */
  const markerPass = async (cloud: string) =>
    (
      JSON.parse(await readFile(path.join(cloud, 'Shared/.cloudsync-owner.Projects.json'), 'utf8')) as {
        pass: number;
      }
    ).pass;

  it('stamps the owner marker at start, not at every edit (once a minute at most)', async () => {
    const w = await startWatching();
    try {
      // `create` synced once (pass 1); the start-up pass claims the set though it changes nothing.
      assert.equal(await markerPass(w.cloud), 2, 'the start-up pass stamps');
      for (const text of ['e1', 'e2', 'e3']) {
        await writeFile(path.join(w.onprem, 'Projects/sub/b.txt'), text);
        await waitFor(() => hasText(path.join(w.cloud, 'Shared/Projects/sub/b.txt'), text), 10_000, text);
        await waitFor(() => w.ends().length >= w.starts().length, 5000, 'the pass to end');
      }
      assert.ok(w.ends().length >= 4, JSON.stringify(w.ends()));
      assert.equal(await markerPass(w.cloud), 2, 'edits within a minute of the stamp do not stamp');
    } finally {
      await w.stop();
    }
  });

  it('a copied home running sync while watch runs is refused on one side, within one pass', async () => {
    const w = await startWatching();
    try {
      // A copy of the home (its watch socket left out: the copy runs its own pass), then an edit the watch
      // syncs: within a minute of its start-up stamp, so the marker stays at the pass the copy knows.
      const copy = await tempDir();
      await cp(w.home, copy, { recursive: true, filter: (src) => !lstatSync(src).isSocket() });
      await writeFile(path.join(w.onprem, 'Projects/sub/b.txt'), 'edited');
      await waitFor(
        () => hasText(path.join(w.cloud, 'Shared/Projects/sub/b.txt'), 'edited'),
        10_000,
        'the edit',
      );
      await waitFor(() => w.ends().length >= w.starts().length, 5000, 'the pass to end');
      assert.equal(await markerPass(w.cloud), 2);
      // The copy's pass (it adopts the edit its state does not know) goes through and stamps...
      const r = await runCli(['sync', '--json'], { home: copy });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(await markerPass(w.cloud), 3);
      // ...and the watch's next pass finds a pass of "itself" it does not know of: refused.
      const before = w.ends().length;
      await writeFile(path.join(w.onprem, 'Projects/a.txt'), 'edited by the watch');
      await waitFor(() => w.ends().length > before, 10_000, 'the pass after the edit');
      const refused = w
        .events()
        .filter((e) => e.event === 'guard' || e.event === 'pass-end')
        .slice(-2);
      assert.ok(
        JSON.stringify(refused).includes('OWNER_COPIED_HOME'),
        `the watch's pass is refused: ${JSON.stringify(refused)}`,
      );
      assert.equal(w.ends().at(-1)!.exitCode, 2);
      assert.ok(!hasText(path.join(w.cloud, 'Shared/Projects/a.txt'), 'edited by the watch'));
      const again = await runCli(['sync', '--json'], { home: copy });
      assert.equal(again.code, 0, 'the copy that stamped last goes on');
    } finally {
      await w.stop();
    }
  });

  it('bad intervals are exit 2', async () => {
    const home = await tempDir();
    const r = await runCli(['watch', '--push-interval', 'soon'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--push-interval/);
  });

  it('--json: an error before the first pass (a bad flag, an unknown profile, no login) is an event line too', async () => {
    const home = await tempDir();
    for (const [args, code, errorCode] of [
      [['watch', '--json', '--push-interval', '0'], 2, 'USAGE'],
      [['watch', '--json', '--profile', 'nope'], 2, 'UNKNOWN_PROFILE'],
      [['--json', 'watch', '--pull-interval', 'soon'], 2, 'USAGE'],
      [['watch', '--json'], 2, 'NOT_LOGGED_IN'],
    ] as const) {
      const r = await runCli([...args], { home });
      assert.equal(r.code, code, r.stdout + r.stderr);
      const last = r
        .ndjson<{ event: string; time: string; exitCode: number; error: { code: string } }>()
        .at(-1)!;
      assert.equal(last.event, 'fatal', `${args.join(' ')}: ${r.stdout}`);
      assert.ok(!Number.isNaN(Date.parse(last.time)));
      assert.equal(last.exitCode, code);
      assert.equal(last.error.code, errorCode);
    }
  });
});
