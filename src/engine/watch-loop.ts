import type { Side } from '../connectors/types.js';
import { CloudsyncError, ExitCode, LockedError, isUnreachable } from '../errors.js';
import type { SetState } from '../store/schema.js';
import { firstDirect } from './lazy-members.js';
import type { PassResult } from './types.js';

/** Timer functions, injected so tests drive time by hand (STYLE 11). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Why a pass runs. `change` and `interval` may read only what events named; the others read everything. */
export type PassReason = 'start' | 'interval' | 'change' | 'retry' | 'rescan' | 'request';

/** What the loop reports besides the engine's own events. */
export type WatchLoopEvent =
  | { event: 'pass-start'; reason: PassReason }
  | { event: 'pass-end'; reason: PassReason; result: PassResult }
  | { event: 'error'; code: string; message: string; retryInMs: number }
  | { event: 'warning'; message: string };

/** Cadence of `watch`. */
export interface WatchLoopOptions {
  /** How soon on-prem changes go out when on-prem cannot report change events. */
  pushIntervalMs: number;
  /** How often the loop looks for cloud changes when the cloud cannot report change events. */
  pullIntervalMs: number;
  /** Quiet time after the last change event before a pass (editors write in bursts); default DEBOUNCE_MS. */
  debounceMs?: number;
  /** First retry delay after an unreachable side; doubles up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** On-prem reports change events, so on-prem changes need no polling on the push interval. */
  hasEvents: boolean;
  /** The cloud reports change events too: no interval pass at all, only the safety-net rescan. */
  cloudEvents?: boolean;
  /** A full pass this long after the last one, in case an event was missed (default one hour). */
  rescanIntervalMs?: number;
}

/** What the loop needs from the outside world. */
export interface WatchLoopDeps {
  /** One pass (with lock and state handling); should stop early when `signal` aborts. */
  runPass(signal: AbortSignal, reason: PassReason): Promise<PassResult>;
  onEvent(e: WatchLoopEvent): void;
  /**
   * Run once after the start-up pass has ended (its `pass-end` reported), before any other pass: change
   * events meanwhile make a pass after it. Must not throw; a stop aborts `signal`.
   */
  afterStart?(signal: AbortSignal): Promise<void>;
  timers?: Timers;
}

/** A pass asked for from outside (`sync` while `watch` runs): run in turn, its result handed back. */
interface Request {
  run(signal: AbortSignal): Promise<PassResult>;
  resolve(r: PassResult): void;
  reject(err: unknown): void;
}

/** What a request waiting when the watch stops is answered: exit 6, as if the lock were held. */
function stopping(): LockedError {
  return new LockedError('the running watch stopped before it ran the pass', 'run `cloudsync sync` again');
}

/**
 * Default quiet time before a pass after change events. The events of one save (an editor's write-temp and
 * rename, a write's open/write/close) arrive within a few ms of each other, so 100 ms still makes one pass of
 * them; it is most of the time an edit takes to reach the other side (the pass itself takes tens of ms).
 */
export const DEBOUNCE_MS = 100;

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * The scheduler behind `watch`: a pass at start, one shortly after change events, one per interval for a
 * side that cannot report its changes, a full rescan as a safety net (hourly by default), passes asked for
 * by `sync`, and retries with exponential backoff while a side is unreachable. Idle means at most two
 * pending timers and no work. Fatal errors (authentication, configuration) end the loop by rejecting `run()`.
 */
export class WatchLoop {
  private readonly timers: Timers;
  private readonly abort = new AbortController();
  private timer: unknown = null;
  private debounce: unknown = null;
  private rescanTimer: unknown = null;
  private rescanDue = false;
  private running = false;
  private changedDuringPass = false;
  private backoffMs = 0;
  private stopped = false;
  private readonly requests: Request[] = [];
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
    }, this.opts.debounceMs ?? DEBOUNCE_MS);
  }

  /** Run `run` as a pass of this loop, once the pass in flight (if any) is done; resolves with its result. */
  request(run: (signal: AbortSignal) => Promise<PassResult>): Promise<PassResult> {
    if (this.stopped) return Promise.reject(stopping());
    return new Promise((resolve, reject) => {
      this.requests.push({ run, resolve, reject });
      if (!this.running) void this.pass('request');
    });
  }

  /** Stop: no new pass starts; the one in flight is asked to stop after its current action. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    this.clearRescan();
    this.abort.abort();
    for (const r of this.requests.splice(0)) r.reject(stopping());
    if (!this.running) this.settle?.resolve();
  }

  private clearTimers(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    if (this.debounce !== null) this.timers.clearTimeout(this.debounce);
    this.timer = this.debounce = null;
  }

  private clearRescan(): void {
    if (this.rescanTimer !== null) this.timers.clearTimeout(this.rescanTimer);
    this.rescanTimer = null;
  }

  /** Restart the safety-net clock: the next full rescan is one rescan interval after this full pass. */
  private armRescan(): void {
    this.clearRescan();
    this.rescanDue = false;
    if (this.stopped) return;
    this.rescanTimer = this.timers.setTimeout(() => {
      this.rescanTimer = null;
      if (this.running) this.rescanDue = true;
      else void this.pass('rescan');
    }, this.opts.rescanIntervalMs ?? 3_600_000);
  }

  private schedule(ms: number | null, reason: 'interval' | 'retry' | 'change'): void {
    if (this.stopped) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (ms === null) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.pass(reason);
    }, ms);
  }

  private nextIntervalMs(): number | null {
    // Without change events the push interval is how often on-prem is looked at; with them, changes
    // arrive as events and only the pull interval keeps a cloud without events fresh; when both sides report
    // their changes nothing is polled (the rescan stays as a safety net).
    if (!this.opts.hasEvents) return Math.min(this.opts.pushIntervalMs, this.opts.pullIntervalMs);
    return this.opts.cloudEvents ? null : this.opts.pullIntervalMs;
  }

  private retryLater(code: string, message: string): void {
    const base = this.opts.baseBackoffMs ?? 5000;
    const max = this.opts.maxBackoffMs ?? 300_000;
    this.backoffMs = this.backoffMs === 0 ? base : Math.min(this.backoffMs * 2, max);
    this.deps.onEvent({ event: 'error', code, message, retryInMs: this.backoffMs });
    this.schedule(this.backoffMs, 'retry');
  }

  private async pass(wanted: PassReason): Promise<void> {
    if (this.stopped || this.running) return;
    const request = this.requests.shift();
    const reason: PassReason = request ? 'request' : this.rescanDue ? 'rescan' : wanted;
    this.clearTimers();
    this.running = true;
    this.changedDuringPass = false;
    this.deps.onEvent({ event: 'pass-start', reason });
    let fatal: unknown = null;
    try {
      const result = await (request
        ? request.run(this.abort.signal)
        : this.deps.runPass(this.abort.signal, reason));
      request?.resolve(result);
      this.deps.onEvent({ event: 'pass-end', reason, result });
      if (reason === 'start' && this.deps.afterStart) await this.deps.afterStart(this.abort.signal);
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
        if (reason === 'start' || reason === 'rescan' || reason === 'retry') this.armRescan();
        if (this.changedDuringPass) this.schedule(this.opts.debounceMs ?? DEBOUNCE_MS, 'change');
        else this.schedule(this.nextIntervalMs(), 'interval');
      }
    } catch (err) {
      request?.reject(err);
      if (this.stopped) {
        // Stopping: whatever cut the pass short (the abort itself) is expected; state is consistent.
      } else if (isUnreachable(err)) this.retryLater(err.code, err.message);
      else if (request) {
        // A requested pass answers its asker with its error; the loop carries on as it was.
        if (this.backoffMs > 0) this.schedule(this.backoffMs, 'retry');
        else
          this.schedule(
            this.changedDuringPass ? (this.opts.debounceMs ?? DEBOUNCE_MS) : this.nextIntervalMs(),
            'change',
          );
      } else if (
        err instanceof CloudsyncError &&
        (err.exitCode === ExitCode.locked || err.exitCode === ExitCode.safety)
      ) {
        // Another pass holds the lock, or a guard stopped the whole pass (a vanished root): keep serving,
        // look again later with a full pass (a restart loop would not make it better).
        this.deps.onEvent({ event: 'warning', message: `${err.message}; trying again later` });
        this.schedule(this.nextIntervalMs() ?? this.opts.pullIntervalMs, 'retry');
      } else fatal = err;
    } finally {
      this.running = false;
    }
    if (fatal !== null) {
      this.stopped = true;
      this.clearTimers();
      this.clearRescan();
      for (const r of this.requests.splice(0)) r.reject(fatal);
      this.settle?.reject(fatal);
    } else if (this.stopped) this.settle?.resolve();
    else if (this.requests.length > 0 || this.rescanDue) void this.pass('change');
  }
}

/** A folder to watch: its node id, and its path as recorded (a hint to find it without a walk). */
export interface WatchRoot {
  id: string;
  path: string;
}

/**
 * The folders to watch on one side: each folder set's root, and the parent folder of each synced document,
 * with the path the state recorded for it, so a connector that finds nodes by path (a local folder) is told
 * where the folder is: without it, a fresh process looks the id up by walking the whole root (at 100,000
 * files: 100,000 `lstat`s and a path held per node for the life of `watch`).
 */
export function watchRoots(states: SetState[], side: Side): WatchRoot[] {
  const roots = new Map<string, WatchRoot>();
  for (const s of states) {
    // A folder set's one direct member is its root (found at once, not after a walk over every member).
    const direct = s.set.kind === 'folder' ? [firstDirect(s)].filter((m) => m) : s.members;
    for (const m of direct as SetState['members']) {
      const node = m[side];
      if (!m.direct || !node) continue;
      const id = s.set.kind === 'folder' ? node.id : node.parentId;
      if (!id || roots.has(id)) continue;
      roots.set(id, { id, path: s.set.kind === 'folder' ? node.path : parentPath(node.path) });
    }
  }
  return [...roots.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The folder a path (SPEC §2 syntax, `/`-separated) is in: '' for a name at the top. */
function parentPath(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? '' : p.slice(0, i);
}
