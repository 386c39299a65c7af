import type { Command } from 'commander';
import { ConfigStore, type ConnectionConfig } from '../config/config.js';
import { SIDES, type Connector, type Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { openWizard, type Wizard } from '../ui/wizard.js';
import { pickMembers, pickTarget } from '../ui/wizard-browse.js';
import { askConnection, type ConnectionAnswers } from '../ui/wizard-connect.js';
import { askOptions, equivalentCommands, renderSummary, type SetupPlan } from '../ui/wizard-options.js';
import { homeOf, openSide } from './context.js';
import { runCreate } from './create.js';
import { loginSide, type LoginOptions } from './login.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

const NON_INTERACTIVE = `cloudsync login onprem <folder|url>; cloudsync login cloud <folder|url>;
cloudsync create <path...> --target <cloud-folder>`;

/** The wizard's answers for a connection that already exists and is kept. */
function answersOf(conn: ConnectionConfig): ConnectionAnswers {
  return {
    kind: conn.kind,
    address: conn.address,
    username: conn.username,
    network: conn.network,
    caFile: conn.caFile,
  };
}

/** Keep the existing connection of a side, or ask a new one and log in with the same code as `login`. */
async function connectSide(g: Globals, w: Wizard, side: Side): Promise<ConnectionAnswers> {
  const existing = await new ConfigStore(homeOf(g)).getConnection(g.profile, side);
  if (
    existing &&
    !(await w.q.confirm({ message: `${side} is ${existing.address}. Change it?`, default: false }, w.ctx))
  )
    return answersOf(existing);
  return askConnection(w, side, async (a) => {
    const opts: LoginOptions = {};
    if (a.kind === 'alfresco') Object.assign(opts, { username: a.username, password: a.password ?? '' });
    if (a.network) opts.network = a.network;
    if (a.caFile) opts.caFile = a.caFile;
    return (await loginSide(g, side, a.address, opts)).user;
  });
}

/** Browse both sides: what to sync on-prem, and where it goes in the cloud. */
async function pickWhat(g: Globals, w: Wizard): Promise<Pick<SetupPlan, 'members' | 'target'>> {
  const config = new ConfigStore(homeOf(g));
  const opened: Connector[] = [];
  try {
    const open = async (side: Side): Promise<Connector> => {
      const c = await openSide(g, side, (await config.getConnection(g.profile, side))!);
      opened.push(c);
      return c;
    };
    const members = await pickMembers(w, await open('onprem'));
    const target = await pickTarget(w, await open('cloud'));
    return { members, target };
  } finally {
    await Promise.allSettled(opened.map((c) => c.close()));
  }
}

/**
 * `cloudsync setup`: connect both sides (testing each, fixing only the answer at fault), browse for what to
 * sync and where, choose the options, confirm, then run `create` (the first pass) and print the commands
 * that do the same without questions. Refused without a person at a terminal.
 */
export async function runSetup(g: Globals): Promise<number> {
  if (!g.interactive) {
    throw new UsageError(
      'setup is interactive and there is no terminal to ask (or --yes, --json or CI is set)',
      `run the steps directly: ${NON_INTERACTIVE}`,
      'NOT_INTERACTIVE',
    );
  }
  const w = await openWizard(g.rt, g.out);
  const sides = {} as Record<Side, ConnectionAnswers>;
  for (const side of SIDES) sides[side] = await connectSide(g, w, side);
  const what = await pickWhat(g, w);
  const plan: SetupPlan = {
    profile: g.profile,
    sides,
    ...what,
    options: await askOptions(w, what.members.kind),
  };
  g.out.info(`\nAbout to create this sync set and run its first pass:\n${renderSummary(plan)}`);
  const go = await w.q.confirm({ message: 'Create it now?', default: true }, w.ctx);
  const secrets = SIDES.some((x) => sides[x].kind === 'alfresco') ? ' (pipe the password on stdin)' : '';
  const scripted = (): void =>
    g.out.result({ commands: equivalentCommands(plan) }, () =>
      ['', `Next time, without questions${secrets}:`, ...equivalentCommands(plan).map((c) => `  ${c}`)].join(
        '\n',
      ),
    );
  if (!go) {
    g.out.info('nothing was created');
    scripted();
    return 0;
  }
  try {
    const o = plan.options;
    return await runCreate(g, plan.members.paths, {
      target: plan.target.target,
      mkdir: plan.target.mkdir,
      sync: true,
      lockOnprem: o.lockOnPrem,
      deleteOnCloud: o.deleteOnCloud,
      deleteOnprem: o.deleteOnPrem,
      subfolders: o.includeSubfolders,
      conflict: o.conflict,
    });
  } finally {
    scripted();
  }
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
The wizard prints those commands, filled in, when it ends.

Examples:
  $ cloudsync setup
  $ cloudsync --profile staging setup`,
    )
    .action(commandAction(rt, (g) => runSetup(g), { anyProfile: true }));
}
