import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, from the compiled location of this file (dist/test/support → ../../..). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The shipped binary, run exactly as a user would run it. */
export const BIN = path.join(PROJECT_ROOT, 'bin', 'cloudsync.js');

/** What one CLI run produced. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document; throws with both streams in the message when it is not JSON. */
  json<T = unknown>(): T;
  /** stdout parsed as NDJSON (one object per non-empty line). */
  ndjson<T = unknown>(): T[];
}

/** Options for `runCli`. */
export interface RunCliOptions {
  /** `--home` for the run (passed as CLOUDSYNC_HOME so argv stays exactly what the test wrote). */
  home?: string;
  /** Extra environment; `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, then stdin is closed (stdin is never a TTY here, so `--yes` is implied). */
  input?: string;
  cwd?: string;
  /** Kill the process after this many ms (the result then has `signal`). Default 30 s. */
  timeoutMs?: number;
  /** Options for node itself, before the script (e.g. `--import` a hook). */
  nodeArgs?: string[];
  /** Called once the process is spawned, e.g. to signal it later. */
  onSpawn?: (pid: number) => void;
}

/** Every folder tempDir() made in this run; the root hook (root-hooks.ts) removes them all at the end. */
const madeDirs = new Set<string>();
/** Remove every folder tempDir() made, at once (for a run that ends before the root hook). */
function removeTempDirsNow(): void {
  for (const d of madeDirs) rmSync(d, { recursive: true, force: true });
  madeDirs.clear();
}
// A run stopped early (Ctrl-C, a kill, --bail, a crash) never reaches the root hook: clean up on the way out,
// then let the signal do what it would have done.
process.once('exit', removeTempDirsNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    removeTempDirsNow();
    process.kill(process.pid, signal);
  });
}

/** Make a fresh temp directory (for a --home or a local connector folder), removed when the run ends. */
export async function tempDir(prefix = 'cloudsync-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  madeDirs.add(dir);
  return dir;
}

/** Remove every folder tempDir() made (mocha root hook; a test that cleans up itself is not harmed). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all([...madeDirs].map((d) => rm(d, { recursive: true, force: true })));
  madeDirs.clear();
}

let childTmp: string | undefined;
/**
 * TMPDIR for the CLIs tests spawn: a folder of this run, so what a killed process leaves behind (upload
 * spools) is removed with the rest instead of piling up in the system temp directory.
 */
function childTmpDir(): string {
  if (!childTmp || !madeDirs.has(childTmp)) {
    childTmp = mkdtempSync(path.join(tmpdir(), 'cloudsync-child-tmp-'));
    madeDirs.add(childTmp);
  }
  return childTmp;
}

/**
 * Run `node bin/cloudsync.js ...args` with a clean environment: no colour forcing, no CI leak from the
 * runner, no CLOUDSYNC_* variables except those given, so each test states everything it depends on.
 */
export function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v === undefined ||
      k.startsWith('CLOUDSYNC_') ||
      k === 'FORCE_COLOR' ||
      k === 'NO_COLOR' ||
      k === 'CI'
    )
      continue;
    env[k] = v;
  }
  if (opts.home) env.CLOUDSYNC_HOME = opts.home;
  env.TMPDIR = childTmpDir();
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
      cwd: opts.cwd ?? PROJECT_ROOT,
      env,
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        json<T>(): T {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}).\nstdout: ${stdout}\nstderr: ${stderr}`);
          }
        },
        ndjson<T>(): T[] {
          return stdout
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as T);
        },
      });
    });
    child.stdin.on('error', () => {}); // the CLI may exit before reading stdin
    child.stdin.end(opts.input ?? '');
  });
}
