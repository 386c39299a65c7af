import type { Command } from 'commander';
import { ConfigStore, type ConnectionConfig } from '../config/config.js';
import { CredentialStore, type Credentials } from '../config/credentials.js';
import { SIDES, type Connector, type Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { BACK_LABEL, GoBack, openWizard, type Wizard } from '../ui/wizard.js';
import { pickMembers, pickTarget } from '../ui/wizard-browse.js';
import { askConnection, type ConnectionAnswers } from '../ui/wizard-connect.js';
import {
  askOptions,
  askYesNo,
  defaultSetName,
  equivalentCommands,
  renderSummary,
  type SetupPlan,
} from '../ui/wizard-options.js';
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

/** What a side looked like before the wizard touched it, so an aborted wizard can put it back. */
interface SideBefore {
  conn: ConnectionConfig | undefined;
  creds: Credentials | undefined;
}

/** Keep the existing connection of a side, or ask a new one and log in with the same code as `login`. */
async function connectSide(
  g: Globals,
  w: Wizard,
  side: Side,
  canGoBack: boolean,
): Promise<ConnectionAnswers> {
  const existing = await new ConfigStore(homeOf(g)).getConnection(g.profile, side);
  if (existing) {
    const keep = await w.q.select<'keep' | 'change' | 'back'>(
      {
        message: `${side} is ${existing.address}:`,
        choices: [
          { name: 'keep it', value: 'keep' },
          { name: 'change it', value: 'change' },
          ...(canGoBack ? [{ name: BACK_LABEL, value: 'back' as const }] : []),
        ],
      },
      w.ctx,
    );
    if (keep === 'back') throw new GoBack();
    if (keep === 'keep') return answersOf(existing);
  }
  return askConnection(
    w,
    side,
    async (a) => {
      const opts: LoginOptions = {};
      if (a.kind === 'alfresco') Object.assign(opts, { username: a.username, password: a.password ?? '' });
      if (a.network) opts.network = a.network;
      if (a.caFile) opts.caFile = a.caFile;
      return (await loginSide(g, side, a.address, opts)).user;
    },
    canGoBack,
  );
}

/** Open one side's connector for browsing. */
async function openForBrowse(g: Globals, side: Side): Promise<Connector> {
  const conn = await new ConfigStore(homeOf(g)).getConnection(g.profile, side);
  return openSide(g, side, conn!);
}

/** Run `pick` over one side's connector, closing it whatever happens. */
async function browseSide<T>(g: Globals, side: Side, pick: (c: Connector) => Promise<T>): Promise<T> {
  const c = await openForBrowse(g, side);
  try {
    return await pick(c);
  } finally {
    await c.close();
  }
}

/** Put each side's connection and credentials back as they were before the wizard (Ctrl-C, stop). */
async function rollBack(g: Globals, before: Partial<Record<Side, SideBefore>>): Promise<void> {
  const config = new ConfigStore(homeOf(g));
  const credentials = new CredentialStore(homeOf(g));
  for (const side of SIDES) {
    const b = before[side];
    if (!b) continue;
    if (b.conn) await config.setConnection(g.profile, side, b.conn);
    else await config.deleteConnection(g.profile, side);
    if (b.creds) credentials.set(g.profile, side, b.creds);
    else credentials.delete(g.profile, side);
  }
}

/**
 * `cloudsync setup`: connect both sides (testing each, fixing only the answer at fault), browse for what to
 * sync and where, name it, choose the options, confirm, then run `create` (the first pass) and print the
 * commands that do the same without questions. "← back" returns to the previous step; Ctrl-C (or stop)
 * rolls back the logins made so far. Refused without a person at a terminal.
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
  const home = homeOf(g);
  const before: Partial<Record<Side, SideBefore>> = {};
  const sides = {} as Record<Side, ConnectionAnswers>;
  let members: SetupPlan['members'] | undefined;
  let target: SetupPlan['target'] | undefined;
  let name = '';
  let options: SetupPlan['options'] | undefined;
  const steps: (() => Promise<void>)[] = [
    ...SIDES.map((side, i) => async () => {
      before[side] ??= {
        conn: await new ConfigStore(home).getConnection(g.profile, side),
        creds: new CredentialStore(home).get(g.profile, side),
      };
      sides[side] = await connectSide(g, w, side, i > 0);
    }),
    async () => {
      members = await browseSide(g, 'onprem', (c) => pickMembers(w, c));
    },
    async () => {
      target = await browseSide(g, 'cloud', (c) => pickTarget(w, c));
    },
    async () => {
      const dflt = defaultSetName(members!.paths);
      name = (await w.q.input({ message: 'Name of the sync set:', default: dflt }, w.ctx)).trim() || dflt;
    },
    async () => {
      options = await askOptions(w, members!.kind);
    },
  ];
  try {
    let plan: SetupPlan | undefined;
    let go = false;
    // "← back" at the final question returns to the options (the last step).
    for (let i = 0; !plan;) {
      try {
        if (i < steps.length) {
          await steps[i]!();
          i++;
          continue;
        }
        const next: SetupPlan = {
          profile: g.profile,
          home: g.homeFlag || g.rt.env.CLOUDSYNC_HOME ? home : undefined,
          name,
          sides,
          members: members!,
          target: target!,
          options: options!,
        };
        g.out.info(`\nAbout to create this sync set and run its first pass:\n${renderSummary(next)}`);
        go = await askYesNo(w, 'Create it now?', true);
        plan = next;
      } catch (err) {
        if (!(err instanceof GoBack)) throw err;
        i = Math.max(0, Math.min(i, steps.length) - 1);
      }
    }
    const secrets = SIDES.some((x) => sides[x].kind === 'alfresco') ? ' (pipe the password on stdin)' : '';
    const scripted = (): void =>
      g.out.result({ commands: equivalentCommands(plan) }, () =>
        [
          '',
          `Next time, without questions${secrets}:`,
          ...equivalentCommands(plan).map((c) => `  ${c}`),
        ].join('\n'),
      );
    if (!go) {
      await rollBack(g, before);
      g.out.info('nothing was created, and the logins made in this setup were undone');
      scripted();
      return 0;
    }
    try {
      const o = plan.options;
      return await runCreate(g, plan.members.paths, {
        target: plan.target.target,
        mkdir: plan.target.mkdir,
        sync: true,
        name: plan.name,
        lockOnprem: o.lockOnPrem,
        deleteOnCloud: o.deleteOnCloud,
        deleteOnprem: o.deleteOnPrem,
        subfolders: o.includeSubfolders,
        conflict: o.conflict,
      });
    } finally {
      scripted();
    }
  } catch (err) {
    // Ctrl-C or "stop the setup" before the set exists: leave nothing half-configured.
    if (!members || !target || !options || (err instanceof Error && err.name === 'ExitPromptError')) {
      await rollBack(g, before).catch(() => undefined);
      if (err instanceof Error && err.name === 'ExitPromptError')
        g.out.info('\nsetup cancelled; the logins made in this setup were undone');
    }
    throw err;
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
