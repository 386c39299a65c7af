import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * Flushes the file system holding a root to disk: syncfs(2), which Node's fs API does not offer, through
 * coreutils `sync -f`. One small shell started at the first flush runs `sync -f` for each flush after it, so
 * the (large) cloudsync process is forked once per run instead of once per flush: at 10,000 files a first
 * sync flushes 11 times, at 100,000 about 100 times, and each fork of a process holding hundreds of MB of
 * state cost tens of ms of CPU. An fsync per written file and folder was measured slower (a journal commit
 * each). The shell ends when its input closes, so it never outlives cloudsync, even one killed with SIGKILL.
 * Anything wrong with the helper (cannot start, died) falls back to running `sync -f` directly.
 */
export class FsSyncer {
  #child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  #broken = false;
  #queue: Promise<unknown> = Promise.resolve();
  #pending: { resolve: () => void; reject: (err: Error) => void } | undefined;
  #out = '';
  #err = '';

  constructor(private readonly root: string) {}

  /** Flush now; rejects when the flush failed (the engine then records nothing it cannot vouch for). */
  sync(): Promise<void> {
    const run = this.#queue.then(() => this.#once());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The helper's pid while it runs (tests). */
  get helperPid(): number | undefined {
    return this.#child?.pid;
  }

  /** Stop the helper (it would also end by itself when this process exits). */
  close(): void {
    const child = this.#child;
    this.#child = undefined;
    this.#broken = true;
    child?.stdin.end();
  }

  #once(): Promise<void> {
    const child = this.#helper();
    if (child === undefined) return syncOnce(this.root);
    return new Promise<void>((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#err = '';
      this.#hold(child, true);
      child.stdin.write('\n');
    });
  }

  #helper(): ChildProcessByStdio<Writable, Readable, Readable> | undefined {
    if (this.#child !== undefined || this.#broken) return this.#child;
    let child: ChildProcessByStdio<Writable, Readable, Readable>;
    try {
      // $0 is the root: never part of the script text.
      const script = 'while read -r _; do if sync -f -- "$0"; then echo ok; else echo fail; fi; done';
      child = spawn('sh', ['-c', script, this.root], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch {
      this.#broken = true;
      return undefined;
    }
    this.#child = child;
    child.stdout.setEncoding('utf8').on('data', (d: string) => this.#answer(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (this.#err.length < 4096) this.#err += d;
    });
    child.stdin.on('error', () => undefined); // a dead helper: its 'exit' decides
    const gone = (): void => {
      if (this.#child === child) this.#child = undefined;
      this.#broken = true;
      const p = this.#pending;
      this.#pending = undefined;
      // The flush asked for is still owed: run it the plain way.
      if (p) syncOnce(this.root).then(p.resolve, p.reject);
    };
    child.on('error', gone);
    child.on('exit', gone);
    this.#hold(child, false);
    return child;
  }

  #answer(data: string): void {
    this.#out += data;
    let i: number;
    while ((i = this.#out.indexOf('\n')) >= 0) {
      const line = this.#out.slice(0, i);
      this.#out = this.#out.slice(i + 1);
      const p = this.#pending;
      this.#pending = undefined;
      if (this.#child) this.#hold(this.#child, false);
      if (!p) continue;
      if (line === 'ok') p.resolve();
      else p.reject(flushError(this.root, this.#err.trim() || 'sync -f failed'));
    }
  }

  /** The helper keeps this process alive only while a flush waits for it. */
  #hold(child: ChildProcessByStdio<Writable, Readable, Readable>, alive: boolean): void {
    for (const s of [child.stdout, child.stderr, child.stdin] as unknown as { ref(): void; unref(): void }[])
      if (alive) s.ref?.();
      else s.unref?.();
    if (alive) child.ref();
    else child.unref();
  }
}

function flushError(root: string, why: string): Error {
  return new Error(`cannot flush ${root} to disk: ${why}`);
}

/** One `sync -f` of its own. */
function syncOnce(root: string): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    execFile('sync', ['-f', root], (err) => (err ? reject(flushError(root, err.message)) : resolve())),
  );
}
