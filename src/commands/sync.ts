import { InvalidArgumentError, type Command } from 'commander';
import { runPass } from '../engine/index.js';
import { rebuildPairing, type ResyncReport } from '../engine/resync.js';
import type { EngineContext } from '../engine/types.js';
import { idsOfShard, parseShard } from '../fleet/shard.js';
import { newPassStats, passEventHandler, renderPassSummary } from '../ui/pass-view.js';
import { Progress } from '../ui/progress.js';
import type { BusySet } from '../store/lock.js';
import { withEngine, withSetLocks } from './context.js';
import { PassDeadline } from './pass-deadline.js';
import { syncThroughWatch, type HandOffOptions } from './sync-handoff.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

interface SyncOptions extends HandOffOptions {
  takeOver?: boolean;
  resync?: boolean;
}

/** commander parser for a number within bounds: anything else is a usage error (exit 2) naming the flag's range. */
export function numberIn(min: number, max: number, integer: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (
      value.trim() === '' ||
      !Number.isFinite(n) ||
      n < min ||
      n > max ||
      (integer && !Number.isInteger(n))
    ) {
      throw new InvalidArgumentError(
        `expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}.`,
      );
    }
    return n;
  };
}

/** Resolve set-id prefixes to ids (exit 2 for an unknown or ambiguous one); none means every set. */
export async function resolveSetIds(
  resolve: (p: string) => Promise<string>,
  prefixes: string[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const p of prefixes) ids.push(await resolve(p));
  return [...new Set(ids)];
}

/** `cloudsync sync`: one pass; the exit code is the pass's (SPEC §5). */
export async function runSync(g: Globals, prefixes: string[], opts: SyncOptions): Promise<number> {
  const progress = new Progress(g.out);
  const stats = newPassStats(g.out);
  const onEvent = g.json ? undefined : passEventHandler(g.out, progress, stats);
  try {
    // --resync and --take-over are this command's own work: never handed to a running watch.
    const handed = opts.resync || opts.takeOver ? null : await syncThroughWatch(g, prefixes, opts);
    if (handed !== null) {
      if (g.json || !g.quiet || handed.exitCode !== 0)
        g.out.result(handed, () => renderPassSummary(g.out, handed, stats));
      return handed.exitCode;
    }
    const deadline = new PassDeadline(opts.timeout);
    const skipped: BusySet[] = [];
    const resynced: ResyncReport[] = [];
    const result = await withEngine(
      g,
      onEvent,
      async (ctx) => {
        if (opts.takeOver) ctx.owner!.takeOver = true;
        let setIds = await resolveSetIds((p) => ctx.store.resolveId(p), prefixes);
        const named = setIds.length > 0;
        if (!named) setIds = await ctx.store.listIds();
        if (opts.shard) setIds = idsOfShard(setIds, opts.shard);
        // An empty list means "every set" to the engine: no sets (or a shard with none) has nothing to do.
        if (setIds.length === 0) return { sets: [], exitCode: 0, dryRun: Boolean(opts.dryRun) };
        // Sets named on the command line must all be taken (else exit 6); of "every set" (or a shard) the
        // ones another pass holds are skipped with a warning: that pass is syncing them.
        const onBusy = named
          ? undefined
          : (busy: BusySet[]) => {
              skipped.push(...busy);
              for (const b of busy) g.out.warn(`set ${b.id} skipped: another pass holds it (${b.holder})`);
            };
        return withSetLocks(
          g,
          setIds,
          async (held) => {
            // --resync: the pairing of each set is rebuilt from both sides before its pass (see README).
            if (opts.resync) resynced.push(...(await resyncSets(ctx, held, Boolean(opts.dryRun))));
            if (opts.resync && opts.dryRun) return { sets: [], exitCode: 0, dryRun: true };
            return deadline.run(undefined, (signal) =>
              runPass(ctx, {
                setIds: held,
                dryRun: Boolean(opts.dryRun),
                force: Boolean(opts.force),
                maxDeletePercent: opts.maxDelete,
                transfers: opts.transfers,
                signal,
              }),
            );
          },
          { onBusy },
        );
      },
      deadline.current,
    );
    progress.stop();
    // -q: a pass that went well prints nothing (errors and failures still do), like rsync -q.
    if (g.json || !g.quiet || result.exitCode !== 0)
      g.out.result(
        {
          ...result,
          ...(skipped.length ? { skipped } : {}),
          ...(opts.resync ? { resync: resynced } : {}),
        },
        () =>
          [
            ...resynced.map(describeResync),
            ...(opts.resync && opts.dryRun ? [] : [renderPassSummary(g.out, result, stats)]),
          ].join('\n'),
      );
    return result.exitCode;
  } finally {
    progress.stop();
  }
}

/** Rebuild the pairing of each set (saved unless a dry run); what was found, per set. */
async function resyncSets(ctx: EngineContext, ids: string[], dryRun: boolean): Promise<ResyncReport[]> {
  const out: ResyncReport[] = [];
  for (const id of ids) {
    const { state, report } = await rebuildPairing(await ctx.store.load(id), ctx.connectors);
    if (!dryRun) await ctx.store.save(state);
    out.push(report);
  }
  return out;
}

function describeResync(r: ResyncReport): string {
  return `resync ${r.id}: ${r.paired} paired by path (their content is compared), ${r.onpremOnly} on-prem only and ${r.cloudOnly} cloud only (copied across)`;
}

/** Register `sync`. */
export function registerSync(program: Command, rt: Runtime): void {
  program
    .command('sync')
    .description('run one pass: push on-prem changes, pull cloud changes')
    .argument('[set-id...]', 'set ids or unique prefixes (default: every set of the profile)')
    .option('--dry-run', 'print the plan and change nothing (not even state)')
    .option('--force', 'run even when more than --max-delete percent of a set would be deleted')
    .option(
      '--max-delete <percent>',
      'abort a set that would lose more than this percent of members (default 50)',
      numberIn(0, 100, false),
    )
    .option('--transfers <n>', 'files transferred at once (default 4)', numberIn(1, 64, true))
    .option(
      '--shard <i/n>',
      'only the sets of shard i of n (i from 0): sha256 of the set id, modulo n',
      parseShard,
    )
    .option(
      '--resync',
      'rebuild the pairing from both sides (lost state): equal files pair, different ones are conflicts; deletes made meanwhile come back',
    )
    .option('--take-over', 'claim sets another installation (or a copy of this home) syncs; see the README')
    .option(
      '--timeout <s>',
      'stop the pass cleanly after this many seconds (exit 7); what it did is kept',
      numberIn(0.1, 604_800, false),
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 in sync, 2 a set is owned by another installation (--take-over), 3 some members failed,
4 authentication, 5 a safety guard stopped the pass (nothing changed), 6 another pass is running, 7 a side
is unreachable. While \`watch\` runs for the profile, sync asks it to run the pass and reports that pass's
result (not with --resync or --take-over).

Examples:
  $ cloudsync sync
  $ cloudsync sync 3f2a --dry-run
  $ cloudsync sync --max-delete 10 --transfers 8 --json
  $ cloudsync sync --shard "$JOB_COMPLETION_INDEX/4"     # one of 4 machines
  $ cloudsync sync --timeout 600`,
    )
    .action(
      commandAction(rt, (g, cmd) => runSync(g, cmd.processedArgs[0] as string[], cmd.opts<SyncOptions>())),
    );
}
