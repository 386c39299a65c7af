import type { Command } from 'commander';
import { normalizePath, unsync } from '../engine/index.js';
import type { SetState } from '../store/schema.js';
import { formatBytes, plural } from '../ui/format.js';
import { promptConfirm } from '../ui/prompts.js';
import { openStore, withEngine, withSetLocks } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** What `unsync --remove-from-cloud` would delete in the cloud: documents and folders, and their bytes. */
export interface CloudRemoval {
  files: number;
  folders: number;
  bytes: number;
}

/**
 * The cloud copies an unsync would delete: every copy of the set, or the one direct member of a documents
 * set (a folder set goes whole). Detached copies are not the set's any more and stay.
 */
export function cloudRemoval(state: SetState, memberPath: string | undefined): CloudRemoval {
  const p = memberPath === undefined ? undefined : normalizePath(memberPath);
  const chosen =
    p === undefined || state.set.kind === 'folder'
      ? state.members
      : state.members.filter((m) => m.direct && (m.onprem?.path === p || m.cloud?.path === p));
  const removal: CloudRemoval = { files: 0, folders: 0, bytes: 0 };
  for (const m of chosen) {
    if (!m.cloud || m.detached) continue;
    if (m.kind === 'folder') removal.folders++;
    else {
      removal.files++;
      removal.bytes += m.cloud.size;
    }
  }
  return removal;
}

function describeRemoval(r: CloudRemoval): string {
  const parts = [plural(r.files, 'document')];
  if (r.folders) parts.push(plural(r.folders, 'folder'));
  return `${parts.join(' and ')} (${formatBytes(r.bytes)})`;
}

/** `cloudsync unsync <set-id> [member-path] [--remove-from-cloud]`. On-prem content is never deleted. */
export async function runUnsync(
  g: Globals,
  prefix: string,
  memberPath: string | undefined,
  opts: { removeFromCloud?: boolean; dryRun?: boolean },
): Promise<number> {
  const removeFromCloud = Boolean(opts.removeFromCloud);
  if (removeFromCloud || opts.dryRun) {
    // Show what goes before anything goes: on a terminal, ask; --yes or no terminal, go on; --dry-run, stop.
    const store = openStore(g);
    const setId = await store.resolveId(prefix);
    const removal = removeFromCloud ? cloudRemoval(await store.load(setId), memberPath) : undefined;
    const what = memberPath === undefined ? `sync set ${setId}` : `${memberPath} from sync set ${setId}`;
    if (opts.dryRun) {
      g.out.result({ id: setId, dryRun: true, removeFromCloud, cloudRemoval: removal ?? null }, () =>
        removal
          ? `would unsync ${what} and delete ${describeRemoval(removal)} in the cloud (dry run: nothing done)`
          : `would unsync ${what}; cloud copies kept (dry run: nothing done)`,
      );
      return 0;
    }
    // Nothing in the cloud to delete (no copies yet, or only detached ones): nothing to ask about.
    if (g.interactive && removal && removal.files + removal.folders > 0) {
      const ok = await promptConfirm(
        g.rt,
        `Unsync ${what} and delete ${describeRemoval(removal)} in the cloud? On-prem content stays.`,
      );
      if (!ok) {
        g.out.info('nothing done');
        return 0;
      }
    }
  }
  const { id, result } = await withEngine(g, undefined, async (ctx) => {
    const setId = await ctx.store.resolveId(prefix);
    return withSetLocks(g, [setId], async () => ({
      id: setId,
      result: await unsync(ctx, setId, memberPath, { removeFromCloud }),
    }));
  });
  g.out.result({ id, ...result, removedFromCloud: removeFromCloud }, () => {
    const what = result.setRemoved
      ? `sync set ${id.slice(0, 8)} removed`
      : `${plural(result.removedMembers, 'member')} unsynced from ${id.slice(0, 8)}`;
    const kept = result.keptFolders
      ? ` (${plural(result.keptFolders, 'folder')} kept: they hold what was never synced)`
      : '';
    return `${what}; cloud copies ${removeFromCloud ? `deleted${kept}` : 'kept'}, on-prem content untouched`;
  });
  return 0;
}

/** Register `unsync`. */
export function registerUnsync(program: Command, rt: Runtime): void {
  program
    .command('unsync')
    .description('stop syncing a set, or one direct member of a documents set')
    .argument('<set-id>', 'set id or any unique prefix')
    .argument('[member-path]', 'a direct member of a documents set (default: the whole set)')
    .option('--remove-from-cloud', 'also delete the cloud copies (on a terminal: shows what and asks)')
    .option('--dry-run', 'show what would be unsynced and deleted; change nothing')
    .addHelpText(
      'after',
      `
Cloud copies stay unless --remove-from-cloud; on-prem content is never deleted; locks cloudsync set
are released. Members inside a synced folder cannot be unsynced alone: unsync the folder.

Examples:
  $ cloudsync unsync 3f2a
  $ cloudsync unsync 3f2a Plans/q3.docx
  $ cloudsync unsync 3f2a --remove-from-cloud --dry-run
  $ cloudsync unsync 3f2a --remove-from-cloud --yes`,
    )
    .action(
      commandAction(rt, (g, cmd) => {
        const [prefix, member] = cmd.processedArgs as [string, string | undefined];
        return runUnsync(g, prefix, member, cmd.opts());
      }),
    );
}
