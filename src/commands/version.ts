import type { Command } from 'commander';
import { buildCommit, VERSION } from '../package-info.js';
import { renderPairs } from '../ui/table.js';
import { resolveHome } from '../config/home.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** What `version --json` prints. */
export interface VersionInfo {
  version: string;
  commit: string | null;
  node: string;
  platform: string;
  arch: string;
  home: string;
}

/** `cloudsync version` (also `--version`): what runs, where, and which home it would use. */
export async function runVersion(g: Globals): Promise<number> {
  const info: VersionInfo = {
    version: VERSION,
    commit: buildCommit(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    home: resolveHome(g.homeFlag, g.rt.env),
  };
  g.out.result(info, () =>
    renderPairs(g.out.color, [
      ['cloudsync', info.version],
      ['commit', info.commit ?? 'unknown'],
      ['node', info.node],
      ['platform', `${info.platform} ${info.arch}`],
      ['home', info.home],
    ]),
  );
  return 0;
}

/** Register `version`. Extra words are ignored so that `--version` anywhere on a line lands here. */
export function registerVersion(program: Command, rt: Runtime): void {
  program
    .command('version')
    .description('print the version, commit, Node version, platform and the home in use')
    .allowExcessArguments()
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
Examples:
  $ cloudsync version
  $ cloudsync --version --json | jq -r .version`,
    )
    .action(commandAction(rt, (g) => runVersion(g), { anyProfile: true }));
}
