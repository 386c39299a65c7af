import type { Side } from '../connectors/types.js';
import { CloudsyncError, ExitCode, isUnreachable } from '../errors.js';
import type { SetState } from '../store/schema.js';
import type { PassResult } from './types.js';

/** Timer functions, injected so tests drive time by hand (STYLE 11). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the loop reports besides the engine's own events. */
export type WatchLoopEvent =
  | { event: 'pass-start'; reason: 'start' | 'interval' | 'change' | 'retry' }
  | { event: 'pass-end'; result: PassResult }
  | { event: 'error'; code: string; message: string; retryInMs: number }
  | { event: 'warning'; message: string };

/** Cadence of `watch`. */
export interface WatchLoopOptions {
  /** How soon on-prem changes go out when no side can report change events. */
  pushIntervalMs: number;
  /** How often the loop looks for cloud changes (a full pass). */
  pullIntervalMs: number;
  /** Quiet time after the last change event before a pass (editors write in bursts). */
  debounceMs?: number;
  /** First retry delay after an unreachable side; doubles up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Some side reports change events, so on-prem changes need no polling on the push interval. */
  hasEvents: boolean;
}

/** What the loop needs from the outside world. */
export interface WatchLoopDeps {
  /** One full pass (with lock and state handling); should stop early when `signal` aborts. */
  runPass(signal: AbortSignal): Promise<PassResult>;
  onEvent(e: WatchLoopEvent): void;
  timers?: Timers;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * The scheduler behind `watch`: a pass at start, then one per interval, one shortly after change events,
 * and retries with exponential backoff while a side is unreachable. Idle means one pending timer and no
 * work. Fatal errors (authentication, configuration) end the loop by rejecting `run()`.
 */
export class WatchLoop {
  private readonly timers: Timers;
  private readonly abort = new AbortController();
  private timer: unknown = null;
  private debounce: unknown = null;
  private running = false;
  private changedDuringPass = false;
  private backoffMs = 0;
  private stopped = false;
  private settle: { resolve: () => void; reject: (err: unknown) => void } | null = null;

  constructor(
    private readonly opts: WatchLoopOptions,
    private readonly deps: WatchLoopDeps,
  ) {
    this.timers = deps.timers ?? realTimers;
  }

  /** Start and resolve when stopped (after the pass in flight finishes); reject on a fatal error. */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      void this.pass('start');
    });
  }

  /** A change event from a connector: run a pass once changes have been quiet for the debounce time. */
  notifyChange(): void {
    if (this.stopped) return;
    if (this.running) {
      this.changedDuringPass = true;
      return;
    }
    if (this.backoffMs > 0) return; // the retry timer is already due; an unreachable side will not answer sooner
    if (this.debounce !== null) this.timers.clearTimeout(this.debounce);
    this.debounce = this.timers.setTimeout(() => {
      this.debounce = null;
      void this.pass('change');
    }, this.opts.debounceMs ?? 300);
  }

  /** Stop: no new pass starts; the one in flight is asked to stop after its current action. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    this.abort.abort();
    if (!this.running) this.settle?.resolve();
  }

  private clearTimers(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    if (this.debounce !== null) this.timers.clearTimeout(this.debounce);
    this.timer = this.debounce = null;
  }

  private schedule(ms: number, reason: 'interval' | 'retry' | 'change'): void {
    if (this.stopped) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.pass(reason);
    }, ms);
  }

  private nextIntervalMs(): number {
    // Without change events the push interval is how often on-prem is looked at; with them, changes
    // arrive as events and only the pull interval keeps the cloud side fresh.
    return this.opts.hasEvents
      ? this.opts.pullIntervalMs
      : Math.min(this.opts.pushIntervalMs, this.opts.pullIntervalMs);
  }

  private retryLater(code: string, message: string): void {
    const base = this.opts.baseBackoffMs ?? 5000;
    const max = this.opts.maxBackoffMs ?? 300_000;
    this.backoffMs = this.backoffMs === 0 ? base : Math.min(this.backoffMs * 2, max);
    this.deps.onEvent({ event: 'error', code, message, retryInMs: this.backoffMs });
    this.schedule(this.backoffMs, 'retry');
  }

  private async pass(reason: 'start' | 'interval' | 'change' | 'retry'): Promise<void> {
    if (this.stopped || this.running) return;
    this.clearTimers();
    this.running = true;
    this.changedDuringPass = false;
    this.deps.onEvent({ event: 'pass-start', reason });
    let fatal: unknown = null;
    try {
      const result = await this.deps.runPass(this.abort.signal);
      this.deps.onEvent({ event: 'pass-end', result });
      if (result.exitCode === ExitCode.unreachable)
        this.retryLater('COMMUNICATIONS_ERROR', 'a side could not be reached');
      else if (result.exitCode === ExitCode.auth)
        fatal = new CloudsyncError(
          'authentication failed',
          ExitCode.auth,
          'AUTHENTICATION_ERROR',
          'run `cloudsync login <side> <url>`',
        );
      else {
        this.backoffMs = 0;
        this.schedule(
          this.changedDuringPass ? (this.opts.debounceMs ?? 300) : this.nextIntervalMs(),
          this.changedDuringPass ? 'change' : 'interval',
        );
      }
    } catch (err) {
      if (this.stopped) {
        // Stopping: whatever cut the pass short (the abort itself) is expected; state is consistent.
      } else if (isUnreachable(err)) this.retryLater(err.code, err.message);
      else if (
        err instanceof CloudsyncError &&
        (err.exitCode === ExitCode.locked || err.exitCode === ExitCode.safety)
      ) {
        // Another pass holds the lock, or a guard stopped the whole pass (a vanished root): keep serving,
        // look again at the next interval (a restart loop would not make it better).
        this.deps.onEvent({ event: 'warning', message: `${err.message}; trying again later` });
        this.schedule(this.nextIntervalMs(), 'interval');
      } else fatal = err;
    } finally {
      this.running = false;
    }
    if (fatal !== null) {
      this.stopped = true;
      this.clearTimers();
      this.settle?.reject(fatal);
    } else if (this.stopped) this.settle?.resolve();
  }
}

/** The folders to watch on one side: each folder set's root, and the parent folder of each synced document. */
export function watchRoots(states: SetState[], side: Side): string[] {
  const ids = new Set<string>();
  for (const s of states) {
    for (const m of s.members) {
      const node = m[side];
      if (!m.direct || !node) continue;
      const id = s.set.kind === 'folder' ? node.id : node.parentId;
      if (id) ids.add(id);
    }
  }
  return [...ids].sort();
}
