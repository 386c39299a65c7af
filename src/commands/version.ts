import type { Command } from 'commander';
import { commandAction, type Runtime } from './runtime.js';
import { runVersion } from './version-info.js';

export { runVersion, type VersionInfo } from './version-info.js';

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
