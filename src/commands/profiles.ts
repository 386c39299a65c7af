import type { Command } from 'commander';
import { ConfigStore } from '../config/config.js';
import { SIDES } from '../connectors/types.js';
import { StateStore } from '../store/state-store.js';
import { renderTable } from '../ui/table.js';
import { homeOf } from './context.js';
import { commandAction, knownProfiles, type Globals, type Runtime } from './runtime.js';

/** One profile as `profiles --json` shows it. */
export interface ProfileRow {
  name: string;
  /** The profile this run uses (--profile, CLOUDSYNC_PROFILE or `default`). */
  current: boolean;
  onprem: { kind: string; address: string } | null;
  cloud: { kind: string; address: string } | null;
  sets: number;
}

/** `cloudsync profiles`: every profile of the home, its two connections and how many sets it has. */
export async function runProfiles(g: Globals): Promise<number> {
  const home = homeOf(g);
  const config = new ConfigStore(home);
  const names = await knownProfiles(home);
  const rows: ProfileRow[] = [];
  for (const name of names) {
    const row: ProfileRow = { name, current: name === g.profile, onprem: null, cloud: null, sets: 0 };
    for (const side of SIDES) {
      const c = await config.getConnection(name, side);
      row[side] = c ? { kind: c.kind, address: c.address } : null;
    }
    row.sets = (await new StateStore(home, name).listIds()).length;
    rows.push(row);
  }
  g.out.result(rows, () => {
    if (rows.length === 0)
      return `no profiles in ${home} yet; start with \`cloudsync setup\` or \`cloudsync login\``;
    const c = g.out.color;
    const where = (s: ProfileRow['onprem']): string =>
      s ? `${s.kind} ${s.address}` : c.dim('(not logged in)');
    return renderTable(
      c,
      ['', 'PROFILE', 'ON-PREM', 'CLOUD', 'SETS'],
      rows.map((r) => [r.current ? '*' : '', r.name, where(r.onprem), where(r.cloud), String(r.sets)]),
    );
  });
  return 0;
}

/** Register `profiles`. */
export function registerProfiles(program: Command, rt: Runtime): void {
  program
    .command('profiles')
    .description('list the profiles of this home with their connections (* marks the one in use)')
    .addHelpText(
      'after',
      `
Examples:
  $ cloudsync profiles
  $ cloudsync profiles --json | jq -r '.[].name'`,
    )
    .action(commandAction(rt, (g) => runProfiles(g), { anyProfile: true }));
}
