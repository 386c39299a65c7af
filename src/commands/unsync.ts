import type { Command } from 'commander';
import { unsync } from '../engine/index.js';
import { plural } from '../ui/format.js';
import { withEngine } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** `cloudsync unsync <set-id> [member-path] [--remove-from-cloud]`. On-prem content is never deleted. */
export async function runUnsync(
  g: Globals,
  prefix: string,
  memberPath: string | undefined,
  opts: { removeFromCloud?: boolean },
): Promise<number> {
  const removeFromCloud = Boolean(opts.removeFromCloud);
  const { id, result } = await withEngine(g, undefined, async (ctx) => {
    const setId = await ctx.store.resolveId(prefix);
    return { id: setId, result: await unsync(ctx, setId, memberPath, { removeFromCloud }) };
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
    .option('--remove-from-cloud', 'also delete the cloud copies')
    .addHelpText(
      'after',
      `
Cloud copies stay unless --remove-from-cloud; on-prem content is never deleted; locks cloudsync set
are released. Members inside a synced folder cannot be unsynced alone: unsync the folder.

Examples:
  $ cloudsync unsync 3f2a
  $ cloudsync unsync 3f2a Plans/q3.docx
  $ cloudsync unsync 3f2a --remove-from-cloud`,
    )
    .action(
      commandAction(rt, (g, cmd) => {
        const [prefix, member] = cmd.processedArgs as [string, string | undefined];
        return runUnsync(g, prefix, member, cmd.opts());
      }),
    );
}
