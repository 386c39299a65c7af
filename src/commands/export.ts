import { Option, type Command } from 'commander';
import { ConfigStore, type ConnectionConfig } from '../config/config.js';
import { SIDES, type Side } from '../connectors/types.js';
import { exportProfile } from '../fleet/apply-plan.js';
import { formatSetsFile } from '../fleet/sets-file.js';
import { homeOf, openStore } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** The logged-in connections of the profile (config.json holds no secrets). */
export function currentConnections(g: Globals): Partial<Record<Side, ConnectionConfig>> {
  const config = new ConfigStore(homeOf(g));
  const conns: Partial<Record<Side, ConnectionConfig>> = {};
  for (const side of SIDES) {
    const c = config.getConnection(g.profile, side);
    if (c) conns[side] = c;
  }
  return conns;
}

/** `cloudsync export [--format yaml|json]`: the profile as a sets file for `apply -f`, on stdout. */
export async function runExport(g: Globals, opts: { format: 'yaml' | 'json' }): Promise<number> {
  const file = exportProfile(currentConnections(g), await openStore(g).loadAll());
  const names = file.sets.map((s) => s.name);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0)
    g.out.warn(
      `several sets are named ${[...new Set(twice)].map((n) => `"${n}"`).join(', ')}: apply matches sets by name, rename one in the file`,
    );
  // --json owns stdout: the file itself is the JSON document.
  g.rt.stdout.write(formatSetsFile(file, g.json ? 'json' : opts.format));
  return 0;
}

/** Register `export`. */
export function registerExport(program: Command, rt: Runtime): void {
  program
    .command('export')
    .description('print the profile (connections without secrets, sets and their options) as a sets file')
    .addOption(new Option('--format <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'))
    .addHelpText(
      'after',
      `
Examples:
  $ cloudsync export > cloudsync.yaml
  $ cloudsync export --format json > cloudsync.json
  $ cloudsync apply -f cloudsync.yaml          # on another home: the same sets`,
    )
    .action(commandAction(rt, (g, cmd) => runExport(g, cmd.opts<{ format: 'yaml' | 'json' }>())));
}
