// The CLI as the model tester runs it: in-process for ordinary commands (about 15 ms instead of 300 ms for a
// spawned Node), a real process for the passes that are SIGKILLed or run two at once. Both come from one
// build root, so the mutation check can point the tester at a deliberately broken copy of dist/.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Runtime } from '../../src/commands/runtime.js';
import { PROJECT_ROOT } from '../support/cli.js';

/** What one run produced. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

type Main = (argv: string[], rt: Runtime) => Promise<void>;
const mains = new Map<string, Promise<Main>>();

/** Runs cloudsync from one build (a folder holding bin/, dist/ and package.json) with one --home. */
export class ModelCli {
  constructor(
    readonly home: string,
    readonly env: Record<string, string>,
    readonly root: string = PROJECT_ROOT,
  ) {}

  private main(): Promise<Main> {
    let m = mains.get(this.root);
    if (!m) {
      const url = pathToFileURL(path.join(this.root, 'dist', 'src', 'cli.js')).href;
      m = import(url).then((mod: { main: Main }) => mod.main);
      mains.set(this.root, m);
    }
    return m;
  }

  private childEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || k.startsWith('CLOUDSYNC_') || ['FORCE_COLOR', 'NO_COLOR', 'CI'].includes(k))
        continue;
      env[k] = v;
    }
    return { ...env, ...this.env, CLOUDSYNC_HOME: this.home };
  }

  /** `cloudsync <args>` in this process. */
  async run(args: string[]): Promise<Run> {
    const main = await this.main();
    let stdout = '';
    let stderr = '';
    const so = new PassThrough().setEncoding('utf8');
    const se = new PassThrough().setEncoding('utf8');
    so.on('data', (d: string) => (stdout += d));
    se.on('data', (d: string) => (stderr += d));
    const rt: Runtime = {
      stdout: so,
      stderr: se,
      stdin: new PassThrough(),
      stdoutIsTTY: false,
      stderrIsTTY: false,
      stdinIsTTY: false,
      env: this.childEnv(),
      exitCode: 0,
      exitWhenDone: false,
      onSignal: () => () => undefined,
    };
    await main(['node', 'cloudsync', ...args], rt);
    await new Promise((r) => setImmediate(r));
    return { code: rt.exitCode, signal: null, stdout, stderr };
  }

  /**
   * `cloudsync <args>` as a real process; `onSpawn` may SIGKILL it; killed after `timeoutMs` at the latest.
   * `env` is added to its environment, `nodeArgs` go to node (e.g. `--import` the kill point hook).
   */
  spawn(
    args: string[],
    opts: {
      onSpawn?: (pid: number) => void;
      timeoutMs?: number;
      env?: Record<string, string>;
      nodeArgs?: string[];
    } = {},
  ): Promise<Run> {
    return new Promise((resolve, reject) => {
      const bin = path.join(this.root, 'bin', 'cloudsync.js');
      const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), bin, ...args], {
        cwd: this.root,
        env: { ...this.childEnv(), ...opts.env },
      });
      if (child.pid !== undefined) opts.onSpawn?.(child.pid);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
      child.stdin.end();
    });
  }
}

/** stdout as JSON, or undefined. */
export function parseJson<T>(r: Run): T | undefined {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    return undefined;
  }
}
