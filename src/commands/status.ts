import path from 'node:path';
import type { Command } from 'commander';
import { SIDES } from '../connectors/types.js';
import { toSetRow, type SetRow } from '../engine/views.js';
import { formatRelativeTime } from '../ui/format.js';
import { colorStatus } from '../ui/status.js';
import { renderPairs, renderTable } from '../ui/table.js';
import { homeOf, openStore } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';
import { checkSide, type WhoamiRow } from './whoami.js';

/** What `status --json` prints. */
export interface StatusView {
  profile: string;
  sides: WhoamiRow[];
  sets: SetRow[];
  paths: { home: string; state: string; log: string | null };
}

/**
 * `cloudsync status`: the one screen a newcomer asks for: both connections (reachable or why not), every set
 * with its last pass and failures, and where the files live. Exit 0 whenever it could report; the answers are
 * in the fields (`whoami` and `list --errors` have exit codes for scripts).
 */
export async function runStatus(g: Globals): Promise<number> {
  const home = homeOf(g);
  const [sides, states] = await Promise.all([
    Promise.all(SIDES.map((s) => checkSide(g, s))),
    openStore(g).loadAll(),
  ]);
  const view: StatusView = {
    profile: g.profile,
    sides,
    sets: states.map(toSetRow),
    paths: { home, state: path.join(home, 'state', g.profile), log: g.out.log?.file ?? null },
  };
  g.out.result(view, () => renderStatus(g, view));
  return 0;
}

function renderStatus(g: Globals, view: StatusView): string {
  const c = g.out.color;
  const parts = [c.bold(`Profile ${view.profile}`), ''];
  parts.push(
    renderTable(
      c,
      ['SIDE', 'KIND', 'ADDRESS', 'USER', 'REACHABLE'],
      view.sides.map((r) => [
        r.side,
        r.kind ?? '-',
        r.address ?? '-',
        r.user ?? '-',
        r.reachable ? c.green('yes') : `${c.red('no')}: ${r.reason ?? ''}`,
      ]),
    ),
    '',
  );
  if (view.sets.length === 0) {
    const ready = view.sides.every((s) => s.loggedIn);
    parts.push(
      ready
        ? 'No sync sets yet: create one with `cloudsync create <path> --target <cloud-folder>`.'
        : 'Nothing set up yet: run `cloudsync setup` (a wizard), or `cloudsync login` for each side.',
    );
  } else {
    parts.push(
      renderTable(
        c,
        ['ID', 'NAME', 'KIND', 'MEMBERS', 'FAILED', 'STATUS', 'LAST PASS'],
        view.sets.map((r) => [
          r.id,
          r.name,
          r.kind,
          String(r.members) + (r.detached ? c.dim(` (+${r.detached} detached)`) : ''),
          r.failed ? c.red(String(r.failed)) : '0',
          colorStatus(c, r.status),
          formatRelativeTime(r.lastSyncAt),
        ]),
      ),
    );
    const failing = view.sets.filter((s) => s.failed > 0);
    if (failing.length)
      parts.push('', `See the failures with \`cloudsync inspect ${failing[0]!.id}\` (or \`list --errors\`).`);
  }
  parts.push(
    '',
    renderPairs(c, [
      ['home', view.paths.home],
      ['state', view.paths.state],
      ['log', view.paths.log ?? '(none: --no-log-file)'],
    ]),
  );
  return parts.join('\n');
}

/** Register `status`. */
export function registerStatus(program: Command, rt: Runtime): void {
  program
    .command('status')
    .description('one screen: both connections, every set with its last pass and failures, where files live')
    .addHelpText(
      'after',
      `
Examples:
  $ cloudsync status
  $ cloudsync status --json | jq '.sets[] | select(.failed > 0) | .id'`,
    )
    .action(commandAction(rt, (g) => runStatus(g)));
}
