import path from 'node:path';
import { Option, type Command } from 'commander';
import type { ConnectionConfig } from '../config/config.js';
import type { Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { createSyncSet, runPass } from '../engine/index.js';
import type { EngineContext, PassResult } from '../engine/types.js';
import { toSetRow } from '../engine/views.js';
import { CONFLICT_POLICIES, type ConflictPolicy } from '../store/schema.js';
import { newPassStats, passEventHandler, renderPassSummary } from '../ui/pass-view.js';
import { Progress } from '../ui/progress.js';
import { requireConnection, withEngine, withProfileLock, withSetLocks } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

interface CreateOptions {
  target: string;
  mkdir?: boolean;
  sync: boolean;
  takeOver?: boolean;
  name?: string;
  lockOnprem?: boolean;
  deleteOnCloud: boolean;
  deleteOnprem?: boolean;
  subfolders: boolean;
  conflict: ConflictPolicy;
  exclude?: string[];
}

/**
 * A path as the user typed it, as a path of the connection: an absolute path inside a local connection's
 * folder is taken relative to it (what a shell's Tab completion produces); outside it is a usage error.
 */
export function connectionPath(conn: ConnectionConfig, side: Side, p: string): string {
  if (conn.kind !== 'local' || !path.isAbsolute(p)) return p;
  const rel = path.relative(conn.address, p);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new UsageError(
      `${p} is not inside the ${side} folder ${conn.address}`,
      `give a path inside ${conn.address}, or relative to it`,
    );
  }
  return rel.split(path.sep).join('/');
}

/** `cloudsync create`: record the set, then push it at once unless --no-sync. Exit code is the pass's. */
export async function runCreate(g: Globals, given: string[], opts: CreateOptions): Promise<number> {
  const onpremConn = await requireConnection(g, 'onprem');
  const cloudConn = await requireConnection(g, 'cloud');
  const paths = given.map((p) => connectionPath(onpremConn, 'onprem', p));
  const target = connectionPath(cloudConn, 'cloud', opts.target);
  const progress = new Progress(g.out);
  const stats = newPassStats(g.out);
  const onEvent = g.json ? undefined : passEventHandler(g.out, progress, stats);
  try {
    const createAndPush = async (ctx: EngineContext, id: string) => {
      const created = await createSyncSet(ctx, {
        id,
        paths,
        target,
        mkdir: Boolean(opts.mkdir),
        name: opts.name,
        options: {
          lockOnPrem: Boolean(opts.lockOnprem),
          deleteOnCloud: opts.deleteOnCloud,
          deleteOnPrem: Boolean(opts.deleteOnprem),
          includeSubfolders: opts.subfolders,
          conflict: opts.conflict,
        },
        excludes: opts.exclude ?? [],
      });
      if (!opts.sync) return { state: created, pass: undefined as PassResult | undefined };
      const result = await runPass(ctx, { setIds: [created.set.id] });
      // Reload: the pass added members (a folder's content) and set times.
      return { state: await ctx.store.load(created.set.id), pass: result };
    };
    const { state, pass } = await withEngine(g, onEvent, (ctx) =>
      // The set list's lock (no two creates of overlapping sets), and the new set's own, taken before its
      // state exists so no other pass can start on it before its first pass here.
      withProfileLock(g, async () => {
        const id = await ctx.store.newId();
        if (opts.takeOver) ctx.owner!.takeOver = true;
        return withSetLocks(g, [id], () => createAndPush(ctx, id));
      }),
    );
    const row = toSetRow(state);
    if (g.quiet && !g.json && (pass?.exitCode ?? 0) === 0) return 0; // -q: nothing on success
    // Created over content already in the target: equal files were paired, different ones clash.
    const clashed = state.members
      .filter((m) => m.status === 'FAILED' && m.errorCode === 'TARGET_FOLDER_NAME_CLASH')
      .map((m) => m.onprem?.path ?? m.cloud?.path ?? m.key);
    g.out.result(pass ? { ...row, pass, clashed } : row, () => {
      const head = `created ${row.kind} set ${row.id} (${row.name}) -> ${row.target || '/'}`;
      if (!pass) return `${head}\nnot synced yet; run \`cloudsync sync ${row.id.slice(0, 8)}\``;
      const lines = [head, renderPassSummary(g.out, pass, stats)];
      if (clashed.length > 0)
        lines.push(
          `the target already held this set's content: equal files were paired; ${clashed.length} differ and were left as they are (failed): ${clashed.slice(0, 5).join(', ')}${clashed.length > 5 ? ', ...' : ''}`,
          `to pair them, the set's conflict policy deciding (losers kept): cloudsync sync ${row.id.slice(0, 8)} --resync`,
        );
      return lines.join('\n');
    });
    return pass?.exitCode ?? 0;
  } finally {
    progress.stop();
  }
}

/** Register `create`. */
export function registerCreate(program: Command, rt: Runtime): void {
  program
    .command('create')
    .description('create a sync set: one folder, or one or more documents, synced into a cloud folder')
    .argument('<path...>', 'on-prem paths: one folder, or one or more files')
    .requiredOption('--target <path>', 'cloud folder the set is created in')
    .option('--mkdir', 'create the target folder when it does not exist')
    .option('--no-sync', 'only record the set; the first pass runs with `cloudsync sync`')
    .option('--name <label>', 'a label for the set (default: the folder or first document name)')
    .option('--take-over', 'claim the set when another installation syncs one of that name there')
    .option('--lock-onprem', 'lock the on-prem copies while they are synced')
    .option('--no-delete-on-cloud', 'keep the cloud copy when a member is deleted on-prem')
    .option('--delete-onprem', 'delete the on-prem node when its cloud copy is deleted')
    .option('--no-subfolders', 'folder sets: sync only the files directly in the folder')
    .addOption(
      new Option('--conflict <policy>', 'who wins when both sides changed')
        .choices(CONFLICT_POLICIES)
        .default('cloud-wins'),
    )
    .option('--exclude <glob...>', 'skip matching paths (repeatable; added to the default excludes)')
    .addHelpText(
      'after',
      `
Examples:
  $ cloudsync create Projects --target Shared
  $ cloudsync create Plans/q3.docx Plans/q4.docx --target Partners/ACME --mkdir
  $ cloudsync create Projects --target Shared --conflict keep-both --exclude '*.bak' --no-sync`,
    )
    .action(
      commandAction(rt, (g, cmd) =>
        runCreate(g, cmd.processedArgs[0] as string[], cmd.opts<CreateOptions>()),
      ),
    );
}
