import type { Command } from 'commander';
import { SIDES, type Side } from '../connectors/types.js';
import { runPass } from '../engine/index.js';
import type { EngineContext, EngineEvent, PassResult } from '../engine/types.js';
import { describeAction } from '../engine/views.js';
import { WatchLoop, watchRoots, type WatchLoopEvent } from '../engine/watch-loop.js';
import { formatDuration } from '../ui/format.js';
import { describeExitCode } from '../ui/pass-view.js';
import { openContext, withSetLocks } from './context.js';
import { PassDeadline } from './pass-deadline.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';
import { numberIn, resolveSetIds } from './sync.js';

interface WatchOptions {
  pushInterval: number;
  pullInterval: number;
  timeout?: number;
}

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

/** Renders watch events: NDJSON lines with --json, short human lines otherwise. */
function eventWriter(g: Globals): (event: string, data: Record<string, unknown>, human?: string) => void {
  return (event, data, human) => {
    if (g.json) {
      g.out.writeJson({ event, time: new Date().toISOString(), ...data });
    } else if (human !== undefined) g.out.info(`${new Date().toLocaleTimeString()} ${human}`);
  };
}

/** Keeps one connector watch per folder to watch, re-subscribing when the sets change. */
class Subscriptions {
  private active = new Map<string, () => void>();
  constructor(
    private readonly ctx: EngineContext,
    private readonly onChange: () => void,
    private readonly warn: (m: string) => void,
  ) {}

  /**
   * True when on-prem reports its changes, so it needs no polling on the push interval. (A cloud side with
   * events does not make on-prem polling unnecessary: an Alfresco on-prem without events is still polled.)
   */
  get onpremReports(): boolean {
    const c = this.ctx.connectors.onprem;
    return c.capabilities.events && c.watch !== undefined;
  }

  /** True when some side reports changes (the start line says so). */
  get possible(): boolean {
    return SIDES.some((s) => this.ctx.connectors[s].capabilities.events && this.ctx.connectors[s].watch);
  }

  /** Watch exactly the roots of the given sets on every side that can. */
  async refresh(setIds: string[] | undefined): Promise<void> {
    const all = await this.ctx.store.loadAll();
    const states = setIds ? all.filter((s) => setIds.includes(s.set.id)) : all;
    const wanted = new Set<string>();
    for (const side of SIDES) {
      const c = this.ctx.connectors[side];
      if (!c.capabilities.events || !c.watch) continue;
      for (const id of watchRoots(states, side)) wanted.add(`${side}\0${id}`);
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
        this.active.set(key, await this.ctx.connectors[side].watch!(id, () => this.onChange()));
      } catch (err) {
        this.warn(`cannot watch ${side} folder ${id}: ${(err as Error).message}; relying on intervals`);
      }
    }
  }

  /** Stop every watch. */
  close(): void {
    for (const stop of this.active.values()) stop();
    this.active.clear();
  }
}

/** `cloudsync watch`: passes at start, on intervals and on changes, until SIGINT/SIGTERM (exit 0). */
export async function runWatch(g: Globals, prefixes: string[], opts: WatchOptions): Promise<number> {
  if (g.json) g.rt.ndjson = true; // from the start: even a failure before the first event is an event line
  const emit = eventWriter(g);
  const deadline = new PassDeadline(opts.timeout);
  const opened = await openContext(
    g,
    (e: EngineEvent) => {
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
          `${e.action.path}: ${e.code}: ${e.message}`,
        );
      else if (e.event === 'warning')
        emit('warning', { setId: e.setId ?? null, message: e.message }, `warning: ${e.message}`);
      else if (e.event === 'guard')
        emit(
          'guard',
          { setId: e.setId, code: e.code, message: e.message, hint: e.hint ?? null },
          `guard: ${e.message}${e.hint ? ` (${e.hint})` : ''}`,
        );
    },
    deadline.current,
  );
  const { ctx } = opened;
  g.rt.exitWhenDone = true; // fs watchers and sockets must not keep a stopped watch alive
  const setIds = prefixes.length ? await resolveSetIds((p) => ctx.store.resolveId(p), prefixes) : undefined;
  let loop: WatchLoop | null = null;
  const subs = new Subscriptions(
    ctx,
    () => loop?.notifyChange(),
    (m) => emit('warning', { message: m }, `warning: ${m}`),
  );
  loop = new WatchLoop(
    {
      pushIntervalMs: opts.pushInterval * 1000,
      pullIntervalMs: opts.pullInterval * 1000,
      hasEvents: subs.onpremReports,
    },
    {
      runPass: async (signal) => {
        // Every set of the profile (or the named ones), each locked for this pass; a set another pass
        // holds is left to it this time (named ones wait for it: the loop retries on exit 6).
        const ids = setIds ?? (await ctx.store.listIds());
        const result = await withSetLocks(
          g,
          ids,
          (held) => deadline.run(signal, (s) => runPass(ctx, { setIds: held, signal: s })),
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
        await subs.refresh(setIds); // sets and roots may have changed (created, moved, unsynced)
        return result;
      },
      onEvent: (e: WatchLoopEvent) => {
        if (e.event === 'pass-start') emit('pass-start', { reason: e.reason });
        else if (e.event === 'pass-end') {
          const r = e.result;
          const moved = r.sets.reduce((n, s) => n + s.pushed + s.pulled + s.deleted + s.moved, 0);
          emit(
            'pass-end',
            { exitCode: r.exitCode, sets: setCounts(r) },
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
    },
  );
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
      events: subs.possible,
    },
    `watching ${setIds ? setIds.length : 'all'} set(s): push every ${opts.pushInterval} s, pull every ${opts.pullInterval} s${subs.possible ? ', plus change events' : ''}; Ctrl-C to stop`,
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
      '--timeout <s>',
      'stop a pass that runs longer than this many seconds (retried later)',
      numberIn(0.1, 604_800, false),
    )
    .addHelpText(
      'after',
      `
A side that cannot be reached is retried with backoff (up to 5 min); failed authentication stops
with exit 4. SIGINT/SIGTERM let the current action finish, save, and exit 0. With --json, one JSON
event per line: start, pass-start, action, guard, pass-end, warning, error, stopping, stop.
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
