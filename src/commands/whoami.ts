import type { Command } from 'commander';
import { ConfigStore } from '../config/config.js';
import { SIDES, type Side } from '../connectors/types.js';
import { CloudsyncError, ExitCode } from '../errors.js';
import { renderTable } from '../ui/table.js';
import { homeOf, openSide, parseSide } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** One side as `whoami` reports it. */
export interface WhoamiRow {
  side: Side;
  loggedIn: boolean;
  kind: 'local' | 'alfresco' | null;
  address: string | null;
  user: string | null;
  reachable: boolean;
  /** Why the side is not reachable (null when it is). */
  reason: string | null;
  /** The exit code this side alone would give (0 when reachable). */
  exitCode: number;
}

/** Check one side: its connection, its user, and whether it answers (also used by `status`). */
export async function checkSide(g: Globals, side: Side): Promise<WhoamiRow> {
  const conn = await new ConfigStore(homeOf(g)).getConnection(g.profile, side);
  if (!conn) {
    return {
      side,
      loggedIn: false,
      kind: null,
      address: null,
      user: null,
      reachable: false,
      reason: `not logged in; run \`cloudsync login ${side} <folder|url>\``,
      exitCode: ExitCode.usage,
    };
  }
  const row: WhoamiRow = {
    side,
    loggedIn: true,
    kind: conn.kind,
    address: conn.address,
    user: conn.username ?? null,
    reachable: false,
    reason: null,
    exitCode: 0,
  };
  const connector = await openSide(g, side, conn);
  try {
    const who = await connector.whoami();
    row.user = who.user;
    row.reachable = true;
  } catch (err) {
    if (!(err instanceof CloudsyncError)) throw err;
    row.reason = err.hint ? `${err.message} (${err.hint})` : err.message;
    row.exitCode = err.exitCode;
  } finally {
    await connector.close();
  }
  return row;
}

/** `cloudsync whoami [side]`: exit 0 when every side asked about answers, else the first failing side's code. */
export async function runWhoami(g: Globals, sideArg: string | undefined): Promise<number> {
  const sides = sideArg ? [parseSide(sideArg)] : [...SIDES];
  const rows = await Promise.all(sides.map((s) => checkSide(g, s)));
  const exitCode = rows.find((r) => r.exitCode !== 0)?.exitCode ?? 0;
  const c = g.out.color;
  g.out.result({ profile: g.profile, sides: rows, exitCode }, () =>
    renderTable(
      c,
      ['SIDE', 'KIND', 'ADDRESS', 'USER', 'REACHABLE'],
      rows.map((r) => [
        r.side,
        r.kind ?? '-',
        r.address ?? '-',
        r.user ?? '-',
        r.reachable ? c.green('yes') : `${c.red('no')}: ${r.reason ?? ''}`,
      ]),
    ),
  );
  return exitCode;
}

/** Register `whoami`. */
export function registerWhoami(program: Command, rt: Runtime): void {
  program
    .command('whoami')
    .description('show each side: connection, user, and whether it can be reached')
    .argument('[side]', 'onprem or cloud (default: both)')
    .addHelpText(
      'after',
      `
Exit code 0 when every side asked about is reachable; 2 not logged in, 4 login refused or expired,
7 unreachable.

Examples:
  $ cloudsync whoami
  $ cloudsync whoami cloud --json`,
    )
    .action(commandAction(rt, (g, cmd) => runWhoami(g, cmd.processedArgs[0] as string | undefined)));
}
