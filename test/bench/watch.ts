// `cloudsync watch` latency and idle CPU: start watch on an already-synced pair, edit a file on the onprem
// side, poll the cloud side until the new bytes are there; then stay idle and read utime+stime of the
// process from /proc/<pid>/stat. Every wait is bounded.
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cloudsyncEnv, type ToolDirs } from './tools.js';
import { BIN, MEASURED_ENV, bytesFor, mergeEnv, sleep } from './util.js';

export interface WatchResult {
  ok: boolean;
  error?: string;
  /** ms from the end of the onprem write to the new bytes being readable on the cloud side, per sample. */
  latenciesMs: number[];
  /** Same, for an edit on the cloud side reaching onprem. */
  reverseLatenciesMs: number[];
  idleSeconds: number;
  /** CPU seconds (utime+stime) used while idle, and as a percent of one core. */
  idleCpuSec: number;
  idleCpuPct: number;
  /** Passes that ran during the idle window (pass-start events). */
  idlePasses: number;
  /** Per onprem edit: passes that ran for it (from the write until 1.5 s after its bytes arrived). */
  passesPerEdit: number[];
  /** Per onprem edit: CPU ms of those passes, as their pass-end events report (process.cpuUsage). */
  passCpuMsPerEdit: number[];
  /** Per onprem edit: whole-process CPU ms over the same window (/proc ticks, 10 ms resolution). */
  processCpuMsPerEdit: number[];
  peakRssKb: number | null;
  /** VmRSS at the end of the idle window: what the watch holds between passes (the peak is the start pass). */
  heldRssKb: number | null;
  startupPassMs: number | null;
}

function cpuTicks(pid: number): Promise<number> {
  return fsp.readFile(`/proc/${pid}/stat`, 'utf8').then((s) => {
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after ')' start at field 3 (state); utime is field 14, stime 15.
    return Number(rest[14 - 3]) + Number(rest[15 - 3]);
  });
}

/** A field of /proc/<pid>/status in KiB (VmHWM: peak RSS, VmRSS: now). */
async function statusKb(pid: number, field = 'VmHWM'): Promise<number | null> {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(await fsp.readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function waitFor(
  pred: () => Promise<boolean> | boolean,
  timeoutMs: number,
  stepMs = 10,
): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (await pred()) return performance.now() - t0;
    await sleep(stepMs);
  }
  return null;
}

async function hasBytes(p: string, want: Buffer): Promise<boolean> {
  try {
    const got = await fsp.readFile(p);
    return got.equals(want);
  } catch {
    return false;
  }
}

/** Measure watch on a synced cloudsync pair (dirs from a finished run). */
export async function measureWatch(
  dirs: ToolDirs,
  sampleRel: string[],
  idleSeconds = 20,
): Promise<WatchResult> {
  const res: WatchResult = {
    ok: false,
    latenciesMs: [],
    reverseLatenciesMs: [],
    idleSeconds,
    idleCpuSec: NaN,
    idleCpuPct: NaN,
    idlePasses: 0,
    passesPerEdit: [],
    passCpuMsPerEdit: [],
    processCpuMsPerEdit: [],
    peakRssKb: null,
    heldRssKb: null,
    startupPassMs: null,
  };
  const home = path.join(dirs.root, 'home');
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'watch', '--json'], {
    env: mergeEnv({ ...MEASURED_ENV, ...cloudsyncEnv(home) }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const events: Array<{ event?: string; t: number; cpuMs?: number }> = [];
  let stderr = '';
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as { event?: string; cpuMs?: number };
        events.push({ event: e.event, t: performance.now(), cpuMs: e.cpuMs });
      } catch {
        events.push({ event: `unparsable: ${line.slice(0, 200)}`, t: performance.now() });
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 100_000) stderr += d;
  });
  let exited: number | null | undefined;
  child.once('exit', (c) => (exited = c));
  const pid = child.pid!;
  const count = (name: string): number => events.filter((e) => e.event === name).length;
  try {
    // The start-up pass.
    const started = await waitFor(() => count('pass-end') >= 1 || exited !== undefined, 600_000, 20);
    if (started === null || exited !== undefined) {
      res.error = `watch: no pass-end after start (exit ${exited}); events ${JSON.stringify(events.slice(0, 10))}; stderr ${stderr.slice(0, 1500)}`;
      return res;
    }
    res.startupPassMs = performance.now() - t0;
    await sleep(1500); // let fs watchers settle
    // onprem → cloud edits.
    for (let i = 0; i < sampleRel.length; i++) {
      const rel = sampleRel[i]!;
      const want = bytesFor(0xabc000 + i, 2048 + i);
      const before = events.length;
      const ticks0 = await cpuTicks(pid);
      await fsp.writeFile(path.join(dirs.aTree, rel), want);
      const lat = await waitFor(() => hasBytes(path.join(dirs.bTree, rel), want), 30_000, 10);
      res.latenciesMs.push(lat ?? Infinity);
      await sleep(1500);
      await waitFor(() => count('pass-start') <= count('pass-end'), 60_000, 20);
      const window = events.slice(before);
      res.passesPerEdit.push(window.filter((e) => e.event === 'pass-start').length);
      res.passCpuMsPerEdit.push(
        window.filter((e) => e.event === 'pass-end').reduce((n, e) => n + (e.cpuMs ?? NaN), 0),
      );
      res.processCpuMsPerEdit.push(((await cpuTicks(pid)) - ticks0) * 10);
    }
    // cloud → onprem edits (the cloud side is a local folder here, watched the same way or pulled on interval).
    {
      const rel = sampleRel[0]!;
      const want = bytesFor(0xdef000, 3000);
      await fsp.writeFile(path.join(dirs.bTree, rel), want);
      const lat = await waitFor(() => hasBytes(path.join(dirs.aTree, rel), want), 75_000, 10);
      res.reverseLatenciesMs.push(lat ?? Infinity);
    }
    // Let passes triggered by the edits finish: wait until pass-start count == pass-end count (bounded).
    await waitFor(() => count('pass-start') <= count('pass-end'), 60_000, 50);
    await sleep(1000);
    const startsBefore = count('pass-start');
    const c0 = await cpuTicks(pid);
    const i0 = performance.now();
    await sleep(idleSeconds * 1000);
    const c1 = await cpuTicks(pid);
    const elapsed = (performance.now() - i0) / 1000;
    res.idlePasses = count('pass-start') - startsBefore;
    res.idleCpuSec = (c1 - c0) / 100; // USER_HZ is 100 on Linux
    res.idleCpuPct = (100 * res.idleCpuSec) / elapsed;
    res.peakRssKb = await statusKb(pid);
    res.heldRssKb = await statusKb(pid, 'VmRSS');
    res.ok = exited === undefined;
    if (!res.ok) res.error = `watch exited ${exited}; stderr ${stderr.slice(0, 1500)}`;
    return res;
  } finally {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const gone = await waitFor(() => exited !== undefined, 10_000, 50);
    if (gone === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}
