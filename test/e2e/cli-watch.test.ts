import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
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
