import type { Command } from 'commander';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { openConnector } from '../connectors/index.js';
import { SIDES, type ChangeHint, type Side } from '../connectors/types.js';
import { createSyncSet, runPass } from '../engine/index.js';
import type { EngineContext, EngineEvent, EventScope, PassResult } from '../engine/types.js';
import { describeAction } from '../engine/views.js';
import { WatchLoop, watchRoots, type PassReason, type WatchLoopEvent } from '../engine/watch-loop.js';
import { ScopeCollector } from '../engine/watch-scope.js';
import { indexOf } from '../engine/member-index.js';
import { acquireSetLocks } from '../store/lock.js';
import { loadInstallation, OwnerRecords } from '../store/owner-records.js';
import { ResidentStateStore } from '../store/resident-store.js';
import { StateStore } from '../store/state-store.js';
import type { SetState } from '../store/schema.js';
import { serveWatchRequests, type WatchRequest } from '../store/watch-socket.js';
import { formatDuration } from '../ui/format.js';
import { writeJsonPieces } from '../ui/output.js';
import { describeExitCode } from '../ui/pass-view.js';
import { homeOf, openContext, withSetLocks } from './context.js';
import { PassDeadline } from './pass-deadline.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';
import { numberIn, resolveSetIds } from './sync.js';

interface WatchOptions {
  pushInterval: number;
  pullInterval: number;
  rescanInterval: number;
  timeout?: number;
}

/** Passes that read every side whole; the others read only what events named on a side that names them. */
const FULL: ReadonlySet<PassReason> = new Set(['start', 'rescan', 'retry', 'request']);

/** Per-set counts of a pass, as the `pass-end` event carries them. */
function setCounts(result: PassResult): object[] {
  return result.sets.map(({ id, name, pushed, pulled, deleted, moved, conflicts, failed }) => ({
    id,
    name,
    pushed,
    pulled,
    deleted,
    moved,
    conflicts,
    failed,
  }));
}

/** The start line's account of when passes run. */
function describeCadence(opts: WatchOptions, onprem: boolean, cloud: boolean): string {
  const rescan = `full rescan every ${formatDuration(opts.rescanInterval)}`;
  if (onprem && cloud) return `on change events, ${rescan}`;
  if (onprem) return `on change events, pull every ${opts.pullInterval} s, ${rescan}`;
  return `push every ${opts.pushInterval} s, pull every ${opts.pullInterval} s${cloud ? ', plus change events' : ''}`;
}

/** Renders watch events: NDJSON lines with --json, short human lines otherwise. */
function eventWriter(g: Globals): (event: string, data: Record<string, unknown>, human?: string) => void {
  return (event, data, human) => {
    if (g.json) {
      g.out.writeJson({ event, time: new Date().toISOString(), ...data });
    } else if (human !== undefined) g.out.info(`${new Date().toLocaleTimeString()} ${human}`);
  };
}

/** The watch's rendering of engine events: actions, failures, warnings and guards as watch events. */
function engineEvents(
  g: Globals,
  emit: (event: string, data: Record<string, unknown>, human?: string) => void,
): (e: EngineEvent) => void {
  return (e) => {
    if (e.event === 'action-done')
      emit(
        'action',
        { setId: e.setId, action: e.action, bytes: e.bytes },
        g.out.mode.verbose ? describeAction(e.action) : undefined,
      );
    else if (e.event === 'action-failed')
      emit(
        'action',
        { setId: e.setId, action: e.action, failed: { code: e.code, message: e.message } },
        `${e.action.side} ${e.action.path}: ${e.code}: ${e.message}`,
      );
    else if (e.event === 'warning')
      emit('warning', { setId: e.setId ?? null, message: e.message }, `warning: ${e.message}`);
    else if (e.event === 'guard')
      emit(
        'guard',
        { setId: e.setId, code: e.code, message: e.message, hint: e.hint ?? null },
        `guard: ${e.message}${e.hint ? ` (${e.hint})` : ''}`,
      );
  };
}

/**
 * Keeps one connector watch per folder to watch, re-subscribing when the sets change, and collects per side
 * the folders the events name. A side with a change feed (repository events) is scoped by its feed in the
 * pass itself; a side whose watch names folders (a local folder) is scoped by what is collected here.
 */
class Subscriptions {
  private active = new Map<string, () => void>();
  readonly scopes: Record<Side, ScopeCollector> = {
    onprem: new ScopeCollector(),
    cloud: new ScopeCollector(),
  };
  constructor(
    private readonly ctx: EngineContext,
    private readonly onChange: () => void,
    private readonly warn: (m: string) => void,
  ) {}

  /** True when `side` reports its changes, through a watch or a change feed. */
  reports(side: Side): boolean {
    const c = this.ctx.connectors[side];
    return c.capabilities.events && c.watch !== undefined;
  }

  /** What each side's events named since the last pass: a scope only for sides whose watch names folders. */
  take(): Partial<Record<Side, EventScope>> {
    const out: Partial<Record<Side, EventScope>> = {};
    for (const side of SIDES) {
      const scope = this.scopes[side].take();
      if (scope && this.reports(side) && !this.ctx.connectors[side].changes) out[side] = scope;
    }
    return out;
  }

  /** A full read starts: everything collected so far is covered by it. */
  resetScopes(): void {
    for (const side of SIDES) this.scopes[side].reset();
  }

  /**
   * True when on-prem reports its changes, so it needs no polling on the push interval. (A cloud side with
   * events does not make on-prem polling unnecessary: an Alfresco on-prem without events is still polled.)
   */
  get onpremReports(): boolean {
    return this.reports('onprem');
  }

  /** True when some side reports changes (the start line says so). */
  get possible(): boolean {
    return SIDES.some((s) => this.ctx.connectors[s].capabilities.events && this.ctx.connectors[s].watch);
  }

  /**
   * Watch exactly the roots of the given sets on every side that can. A root watched anew after the full
   * read that covered it makes its side read whole once more (what changed in between was not heard).
   */
  async refresh(setIds: string[] | undefined, all?: SetState[]): Promise<boolean> {
    let added = false;
    all ??= await this.ctx.store.loadAll();
    const states = setIds ? all.filter((s) => setIds.includes(s.set.id)) : all;
    const wanted = new Set<string>();
    for (const side of SIDES) {
      const c = this.ctx.connectors[side];
      if (!c.capabilities.events || !c.watch) continue;
      for (const root of watchRoots(states, side)) {
        wanted.add(`${side}\0${root.id}`);
        // Where the folder was recorded: found there by id, not by a walk of the whole side.
        if (!this.active.has(`${side}\0${root.id}`)) c.rememberPath?.(root.id, root.path);
      }
    }
    for (const [key, stop] of this.active) {
      if (wanted.has(key)) continue;
      stop();
      this.active.delete(key);
    }
    for (const key of wanted) {
      if (this.active.has(key)) continue;
      const [side, id] = key.split('\0') as [Side, string];
      try {
        const stop = await this.ctx.connectors[side].watch!(id, (_path, hint?: ChangeHint) => {
          this.scopes[side].add(hint);
          this.onChange();
        });
        this.active.set(key, stop);
      } catch (err) {
        this.warn(`cannot watch ${side} folder ${id}: ${(err as Error).message}; relying on intervals`);
      }
      this.scopes[side].markWhole();
      added = true;
    }
    return added;
  }

  /** Stop every watch. */
  close(): void {
    for (const stop of this.active.values()) stop();
    this.active.clear();
  }
}

/** The profile name of the warm-up's scratch home (any name: the home is its own). */
const WARM_PROFILE = 'default';

/**
 * The scoped pass's code run once before the first edit, on a scratch pair in a private temporary folder.
 * The first edit after start used to cost ~6-8 ms of CPU more than the next ones at 100,000 files (19.8
 * against 9.6 ms, test/bench/RESULTS.md perf-watch7): not compiling (the bundle comes compiled) but V8
 * running each step for the first time on file-shaped data (inline caches, feedback), 0.5-2 ms per step.
 * That cannot be run on the user's sets without writing to them, so it runs here on two local folders of
 * its own: `sync` of a small folder set, its journal folded into the snapshot, then what `watch` does, with
 * the same classes and functions (a resident store reading the members back as rows, the connectors' watch,
 * the scope collector, a full pass, then two edits in two folders, each a scoped pass that decodes its
 * folder's members, copies, journals and saves). With `--no-lazy-feedback-allocation` (runWatch) what it
 * runs keeps its feedback: the first edit at 100,000 files 8-14 -> 6-7 ms (test/bench/RESULTS.md,
 * perf-watch8). Nothing reaches stdout, the user's home, state, logs or sides; the folder is removed after.
 * It cannot fail the watch: an error is a debug line. CLOUDSYNC_WATCH_WARMUP=off skips it.
 */
async function warmUp(g: Globals, signal: AbortSignal): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cloudsync-warmup-'));
  try {
    const home = path.join(dir, 'home');
    const roots = { onprem: path.join(dir, 'onprem'), cloud: path.join(dir, 'cloud') };
    const text = (i: number) => `cloudsync warm-up ${i} `.repeat(48);
    for (let d = 0; d < 3; d++) {
      const folder = path.join(roots.onprem, 'w', `d${d}`);
      await fsp.mkdir(folder, { recursive: true });
      for (let f = 0; f < 12; f++) await fsp.writeFile(path.join(folder, `f${f}.txt`), text(d * 100 + f));
    }
    await fsp.writeFile(path.join(roots.onprem, 'w', 'top.txt'), text(999));
    await fsp.mkdir(roots.cloud);
    const connectors = {} as EngineContext['connectors'];
    for (const side of SIDES)
      connectors[side] = await openConnector(side, { kind: 'local', address: roots[side] }, {}, { home });
    // What the watch's events look like, rendered and dropped.
    const emit = (event: string, data: Record<string, unknown>) =>
      writeJsonPieces({ event, time: new Date().toISOString(), ...data }, () => {});
    const ctx: EngineContext = {
      connectors,
      store: new StateStore(home, WARM_PROFILE),
      home,
      onEvent: engineEvents(g, emit),
      owner: {
        installation: await loadInstallation(home),
        takeOver: false,
        records: new OwnerRecords(home, WARM_PROFILE),
        swept: new Set(),
      },
    };
    let heard: () => void = () => {};
    const subs = new Subscriptions(
      ctx,
      () => heard(),
      () => {},
    );
    try {
      const created = await createSyncSet(ctx, {
        paths: ['w'],
        target: 'w',
        mkdir: true,
        options: {},
        excludes: [],
      });
      const ids = [created.set.id];
      const locked = async <T>(fn: () => Promise<T>): Promise<T> => {
        const locks = await acquireSetLocks(home, WARM_PROFILE, ids, { waitMs: 1000 });
        try {
          return await fn();
        } finally {
          await locks.release();
        }
      };
      await locked(async () => {
        await runPass(ctx, { setIds: ids }); // the `sync` before the watch
        // Its journal folded into the snapshot, as a large set's is: the watch then loads the members as
        // rows and an edit decodes its folder's members from them (a journal's are decoded at load).
        await ctx.store.save(await ctx.store.load(ids[0]!));
      });
      // The watch: a resident store reading the state back from its files, as this process's own does.
      const store = new ResidentStateStore(home, WARM_PROFILE);
      ctx.store = store;
      ctx.owner!.stamped = new Map();
      const deadline = new PassDeadline(undefined);
      const pass = async (full: boolean): Promise<PassResult> =>
        locked(async () => {
          if (full) {
            await subs.refresh(ids);
            subs.resetScopes();
          }
          const eventScopes = full ? undefined : subs.take();
          const result = await deadline.run(signal, (s) =>
            runPass(ctx, { setIds: ids, signal: s, eventScopes }),
          );
          await store.settle();
          const all = await store.loadAll();
          await subs.refresh(ids, all);
          for (const st of all) indexOf(st);
          return result;
        });
      await pass(true);
      const done: string[] = [];
      for (const [n, rel] of ['w/d1/f3.txt', 'w/d2/f7.txt'].entries()) {
        if (signal.aborted) break;
        const event = new Promise<void>((resolve) => {
          heard = resolve;
          setTimeout(resolve, 1000).unref(); // a lost event: the scoped pass then reads nothing new
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await fsp.writeFile(path.join(roots.onprem, rel), text(500 + n).repeat(2));
        await event;
        const result = await pass(false);
        if (result.exitCode !== 0) throw new Error(`its scoped pass ended with exit ${result.exitCode}`);
        const pushed = result.sets.reduce((k, st) => k + st.pushed, 0);
        done.push(
          `${result.scoped ? `${result.scoped.members} members read` : 'read whole'}, ${pushed} pushed`,
        );
      }
      return done.join('; ');
    } finally {
      subs.close();
      await Promise.allSettled(SIDES.map((s) => connectors[s].close()));
    }
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** `cloudsync watch`: passes at start, on intervals and on changes, until SIGINT/SIGTERM (exit 0). */
export async function runWatch(g: Globals, prefixes: string[], opts: WatchOptions): Promise<number> {
  if (g.json) g.rt.ndjson = true; // from the start: even a failure before the first event is an event line
  // A long-lived process whose peak is its full passes (the start-up read, the hourly rescan): V8's young
  // generation stays at its start size (1 MiB per semi-space) instead of doubling up to 16 MiB in them. At
  // 100k files the peak is 132-134 MiB with this, 159-162 MiB without. V8's memory-saving mode
  // (`--optimize-for-size`, used before) peaked at 142-145 MiB, its mark-compacts every few edits costing an
  // edit what the small young generation's scavenge per edit costs here. Without either, edits in a burst
  // are cheaper until V8 shrinks the young generation to 1 MiB anyway once the watch has idled
  // (test/bench/RESULTS.md, perf-watch3).
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  // A function is optimised by TurboFan once it has run enough bytecode (V8's interrupt budget, 66 KiB by
  // default). The scoped pass after an edit runs each of its functions over a few dozen members, so at the
  // default each edit brings a few more to the threshold and a background compile of 15-20 ms follows every
  // few edits, for as long as the watch runs (some deoptimised and compiled again). Eight times the budget:
  // what a full pass runs 100,000 times is still optimised within its first few thousand members, what an
  // edit runs is left to the baseline compiler (test/bench/RESULTS.md, perf-watch5).
  v8.setFlagsFromString('--interrupt-budget=540672');
  // The bundle comes in with every function compiled (bin/code-cache.js, 'watch'), so the first edit after
  // start does not compile the scoped pass's code. V8 drops the bytecode of a function that has not run in
  // five full collections: a start-up pass over 100,000 files makes two, but a watch quiet for hours (its
  // hourly rescans, the collections after them) would lose the scoped pass's code and compile it again at
  // the next edit. Kept, at no peak memory measured (test/bench/RESULTS.md, perf-watch6).
  v8.setFlagsFromString('--no-flush-bytecode');
  // Feedback vectors from a function's first call rather than after it has run ~8 times its bytecode size:
  // the warm-up (warmUp) and each edit run that code a few times only, and without a vector its property
  // accesses learn nothing (V8's generic path each time) until then (test/bench/RESULTS.md, perf-watch8).
  v8.setFlagsFromString('--no-lazy-feedback-allocation');
  const emit = eventWriter(g);
  const deadline = new PassDeadline(opts.timeout);
  const opened = await openContext(g, engineEvents(g, emit), deadline.current);
  const { ctx } = opened;
  // The owner marker: stamped by the start-up pass, then by a changing pass once a minute at most
  // (WATCH_STAMP_MS; README "One owner per set"). Every pass still checks it.
  if (ctx.owner) ctx.owner.stamped = new Map();
  const store = new ResidentStateStore(ctx.store.home, ctx.store.profile);
  ctx.store = store; // state stays in memory between passes: a pass after one event parses nothing
  g.rt.exitWhenDone = true; // fs watchers and sockets must not keep a stopped watch alive
  const setIds = prefixes.length ? await resolveSetIds((p) => ctx.store.resolveId(p), prefixes) : undefined;
  let loop: WatchLoop | null = null;
  const subs = new Subscriptions(
    ctx,
    () => loop?.notifyChange(),
    (m) => emit('warning', { message: m }, `warning: ${m}`),
  );
  // CPU and wall time of each pass, for the pass-end event (what one event costs).
  let began = { at: 0, cpu: process.cpuUsage() };
  let scoped = false;
  /** One pass holding the profile lock, on the state held in memory; `prepare` runs inside the lock first. */
  // Each pass locks the sets it runs (the named ones, else every set); a set another pass holds is left to
  // it this time with a warning (a named one is exit 6: the loop retries).
  const lockedPass = async (
    signal: AbortSignal,
    pass: (s: AbortSignal | undefined, held: string[]) => Promise<PassResult>,
    opts2: { dryRun?: boolean; timeoutS?: number } = {},
  ): Promise<PassResult> =>
    withSetLocks(
      g,
      setIds ?? (await ctx.store.listIds()),
      async (held) => {
        if (opts2.dryRun) store.forget(); // a dry run must not leave its plan in the state held
        try {
          const result = await deadline.run(signal, (s) => pass(s, held), opts2.timeoutS ?? opts.timeout);
          if (opts2.dryRun || signal.aborted) store.forget();
          else await store.settle();
          return result;
        } catch (err) {
          store.forget(); // memory may hold what the files do not: read them again next time
          throw err;
        }
      },
      {
        waitMs: 1000,
        onBusy: setIds
          ? undefined
          : (busy) => {
              for (const b of busy)
                emit(
                  'warning',
                  { message: `set ${b.id} skipped: another pass holds it` },
                  `warning: set ${b.id} skipped: another pass holds it (${b.holder})`,
                );
            },
      },
    );
  loop = new WatchLoop(
    {
      pushIntervalMs: opts.pushInterval * 1000,
      pullIntervalMs: opts.pullInterval * 1000,
      rescanIntervalMs: opts.rescanInterval * 1000,
      hasEvents: subs.onpremReports,
      cloudEvents: subs.reports('cloud'),
    },
    {
      runPass: async (signal, reason) => {
        const full = FULL.has(reason);
        try {
          const result = await lockedPass(signal, async (s, held) => {
            // Before a full read: watch first, so nothing between the read and the watch goes unheard.
            if (full) {
              await subs.refresh(setIds);
              subs.resetScopes();
            }
            const eventScopes = full ? undefined : subs.take();
            scoped = eventScopes !== undefined && Object.keys(eventScopes).length > 0;
            return runPass(ctx, { setIds: held, signal: s, eventScopes });
          });
          // Sets and roots may have changed (created, moved, unsynced): a new root is read whole next time.
          // The states are loaded once for both (held in memory: a load is a stat of each set's files).
          const all = await ctx.store.loadAll();
          if (await subs.refresh(setIds, all)) loop?.notifyChange();
          // Index the members now (unless an index is up to date), not in the next edit's pass.
          if (!result.dryRun) for (const st of all) indexOf(st);
          return result;
        } catch (err) {
          for (const side of SIDES) subs.scopes[side].markWhole();
          throw err;
        }
      },
      onEvent: (e: WatchLoopEvent) => {
        if (e.event === 'pass-start') {
          began = { at: performance.now(), cpu: process.cpuUsage() };
          scoped = false;
          emit('pass-start', { reason: e.reason });
        } else if (e.event === 'pass-end') {
          const r = e.result;
          const moved = r.sets.reduce((n, s) => n + s.pushed + s.pulled + s.deleted + s.moved, 0);
          const cpu = process.cpuUsage(began.cpu);
          emit(
            'pass-end',
            {
              exitCode: r.exitCode,
              reason: e.reason,
              scoped,
              durationMs: Math.round(performance.now() - began.at),
              cpuMs: Math.round((cpu.user + cpu.system) / 1000),
              ...(r.scoped ? { members: r.scoped.members } : {}),
              sets: setCounts(r),
            },
            moved || r.exitCode ? `pass: ${moved} changes, ${describeExitCode(r.exitCode)}` : undefined,
          );
        } else if (e.event === 'error')
          emit(
            'error',
            { code: e.code, message: e.message, retryInS: e.retryInMs / 1000 },
            `${e.code}: ${e.message}; retrying in ${formatDuration(e.retryInMs / 1000)}`,
          );
        else emit('warning', { message: e.message }, `warning: ${e.message}`);
      },
      afterStart: async (signal) => {
        const off = ['off', '0', 'false', 'no'].includes(
          g.rt.env.CLOUDSYNC_WATCH_WARMUP?.toLowerCase() ?? '',
        );
        if (off || !subs.possible) return;
        const cpu = process.cpuUsage();
        const at = performance.now();
        await warmUp(g, signal).then(
          (passes) => {
            const used = process.cpuUsage(cpu);
            const ms = (n: number) => Math.round(n);
            // On stderr with --verbose, not in the log: the warm-up writes nothing of the user's.
            g.out.debug(
              `watch warm-up (${passes}): ${ms((used.user + used.system) / 1000)} ms of CPU, ${ms(performance.now() - at)} ms`,
              { log: false },
            );
          },
          (err: unknown) => g.out.debug(`watch warm-up failed (no matter): ${(err as Error).message}`),
        );
      },
    },
  );
  // `sync` while this watch runs: it asks us for the pass instead of waiting for the lock (exit 6).
  const server = await serveWatchRequests(homeOf(g), g.profile, async (req: WatchRequest) => {
    const ids: string[] = [];
    for (const id of req.setIds) ids.push(await store.resolveId(id));
    const result = await loop!.request((signal) =>
      lockedPass(
        signal,
        (s, held) =>
          runPass(ctx, {
            setIds: ids.length > 0 ? ids : held,
            dryRun: req.dryRun,
            force: req.force,
            maxDeletePercent: req.maxDeletePercent,
            transfers: req.transfers,
            signal: s,
          }),
        { dryRun: req.dryRun, timeoutS: req.timeoutS },
      ),
    );
    return { result: result as unknown as { exitCode: number } };
  }).catch((err: unknown) => {
    emit('warning', { message: `sync cannot hand its passes to this watch: ${(err as Error).message}` });
    return null;
  });
  const offSignal = g.rt.onSignal((sig) => {
    emit('stopping', { signal: sig }, `${sig}: finishing the current action, then stopping`);
    loop?.stop();
  });
  emit(
    'start',
    {
      profile: g.profile,
      sets: setIds ?? 'all',
      pushInterval: opts.pushInterval,
      pullInterval: opts.pullInterval,
      rescanInterval: opts.rescanInterval,
      events: subs.possible,
      handOff: server !== null,
    },
    `watching ${setIds ? setIds.length : 'all'} set(s): ${describeCadence(opts, subs.onpremReports, subs.reports('cloud'))}; Ctrl-C to stop`,
  );
  try {
    await loop.run();
    emit('stop', { exitCode: 0 }, 'stopped');
    return 0;
  } catch (err) {
    emit('stop', { exitCode: (err as { exitCode?: number }).exitCode ?? 1 });
    throw err;
  } finally {
    offSignal();
    await server?.close();
    subs.close();
    await opened.close();
  }
}

/** Register `watch`. */
export function registerWatch(program: Command, rt: Runtime): void {
  program
    .command('watch')
    .description('keep syncing: a pass at start, then on intervals and on file changes, until Ctrl-C')
    .argument('[set-id...]', 'set ids or unique prefixes (default: every set, including ones created later)')
    .option('--push-interval <s>', 'seconds between looks at on-prem changes', numberIn(1, 86_400, false), 15)
    .option('--pull-interval <s>', 'seconds between looks at cloud changes', numberIn(1, 86_400, false), 60)
    .option(
      '--rescan-interval <s>',
      'seconds between full rescans of sides that report their changes (a safety net)',
      numberIn(1, 604_800, false),
      3600,
    )
    .option(
      '--timeout <s>',
      'stop a pass that runs longer than this many seconds (retried later)',
      numberIn(0.1, 604_800, false),
    )
    .addHelpText(
      'after',
      `
A side that reports its changes (a local folder; Alfresco with \`login --events\`) is not polled:
a pass after its events reads only the folders they name, with the state kept in memory, and a
full rescan runs every --rescan-interval as a safety net. \`sync\` while watch runs hands its
pass to the watch. A side that cannot be reached is retried with backoff (up to 5 min); failed
authentication stops with exit 4. SIGINT/SIGTERM let the current action finish, save, and exit 0.
With --json, one JSON event per line: start, pass-start, action, guard, pass-end, warning, error,
stopping, stop.
A safety guard stops only its set: watch reports it (event guard) and keeps serving the others.

Examples:
  $ cloudsync watch
  $ cloudsync watch 3f2a --pull-interval 300
  $ cloudsync watch --json | jq -c 'select(.event == "pass-end")'`,
    )
    .action(
      commandAction(rt, (g, cmd) => runWatch(g, cmd.processedArgs[0] as string[], cmd.opts<WatchOptions>())),
    );
}
