import type { Command } from 'commander';
import { ConfigStore } from '../config/config.js';
import { homeOf, openSide, parseSide } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/**
 * `cloudsync complete-path <side> [word]` (hidden; for the completion scripts): the paths on that side's
 * connection that start with `word`, one per line, folders with a trailing `/`; only folders on the cloud
 * side (a target is a folder). Prints nothing when the side is not set up or cannot be browsed.
 */
export async function runCompletePath(g: Globals, sideArg: string, word = ''): Promise<number> {
  const side = parseSide(sideArg);
  const conn = await new ConfigStore(homeOf(g)).getConnection(g.profile, side);
  if (!conn) return 0;
  const connector = await openSide(g, side, conn);
  try {
    if (!connector.browse) return 0;
    const slash = word.lastIndexOf('/');
    const entries = await connector.browse(slash < 0 ? '' : word.slice(0, slash)).catch(() => []);
    const lines = entries
      .filter((e) => side === 'onprem' || e.kind === 'folder')
      .map((e) => (e.kind === 'folder' ? `${e.path}/` : e.path))
      .filter((p) => p.startsWith(word));
    if (lines.length) g.rt.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await connector.close();
  }
  return 0;
}

/** Register the hidden `complete-path`. */
export function registerCompletePath(program: Command, rt: Runtime): void {
  program
    .command('complete-path', { hidden: true })
    .description('paths on a side that start with a word (used by the completion scripts)')
    .argument('<side>', 'onprem or cloud')
    .argument('[word]', 'what has been typed so far')
    .action(
      commandAction(rt, (g, cmd) => {
        const [side, word] = cmd.processedArgs as [string, string | undefined];
        return runCompletePath(g, side, word);
      }),
    );
}
