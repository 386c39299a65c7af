import type { Command } from 'commander';
import { requestSync } from '../engine/index.js';
import { plural } from '../ui/format.js';
import { withEngine, withSetLocks } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** `cloudsync request-sync <set-id> [member-path...]`: clear failures and re-push at the next pass. */
export async function runRequestSync(g: Globals, prefix: string, memberPaths: string[]): Promise<number> {
  const { id, requested } = await withEngine(g, undefined, async (ctx) => {
    const setId = await ctx.store.resolveId(prefix);
    return withSetLocks(g, [setId], async () => ({
      id: setId,
      ...(await requestSync(ctx, setId, memberPaths)),
    }));
  });
  g.out.result(
    { id, requested },
    () =>
      `${plural(requested, 'member')} of ${id.slice(0, 8)} will be re-pushed at the next pass (\`cloudsync sync ${id.slice(0, 8)}\`)`,
  );
  return 0;
}

/** Register `request-sync`. */
export function registerRequestSync(program: Command, rt: Runtime): void {
  program
    .command('request-sync')
    .description("clear members' failures and push them again in full at the next pass")
    .argument('<set-id>', 'set id or any unique prefix')
    .argument('[member-path...]', 'on-prem member paths as `inspect` shows them (default: the whole set)')
    .addHelpText(
      'after',
      `
A cloud copy that no longer exists is re-created in the original target folder.

Examples:
  $ cloudsync request-sync 3f2a
  $ cloudsync request-sync 3f2a Projects/plan.docx && cloudsync sync 3f2a`,
    )
    .action(
      commandAction(rt, (g, cmd) => {
        const [prefix, paths] = cmd.processedArgs as [string, string[]];
        return runRequestSync(g, prefix, paths);
      }),
    );
}
