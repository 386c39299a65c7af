import type { Command } from 'commander';
import { ConfigStore } from '../config/config.js';
import { SIDES } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { CONFLICT_POLICIES, type ConflictPolicy } from '../store/schema.js';
import { promptText } from '../ui/prompts.js';
import { homeOf } from './context.js';
import { runCreate } from './create.js';
import { runLogin } from './login.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

const NON_INTERACTIVE = `cloudsync login onprem <folder|url>; cloudsync login cloud <folder|url>;
cloudsync create <path...> --target <cloud-folder>`;

/**
 * `cloudsync setup`: a short wizard over the same commands a script would run (login each side, create a
 * first set, which runs its first pass). Refused without a person at a terminal.
 */
export async function runSetup(g: Globals): Promise<number> {
  if (!g.interactive) {
    throw new UsageError(
      'setup is interactive and there is no terminal to ask (or --yes, --json or CI is set)',
      `run the steps directly: ${NON_INTERACTIVE}`,
      'NOT_INTERACTIVE',
    );
  }
  const { confirm, select } = await import('@inquirer/prompts');
  const ctx = { input: g.rt.stdin, output: g.rt.stderr };
  const config = new ConfigStore(homeOf(g));
  for (const side of SIDES) {
    const existing = await config.getConnection(g.profile, side);
    if (
      existing &&
      !(await confirm({ message: `${side} is ${existing.address}. Change it?`, default: false }, ctx))
    ) {
      continue;
    }
    const address = await promptText(g.rt, `${side}: a local folder, or an Alfresco URL (https://…)`);
    await runLogin(g, side, address, {});
  }
  if (!(await confirm({ message: 'Create a sync set now?', default: true }, ctx))) {
    g.out.info('done; create a set later with `cloudsync create <path...> --target <cloud-folder>`');
    return 0;
  }
  const paths = (await promptText(g.rt, 'on-prem folder, or documents separated by spaces'))
    .split(/\s+/)
    .filter(Boolean);
  const target = await promptText(g.rt, 'cloud target folder', '');
  const mkdir = await confirm(
    { message: 'Create the target folder if it does not exist?', default: true },
    ctx,
  );
  const conflict = await select<ConflictPolicy>(
    {
      message: 'When both sides changed a file',
      choices: CONFLICT_POLICIES.map((p) => ({ value: p })),
      default: 'cloud-wins',
    },
    ctx,
  );
  return runCreate(g, paths, { target, mkdir, sync: true, deleteOnCloud: true, subfolders: true, conflict });
}

/** Register `setup`. */
export function registerSetup(program: Command, rt: Runtime): void {
  program
    .command('setup')
    .description('interactive wizard: connect both sides, create a first sync set, run the first pass')
    .addHelpText(
      'after',
      `
Needs a terminal. For scripts and CI run the same steps directly:
  ${NON_INTERACTIVE.replace('\n', '\n  ')}

Examples:
  $ cloudsync setup
  $ cloudsync --profile staging setup`,
    )
    .action(commandAction(rt, (g) => runSetup(g)));
}
