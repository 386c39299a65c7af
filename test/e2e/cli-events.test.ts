// Repository events end to end: a real ActiveMQ broker (Debian's package) on loopback, the emulator
// publishing ACS event2 messages to it, and the CLI with `login cloud <url> --events stomp://…`. A pass then
// lists only the folders events name; gaps (a broker restart that lost its state) fall back to a full crawl.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brokerUnavailable, startBroker, type Broker } from '../support/activemq.js';
import { BIN, runCli, tempDir } from '../support/cli.js';
import { startEmulator, type Emulator } from '../support/emulator/index.js';

const ALICE = { CLOUDSYNC_CLOUD_USERNAME: 'alice', CLOUDSYNC_CLOUD_PASSWORD: 'alice-pw' };

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('e2e: repository events over a real ActiveMQ broker', function () {
  this.timeout(120_000);
  let broker: Broker;
  let emu: Emulator;
  const dirs: string[] = [];
  let home: string;
  let onprem: string;

  before(async function () {
    const why = brokerUnavailable();
    if (why) {
      console.log(`      pending: ${why}`);
      return this.skip();
    }
    broker = await startBroker();
    emu = await startEmulator({ users: [{ name: 'alice', password: 'alice-pw' }], events: broker.url });
    emu.createSite('proj', { members: { alice: 'SiteCollaborator' } });
    emu.mkdir('proj', 'Shared');
  });
  after(async () => {
    await emu?.close();
    await broker?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /**
   * Requests the emulator served during `fn`, leaving out those for the sets' owner markers (one or two per
   * set and pass whatever changed: checked at every pass, rewritten when a pass changes something).
   */
  let lastMarkerRequests = 0;
  async function requestsDuring(fn: () => Promise<void>): Promise<number> {
    const before = emu.requestLog.length;
    await fn();
    const dir = path.join(home, 'state', 'default');
    const markers = readdirSync(dir)
      .filter((f) => f.endsWith('.owner') || f.endsWith('.owner.note'))
      .map((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { markerId?: string }).markerId)
      .filter((id): id is string => Boolean(id));
    const all = emu.requestLog.slice(before);
    const other = all.filter(
      (r) => !markers.some((id) => r.path.includes(id)) && !r.path.includes('.cloudsync-owner'),
    );
    lastMarkerRequests = all.length - other.length;
    return other.length;
  }

  async function sync(code = 0): Promise<{ pulled: number; pushed: number }> {
    const r = await runCli(['sync', '--json'], { home, env: ALICE });
    assert.equal(r.code, code, r.stderr + r.stdout);
    const set = r.json<{ sets: { pulled: number; pushed: number }[] }>().sets[0]!;
    return set;
  }

  it('logs in with --events (a wrong broker is exit 7), then a pass reads only what events name', async () => {
    home = await tempDir();
    onprem = await tempDir('cloudsync-onprem-');
    dirs.push(home, onprem);
    await mkdir(path.join(onprem, 'Projects/a/b'), { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(path.join(onprem, `Projects/a/f${i}.txt`), `file ${i}`);
    await writeFile(path.join(onprem, 'Projects/a/b/deep.txt'), 'deep');

    const bad = await runCli(['login', 'cloud', emu.url, '--events', 'stomp://127.0.0.1:1'], {
      home,
      env: ALICE,
    });
    assert.equal(bad.code, 7, bad.stderr);
    assert.match(bad.stderr, /event broker 127.0.0.1:1 unreachable/);
    for (const args of [
      ['login', 'onprem', onprem],
      ['login', 'cloud', emu.url, '--events', broker.url],
      ['create', 'Projects', '--target', 'proj/Shared'],
    ]) {
      const r = await runCli(args, { home, env: ALICE });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.equal(emu.findByPath('proj', 'Shared/Projects/a/b/deep.txt') !== undefined, true);

    // The pass after the upload lists the folders our own uploads touched (the stream has no position yet,
    // so it is a full crawl); after it, a pass with nothing changed reads almost nothing.
    const settle = await requestsDuring(async () => void (await sync()));
    const quiet = await requestsDuring(async () => void (await sync()));
    assert.ok(quiet <= 3, `a no-change pass with events made ${quiet} requests (before: ${settle})`);
    // The owner check of an unchanged marker is one request: its content is known (ownership.ts).
    assert.ok(lastMarkerRequests <= 1, `owner check: ${lastMarkerRequests} requests`);

    // A change in the cloud is found by listing only its folder.
    emu.putFile('proj', 'Shared/Projects/a/b/new.txt', 'from the cloud');
    const incremental = await requestsDuring(async () => assert.equal((await sync()).pulled, 1));
    assert.equal(await readFile(path.join(onprem, 'Projects/a/b/new.txt'), 'utf8'), 'from the cloud');
    assert.ok(incremental < settle, `incremental pass: ${incremental} requests, full: ${settle}`);
  });

  it('renames, moves and deletes in the cloud arrive through events', async () => {
    const f1 = emu.findByPath('proj', 'Shared/Projects/a/f1.txt')!;
    const f2 = emu.findByPath('proj', 'Shared/Projects/a/f2.txt')!;
    const b = emu.findByPath('proj', 'Shared/Projects/a/b')!;
    const f3 = emu.findByPath('proj', 'Shared/Projects/a/f3.txt')!;
    emu.updateNode(f1.id, { name: 'renamed.txt' });
    emu.moveNode(f2.id, b.id);
    emu.deleteNode(f3.id);
    await sync(3); // the delete fails the member: DELETED_ON_CLOUD (delete-on-prem is off)
    assert.equal(await readFile(path.join(onprem, 'Projects/a/renamed.txt'), 'utf8'), 'file 1');
    assert.equal(await readFile(path.join(onprem, 'Projects/a/b/f2.txt'), 'utf8'), 'file 2');
    assert.equal(existsSync(path.join(onprem, 'Projects/a/f1.txt')), false);
    assert.equal(existsSync(path.join(onprem, 'Projects/a/f2.txt')), false);
    assert.equal(existsSync(path.join(onprem, 'Projects/a/f3.txt')), true, 'delete-on-prem is off: kept');
    // request-sync re-creates the cloud copy; a failed member keeps its set on full listings until then.
    const list = await runCli(['list', '--json'], { home });
    const setId = list.json<{ id: string }[]>()[0]!.id;
    const rs = await runCli(['request-sync', setId, 'Projects/a/f3.txt'], { home, env: ALICE });
    assert.equal(rs.code, 0, rs.stderr);
    await sync();
    assert.ok(emu.findByPath('proj', 'Shared/Projects/a/f3.txt'));
  });

  it('a broker restart that lost its state is a gap: the next pass crawls and misses nothing', async () => {
    await broker.stop();
    await waitFor(() => !emu.events!.connected, 10_000, 'the emulator to see the broker go');
    // Changed while the broker is down: the emulator cannot publish the event (ACS would lose it too).
    emu.putFile('proj', 'Shared/Projects/a/during-outage.txt', 'no event for me');
    await new Promise((r) => setTimeout(r, 50)); // events are published once the change is complete
    assert.ok(emu.events!.counts.dropped > 0);
    await broker.restart();
    assert.ok(await emu.events!.ready());
    await sync();
    assert.equal(
      await readFile(path.join(onprem, 'Projects/a/during-outage.txt'), 'utf8'),
      'no event for me',
    );
    const quiet = await requestsDuring(async () => void (await sync()));
    assert.ok(quiet <= 3, `back to incremental: ${quiet} requests`);
  });

  it('--full-crawl-every forces a full listing on schedule', async () => {
    const r = await runCli(['login', 'cloud', emu.url, '--events', broker.url, '--full-crawl-every', '1s'], {
      home,
      env: ALICE,
    });
    assert.equal(r.code, 0, r.stderr);
    await sync(); // a new subscription position: full
    await new Promise((res) => setTimeout(res, 1100));
    const full = await requestsDuring(async () => void (await sync()));
    assert.ok(full > 3, `scheduled full crawl: ${full} requests`);
    const bad = await runCli(['login', 'cloud', emu.url, '--full-crawl-every', '1s'], { home, env: ALICE });
    assert.equal(bad.code, 2);
    const restore = await runCli(['login', 'cloud', emu.url, '--events', broker.url], { home, env: ALICE });
    assert.equal(restore.code, 0, restore.stderr);
  });

  it('watch pulls a cloud change within 2 s, not at the pull interval', async () => {
    await sync();
    const child = spawn(process.execPath, [BIN, 'watch', '--json', '--pull-interval', '600'], {
      env: { ...process.env, ...ALICE, CLOUDSYNC_HOME: home, CI: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      await waitFor(() => out.includes('"pass-end"'), 30_000, `the first pass (${err})`);
      await new Promise((r) => setTimeout(r, 500));
      const target = path.join(onprem, 'Projects/a/live.txt');
      const started = Date.now();
      emu.putFile('proj', 'Shared/Projects/a/live.txt', 'live');
      await waitFor(() => existsSync(target), 10_000, `live.txt on-prem (${err})`);
      const latency = Date.now() - started;
      assert.ok(latency < 2000, `cloud -> on-prem took ${latency} ms`);
    } finally {
      child.kill('SIGINT');
      assert.equal(await exited, 0, err);
    }
  });
});
