// Bench of repository events (issue 12): HTTP requests of a no-change and an incremental pass with and
// without events, and the latency of a cloud change reaching on-prem under `watch`. Local on-prem folder
// (no requests) ↔ the emulator as the cloud, publishing to a real ActiveMQ broker from Debian's package.
// Usage: npm run build && node dist/test/bench/events.js --files 10000 [--folders 100] [--edits 100]
//   [--edit-folders 10]
import { spawn } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker } from '../support/activemq.js';
import { BIN } from '../support/cli.js';
import { startEmulator, type Emulator } from '../support/emulator/index.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const FILES = arg('files', 10_000);
const FOLDERS = arg('folders', Math.max(1, Math.round(FILES / 100)));
const EDITS = arg('edits', 100);
/** The edits go to this many folders (the first ones). */
const EDIT_FOLDERS = Math.min(arg('edit-folders', 10), FOLDERS, EDITS);
const ENV = { CLOUDSYNC_CLOUD_USERNAME: 'admin', CLOUDSYNC_CLOUD_PASSWORD: 'admin', CI: '1' };

function cli(
  home: string,
  args: string[],
  timeoutMs = 3_600_000,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...ENV, CLOUDSYNC_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function must(home: string, args: string[]): Promise<void> {
  const r = await cli(home, args);
  if (r.code !== 0 && r.code !== 3)
    throw new Error(`cloudsync ${args.join(' ')}: exit ${r.code}\n${r.out.slice(-2000)}`);
}

/** Requests the emulator served for one `sync`, and its wall time. */
async function pass(emu: Emulator, home: string): Promise<{ requests: number; ms: number }> {
  const before = emu.requestLog.length;
  const started = Date.now();
  await must(home, ['sync', '--json']);
  console.error(`  pass: ${routes(emu, before)}`);
  return { requests: emu.requestLog.length - before, ms: Date.now() - started };
}

/** Change `EDITS` cloud files behind cloudsync's back (spread over the folders). */
function editCloud(emu: Emulator, round: number): void {
  const per = Math.ceil(FILES / FOLDERS);
  for (let i = 0; i < EDITS; i++) {
    const f = Math.floor((i * EDIT_FOLDERS) / EDITS);
    emu.putFile('bench', `Shared/tree/d${f}/f${(i * 7) % per}-${f}.txt`, `edited ${round} ${i}`);
  }
}

/** Requests by route, for the log. */
function routes(emu: Emulator, from: number): string {
  const by = new Map<string, number>();
  for (const e of emu.requestLog.slice(from)) {
    const k = `${e.method} ${e.route.replace(/\/(nodes|people)\/[^/]+/g, '/$1/{id}')}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return [...by].map(([k, n]) => `${k} ×${n}`).join(', ');
}

async function main(): Promise<void> {
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'cloudsync-bench-events-'));
  const broker = await startBroker();
  const emu = await startEmulator({ events: broker.url });
  const rows: string[] = [];
  try {
    emu.createSite('bench');
    emu.mkdir('bench', 'Shared');
    const local = path.join(work, 'onprem');
    const home = path.join(work, 'home');
    const per = Math.ceil(FILES / FOLDERS);
    for (let f = 0; f < FOLDERS; f++) {
      await fsp.mkdir(path.join(local, 'tree', `d${f}`), { recursive: true });
      for (let i = 0; i < per && f * per + i < FILES; i++)
        await fsp.writeFile(path.join(local, 'tree', `d${f}`, `f${i}-${f}.txt`), `file ${f} ${i}`);
    }
    await must(home, ['login', 'onprem', local]);
    await must(home, ['login', 'cloud', emu.url]);
    await must(home, ['create', 'tree', '--target', 'bench/Shared', '--no-sync']);
    let t = Date.now();
    await must(home, ['sync', '--transfers', '8', '--json']);
    console.error(`initial pass: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await pass(emu, home); // settles anything the initial pass left
    const plainNoChange = await pass(emu, home);
    editCloud(emu, 1);
    const plainIncr = await pass(emu, home);
    rows.push(
      `| without events | ${plainNoChange.requests} | ${(plainNoChange.ms / 1000).toFixed(2)} | ${plainIncr.requests} | ${(plainIncr.ms / 1000).toFixed(2)} |`,
    );

    await must(home, ['login', 'cloud', emu.url, '--events', broker.url]);
    const first = await pass(emu, home); // no position yet: a full crawl that sets it
    const evNoChange = await pass(emu, home);
    editCloud(emu, 2);
    const evIncr = await pass(emu, home);
    rows.push(
      `| with events | ${evNoChange.requests} | ${(evNoChange.ms / 1000).toFixed(2)} | ${evIncr.requests} | ${(evIncr.ms / 1000).toFixed(2)} |`,
    );
    console.error(`first pass with events (full crawl, sets the position): ${first.requests} requests`);

    // Watch latency: a cloud change → the file on-prem.
    const child = spawn(process.execPath, [BIN, 'watch', '--json', '--pull-interval', '600'], {
      env: { ...process.env, ...ENV, CLOUDSYNC_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const latencies: number[] = [];
    try {
      const deadline = Date.now() + 600_000;
      while (!out.includes('"pass-end"') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      for (let k = 0; k < 5; k++) {
        await new Promise((r) => setTimeout(r, 1500));
        const target = path.join(local, 'tree', 'd0', `live-${k}.txt`);
        t = Date.now();
        emu.putFile('bench', `Shared/tree/d0/live-${k}.txt`, `live ${k}`);
        while (!existsSync(target) && Date.now() - t < 120_000) await new Promise((r) => setTimeout(r, 10));
        latencies.push(Date.now() - t);
      }
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.on('close', r));
    }
    latencies.sort((a, b) => a - b);
    const load = os.loadavg()[0]!.toFixed(1);
    console.log(
      `\n## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — repository events, ${FILES.toLocaleString('en')} files in ${FOLDERS} folders\n`,
    );
    console.log(
      `Local on-prem folder ↔ emulator as the cloud (publishing event2 to a real ActiveMQ on loopback); the on-prem side makes no HTTP requests, so every request counted is the cloud side's. Incremental = ${EDITS} cloud files edited in ${EDIT_FOLDERS} folders. Load average at the end ${load}. Harness: test/bench/events.ts.\n`,
    );
    console.log(
      '| pass | no-change: requests | no-change: wall s | incremental: requests | incremental: wall s |',
    );
    console.log('|---|---:|---:|---:|---:|');
    for (const r of rows) console.log(r);
    console.log(
      `\nFirst pass after enabling events (no position yet, full crawl): ${first.requests} requests.`,
    );
    console.log(
      `\nwatch (--pull-interval 600), cloud change → file on-prem, 5 changes: median ${latencies[2]} ms, min ${latencies[0]} ms, max ${latencies[4]} ms (includes the 100 ms debounce).`,
    );
  } finally {
    await emu.close();
    await broker.close();
    await fsp.rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
