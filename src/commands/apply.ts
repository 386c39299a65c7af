import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { createSyncSet, runPass, unsync } from '../engine/index.js';
import type { EngineContext, PassResult } from '../engine/types.js';
import { UsageError } from '../errors.js';
import { planConnections, planSets, type ConnectionStep, type SetStep } from '../fleet/apply-plan.js';
import { parseSetsFile, type SetsFile } from '../fleet/sets-file.js';
import { passEventHandler, renderPassSummary } from '../ui/pass-view.js';
import { Progress } from '../ui/progress.js';
import { newSetId } from '../store/state-store.js';
import { openStore, withEngine, withProfileLock, withSetLocks } from './context.js';
import { currentConnections } from './export.js';
import { loginSide } from './login.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

interface ApplyOptions {
  file: string;
  prune?: boolean;
  dryRun?: boolean;
  sync: boolean;
  takeOver?: boolean;
}

/** Read `-f <file>` (or `-` for stdin); a missing file is exit 2. */
async function readSetsFile(g: Globals, name: string): Promise<SetsFile> {
  if (name === '-') {
    let text = '';
    for await (const chunk of g.rt.stdin) text += String(chunk);
    return parseSetsFile(text, '(stdin)', process.cwd());
  }
  const text = await readFile(name, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(
      `cannot read ${name}: ${err.code ?? err.message}`,
      'give the sets file with -f <file>',
    );
  });
  return parseSetsFile(text, name, path.dirname(path.resolve(name)));
}

/**
 * Run the plan's steps on the sets (under the profile lock and the locks of the sets changed, `newIds` for
 * the ones created); returns the ids of the sets created.
 */
async function applySteps(ctx: EngineContext, steps: SetStep[], newIds: string[]): Promise<string[]> {
  const created: string[] = [];
  for (const step of steps) {
    if (step.action === 'update') {
      const state = await ctx.store.load(step.id!);
      state.set.options = { ...step.wanted!.options };
      state.set.excludes = [...step.wanted!.excludes];
      await ctx.store.save(state);
    } else if (step.action === 'prune') {
      await unsync(ctx, step.id!, undefined, { removeFromCloud: false });
    } else if (step.action === 'create') {
      const w = step.wanted!;
      const state = await createSyncSet(ctx, {
        id: newIds[created.length],
        paths: w.paths,
        target: w.target,
        mkdir: w.mkdir,
        name: w.name,
        options: w.options,
        excludes: w.excludes,
      });
      step.id = state.set.id;
      created.push(state.set.id);
    }
  }
  return created;
}

const MARK: Record<SetStep['action'], string> = {
  unchanged: '=',
  create: '+',
  update: '~',
  extra: '!',
  prune: '-',
};

/** The plan for people: one line per connection logged in and per set. */
function renderPlan(conns: ConnectionStep[], steps: SetStep[], dryRun: boolean): string {
  const lines: string[] = [];
  const will = dryRun ? 'would ' : '';
  for (const c of conns)
    if (c.action === 'login')
      lines.push(`+ ${c.side}: ${will}log in to local folder ${c.connection!.address}`);
  for (const s of steps) {
    const id = s.id ? ` (${s.id})` : '';
    const what: Record<SetStep['action'], string> = {
      unchanged: 'unchanged',
      create: `${will}create`,
      update: `${will}update ${s.changes.map((c) => `${c.field}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`).join(', ')}`,
      extra: 'in state but not in the file (kept; --prune unsyncs it)',
      prune: `${will}unsync (cloud copies kept)`,
    };
    lines.push(`${MARK[s.action]} ${s.name}${id}: ${what[s.action]}`);
  }
  if (lines.length === 0) lines.push('no sets in the file or in state');
  return lines.join('\n');
}

/** `cloudsync apply -f <file>`: make the profile's sets what the file says (idempotent; see the README). */
export async function runApply(g: Globals, opts: ApplyOptions): Promise<number> {
  const file = await readSetsFile(g, opts.file);
  const conns = planConnections(file, currentConnections(g), g.profile);
  const prune = Boolean(opts.prune);
  let steps = planSets(file, await openStore(g).loadAll(), prune);
  let pass: PassResult | undefined;
  const dryRun = Boolean(opts.dryRun);
  if (!dryRun) {
    for (const c of conns) if (c.action === 'login') await loginSide(g, c.side, c.connection!.address, {});
    if (steps.some((s) => s.action !== 'unchanged' && s.action !== 'extra')) {
      const progress = new Progress(g.out);
      const onEvent = g.json ? undefined : passEventHandler(g.out, progress);
      try {
        pass = await withEngine(g, onEvent, (ctx) =>
          withProfileLock(g, async () => {
            if (opts.takeOver) ctx.owner!.takeOver = true;
            // Planned again under the lock: another command may have changed the sets meanwhile.
            steps = planSets(file, await ctx.store.loadAll(), prune);
            // Each set changed is locked (a pass running on it: exit 6); new sets get their ids now, so
            // their locks are held before their state exists.
            const changed = steps.filter((s) => s.action === 'update' || s.action === 'prune');
            const newIds: string[] = [];
            const taken = await ctx.store.listIds();
            for (const _ of steps.filter((s) => s.action === 'create'))
              newIds.push(newSetId([...taken, ...newIds]));
            return withSetLocks(g, [...changed.map((s) => s.id!), ...newIds], async () => {
              const created = await applySteps(ctx, steps, newIds);
              return opts.sync && created.length > 0 ? runPass(ctx, { setIds: created }) : undefined;
            });
          }),
        );
      } finally {
        progress.stop();
      }
    }
  }
  const exitCode = pass?.exitCode ?? 0;
  const sets = steps.map(({ wanted: _wanted, ...s }) => s);
  g.out.result(
    {
      dryRun,
      connections: conns.map(({ side, action }) => ({ side, action })),
      sets,
      pass: pass ?? null,
      exitCode,
    },
    () => {
      const plan = renderPlan(conns, steps, dryRun);
      return pass ? `${plan}\n${renderPassSummary(g.out, pass)}` : plan;
    },
  );
  return exitCode;
}

/** Register `apply`. */
export function registerApply(program: Command, rt: Runtime): void {
  program
    .command('apply')
    .description("make the profile's sets what a sets file (YAML or JSON) declares; idempotent")
    .requiredOption('-f, --file <file>', 'the sets file (YAML or JSON; - for stdin)')
    .option('--prune', 'unsync sets that are in state but not in the file (cloud copies are kept)')
    .option('--dry-run', 'print what would change and change nothing')
    .option('--no-sync', 'only record new sets; the first pass runs with `cloudsync sync`')
    .option('--take-over', 'claim new sets that another installation syncs (see `sync --take-over`)')
    .addHelpText(
      'after',
      `
Sets are matched by name. A set whose definition matches is left alone, changed options and
excludes are applied, a new set is created and pushed (unless --no-sync). Exit codes: 0 done,
2 invalid file or a change that cannot be applied, else those of the first pass of new sets.

Examples:
  $ cloudsync apply -f cloudsync.yaml --dry-run
  $ cloudsync apply -f cloudsync.yaml --prune --json`,
    )
    .action(commandAction(rt, (g, cmd) => runApply(g, cmd.opts<ApplyOptions>())));
}
