import type { Command } from 'commander';
import { toSetRow } from '../engine/views.js';
import { formatRelativeTime } from '../ui/format.js';
import { colorStatus } from '../ui/status.js';
import { renderTable } from '../ui/table.js';
import { openStore } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** `cloudsync list [--errors]`: every set of the profile with its status; --errors keeps failing ones. */
export async function runList(g: Globals, opts: { errors?: boolean }): Promise<number> {
  const states = await openStore(g).loadAll();
  const rows = states.map(toSetRow).filter((r) => !opts.errors || r.failed > 0);
  const c = g.out.color;
  // A fleet's hundreds of sets page like inspect's members (only when taller than the terminal).
  await g.out.pagedResult(
    rows,
    () => {
      if (rows.length === 0) {
        return opts.errors
          ? 'no sync set has failures'
          : 'no sync sets yet; create one with `cloudsync create`';
      }
      return renderTable(
        c,
        ['ID', 'NAME', 'KIND', 'TARGET', 'MEMBERS', 'FAILED', 'STATUS', 'LAST SYNC'],
        rows.map((r) => [
          r.id.slice(0, 8),
          r.name,
          r.kind,
          r.target || '/',
          String(r.members),
          r.failed ? c.red(String(r.failed)) : '0',
          colorStatus(c, r.status),
          formatRelativeTime(r.lastSyncAt),
        ]),
      );
    },
    g.rt.env,
  );
  return 0;
}

/** Register `list`. */
export function registerList(program: Command, rt: Runtime): void {
  program
    .command('list')
    .alias('ls')
    .description('list the sync sets of the profile with their status')
    .option('--errors', 'only sets with failed members ("Synced with Errors")')
    .addHelpText(
      'after',
      `
IDs are shown shortened; any unique prefix works wherever a set id is asked for.

Examples:
  $ cloudsync list
  $ cloudsync list --errors
  $ cloudsync list --json | jq -r '.[].id'`,
    )
    .action(commandAction(rt, (g, cmd) => runList(g, cmd.opts())));
}
