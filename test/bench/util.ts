// Shared helpers of the benchmark harness: deterministic PRNG, process measurement, small fs utilities.
// Not a test file: nothing here is run by mocha (bench files are never named *.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The project root, from the compiled location of this file (dist/test/bench → ../../..). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The shipped CLI entry, run exactly as a user runs it (a snapshot of it once `snapshotBinary` ran). */
export let BIN = path.join(PROJECT_ROOT, 'bin', 'cloudsync.js');

/**
 * Copy bin/, dist/src/ and dist/bundle/ (plus package.json and a node_modules link) to `dir` and run the CLI from there,
 * so one harness run measures one build even while others rebuild dist/ concurrently.
 */
export async function snapshotBinary(dir: string): Promise<string> {
  await fsp.mkdir(path.join(dir, 'dist'), { recursive: true });
  await fsp.cp(path.join(PROJECT_ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  // dist/src and dist/bundle with their times: bin/cloudsync.js runs the bundle only when it is not older.
  for (const sub of ['src', 'bundle'])
    await fsp.cp(path.join(PROJECT_ROOT, 'dist', sub), path.join(dir, 'dist', sub), {
      recursive: true,
      preserveTimestamps: true,
    });
  await fsp.copyFile(path.join(PROJECT_ROOT, 'package.json'), path.join(dir, 'package.json'));
  await fsp.symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  BIN = path.join(dir, 'bin', 'cloudsync.js');
  return BIN;
}
/** This directory in dist (compiled helper scripts such as walk.js live here). */
export const BENCH_DIST = path.dirname(fileURLToPath(import.meta.url));

export { prng } from '../support/prng.js';

/** Deterministic pseudo-random bytes (xorshift32 over 32-bit words), unique per seed. */
export function bytesFor(seed: number, size: number): Buffer {
  const words = Math.ceil(size / 4);
  const arr = new Uint32Array(words);
  let x = (seed ^ 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < words; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    arr[i] = x;
  }
  return Buffer.from(arr.buffer, 0, size);
}

/** What one measured process run produced. */
export interface Measured {
  /** Wall time in ms, performance.now() around the spawn (includes ~1-2 ms for the /usr/bin/time + sh wrapper). */
  wallMs: number;
  /** Peak RSS in KiB of the largest process in the tree (GNU time %M = ru_maxrss of reaped children); null if unknown. */
  maxRssKb: number | null;
  /** CPU seconds, user + system, of the command and its reaped children (GNU time %U + %S); null if unknown. */
  cpuSec: number | null;
  /**
   * Storage-level bytes written: /proc/<pid>/io write_bytes of a wrapper shell read after it reaped the
   * command, so it includes the command and all its reaped descendants. The kernel counts page-cache pages
   * dirtied (4 KiB granularity, counted at dirty time whether or not writeback has happened yet), minus
   * cancelled_write_bytes (pages truncated/deleted before writeback). null if unknown.
   */
  writeBytes: number | null;
  /** Bytes passed to write-family syscalls (wchar), including pipes/stdout; null if unknown. */
  wchar: number | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface MeasureOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs: number;
  /** Keep at most this many characters of stdout (default 64 MiB, JSON of big passes can be large). */
  maxStdout?: number;
}

let timeBin: string | null | undefined;
function gnuTime(): string | null {
  if (timeBin === undefined) {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' });
    timeBin = r.status === 0 ? '/usr/bin/time' : null;
  }
  return timeBin;
}

/** Merge env overrides into process.env; `undefined` removes a variable. */
export function mergeEnv(over: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Environment overrides for every measured process. NODE_EXTRA_CA_CERTS makes each node start-up parse a CA
 * bundle (~150 ms here); users do not normally have it, and nothing measured uses TLS (loopback only).
 */
export const MEASURED_ENV: Record<string, string | undefined> = { NODE_EXTRA_CA_CERTS: undefined };

let seq = 0;
/**
 * Run `cmd args` and measure wall time, peak RSS and bytes written. The command runs as
 * `/usr/bin/time -f %M -o T sh -c '"$@"; cat /proc/$$/io >IO' sh cmd args`: sh reaps the command, so its own
 * /proc io counters then include the command's (the kernel adds a reaped child's counters to its parent).
 * Bounded: the whole process group is killed after timeoutMs.
 */
export async function measure(cmd: string, args: string[], opts: MeasureOptions): Promise<Measured> {
  const tmp = await fsp.mkdtemp(path.join(process.env.BENCH_TMP ?? '/tmp', `m${seq++}-`));
  const tFile = path.join(tmp, 'time');
  const ioFile = path.join(tmp, 'io');
  const script = '"$@"; rc=$?; cat /proc/$$/io >"$BENCH_IO_FILE" 2>/dev/null; exit $rc';
  const tb = gnuTime();
  const argv = tb
    ? [tb, '-f', '%M %U %S', '-o', tFile, 'sh', '-c', script, 'sh', cmd, ...args]
    : ['sh', '-c', script, 'sh', cmd, ...args];
  const env = mergeEnv({ ...MEASURED_ENV, ...opts.env, BENCH_IO_FILE: ioFile });
  const maxStdout = opts.maxStdout ?? 64 * 1024 * 1024;
  const t0 = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    if (stdout.length < maxStdout) stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 1_000_000) stderr += d;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, opts.timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  });
  const wallMs = performance.now() - t0;
  clearTimeout(timer);
  let maxRssKb: number | null = null;
  let cpuSec: number | null = null;
  let writeBytes: number | null = null;
  let wchar: number | null = null;
  try {
    const t = (await fsp.readFile(tFile, 'utf8')).trim().split('\n');
    // GNU time writes "Command exited with non-zero status N" before the format line on failure.
    const [rss, user, sys] = (t[t.length - 1] ?? '').split(' ').map(Number);
    if (Number.isFinite(rss)) maxRssKb = rss!;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuSec = user! + sys!;
  } catch {
    /* no GNU time */
  }
  try {
    const io = parseKv(await fsp.readFile(ioFile, 'utf8'));
    writeBytes = (io.write_bytes ?? 0) - (io.cancelled_write_bytes ?? 0);
    wchar = io.wchar ?? null;
  } catch {
    /* killed before the io read */
  }
  await fsp.rm(tmp, { recursive: true, force: true });
  return { wallMs, maxRssKb, cpuSec, writeBytes, wchar, code, signal, stdout, stderr, timedOut };
}

function parseKv(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s*(\d+)/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Run a command to completion without measuring; throws with its output when it fails. */
export async function run(
  cmd: string,
  args: string[],
  opts: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    allowFail?: boolean;
  } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: mergeEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    if (stdout.length < 16_000_000) stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 1_000_000) stderr += d;
  });
  const timer = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, opts.timeoutMs ?? 600_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  clearTimeout(timer);
  if (code !== 0 && !opts.allowFail) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${code}\n${stdout.slice(0, 4000)}\n${stderr.slice(0, 4000)}`,
    );
  }
  return { code, stdout, stderr };
}

/** Flush dirty pages so one tool's writeback does not land in the next tool's timing. */
export async function flushDisks(): Promise<void> {
  await run('sync', [], { allowFail: true, timeoutMs: 120_000 });
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'n/a';
  const abs = Math.abs(n);
  if (abs < 1024) return `${n} B`;
  if (abs < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (abs < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function fmtSec(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms < 10_000 ? `${(ms / 1000).toFixed(3)}` : `${(ms / 1000).toFixed(1)}`;
}

/** First lines of a process's output, for failure reports. */
export function excerpt(m: { stdout: string; stderr: string; code: number | null }, max = 1500): string {
  const s = `exit ${m.code}\nstdout: ${m.stdout.slice(0, max)}\nstderr: ${m.stderr.slice(0, max)}`;
  return s.replace(/\n+$/, '');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Every regular file under root, as root-relative '/'-paths → size. Bounded by the tree itself. */
export async function listFiles(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const subdirs: Array<Promise<void>> = [];
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) subdirs.push(walk(path.join(dir, e.name), r));
      else if (e.isFile()) out.set(r, (await fsp.lstat(path.join(dir, e.name))).size);
    }
    await Promise.all(subdirs);
  };
  await walk(root, '');
  return out;
}
