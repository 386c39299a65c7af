import type { Side } from '../connectors/types.js';
import { DEFAULT_OPTIONS, type ConflictPolicy, type SetOptions } from '../store/schema.js';
import type { ConnectionAnswers } from './wizard-connect.js';
import type { MemberPick, TargetPick } from './wizard-browse.js';
import { BACK_LABEL, GoBack, shellQuote, type Wizard } from './wizard.js';

/** Each conflict policy in one line, shown under the highlighted choice. */
export const CONFLICT_HELP: Record<ConflictPolicy, string> = {
  'cloud-wins': 'the cloud version wins; the on-prem bytes are kept as a backup (the default)',
  'onprem-wins': 'the on-prem version wins; the cloud bytes are kept as a prior version or backup',
  'newer-wins': 'the most recently modified version wins; the other is kept',
  'keep-both': 'both stay: the loser is renamed "name (conflict <side> <date>).ext"',
};

/** A yes/no question offered as a list with "← back", like every other wizard question. */
export async function askYesNo(w: Wizard, message: string, dflt: boolean): Promise<boolean> {
  const v = await w.q.select<'yes' | 'no' | 'back'>(
    {
      message,
      choices: [
        { name: 'yes', value: 'yes' },
        { name: 'no', value: 'no' },
        { name: BACK_LABEL, value: 'back' },
      ],
      default: dflt ? 'yes' : 'no',
    },
    w.ctx,
  );
  if (v === 'back') throw new GoBack();
  return v === 'yes';
}

/**
 * Ask the sync-set options, each defaulting to the original product's value, each with its one-line meaning.
 * "← back" returns to the previous option; from the first one it leaves the step (GoBack).
 */
export async function askOptions(w: Wizard, kind: MemberPick['kind']): Promise<SetOptions> {
  const d = DEFAULT_OPTIONS;
  const o: SetOptions = { ...d };
  const questions: (() => Promise<void>)[] = [
    async () => {
      o.lockOnPrem = await askYesNo(
        w,
        'Lock the on-prem copies while synced, so nobody edits them on-prem?',
        d.lockOnPrem,
      );
    },
    async () => {
      o.deleteOnCloud = await askYesNo(
        w,
        'Delete the cloud copy when a member is deleted on-prem?',
        d.deleteOnCloud,
      );
    },
    async () => {
      o.deleteOnPrem = await askYesNo(
        w,
        'Delete the on-prem node when its cloud copy is deleted? If not, it stays and shows DELETED_ON_CLOUD.',
        d.deleteOnPrem,
      );
    },
    ...(kind === 'folder'
      ? [
          async () => {
            o.includeSubfolders = await askYesNo(
              w,
              'Include subfolders, not only the files directly in the folder?',
              d.includeSubfolders,
            );
          },
        ]
      : []),
    async () => {
      const conflict = await w.q.select<ConflictPolicy | 'back'>(
        {
          message: 'When a file changed on both sides since the last pass:',
          choices: [
            ...(Object.keys(CONFLICT_HELP) as ConflictPolicy[]).map((p) => ({
              name: p,
              value: p,
              description: CONFLICT_HELP[p],
            })),
            { name: BACK_LABEL, value: 'back' as const },
          ],
          default: d.conflict,
        },
        w.ctx,
      );
      if (conflict === 'back') throw new GoBack();
      o.conflict = conflict;
    },
  ];
  for (let i = 0; i < questions.length;) {
    try {
      await questions[i]!();
      i++;
    } catch (err) {
      if (!(err instanceof GoBack) || i === 0) throw err;
      i--;
    }
  }
  return o;
}

/** Everything the wizard will do, for the final confirmation. */
export interface SetupPlan {
  profile: string;
  /** --home to print in the commands, when it is not the default home. */
  home?: string;
  /** The set's name (label). */
  name: string;
  sides: Record<Side, ConnectionAnswers>;
  members: MemberPick;
  target: TargetPick;
  options: SetOptions;
}

/** The summary shown before anything is created. */
export function renderSummary(p: SetupPlan): string {
  const o = p.options;
  const where = (a: ConnectionAnswers): string =>
    a.kind === 'local' ? `folder ${a.address}` : `${a.address} as ${a.username}`;
  return [
    `  on-prem:  ${where(p.sides.onprem)}`,
    `  cloud:    ${where(p.sides.cloud)}`,
    `  sync:     ${p.members.kind} ${p.members.paths.join(', ')} as "${p.name}"`,
    `  into:     ${p.target.target || '/'}${p.target.mkdir ? ' (new folder)' : ''}`,
    `  options:  lock-onprem=${o.lockOnPrem} delete-on-cloud=${o.deleteOnCloud} delete-onprem=${o.deleteOnPrem}` +
      `${p.members.kind === 'folder' ? ` subfolders=${o.includeSubfolders}` : ''} conflict=${o.conflict}`,
  ].join('\n');
}

/** `cloudsync login` for one side, without its secret (scripts pass it on stdin or in the environment). */
function loginCommand(side: Side, a: ConnectionAnswers, global: string): string {
  const args = ['cloudsync', ...(global ? [global] : []), 'login', side, shellQuote(a.address)];
  if (a.kind === 'alfresco') {
    if (a.username) args.push('--username', shellQuote(a.username));
    if (a.network) args.push('--network', shellQuote(a.network));
    if (a.caFile) args.push('--ca-file', shellQuote(a.caFile));
    args.push('--password-stdin');
  }
  return args.join(' ');
}

/** The default set name `create` picks: the folder's or first document's last path segment. */
export function defaultSetName(paths: string[]): string {
  if (paths.length !== 1) return `${paths.length} documents`;
  return paths[0]!.slice(paths[0]!.lastIndexOf('/') + 1) || paths[0]!;
}

/** The non-interactive commands that do what the wizard did (with --home/--profile when not the defaults). */
export function equivalentCommands(p: SetupPlan): string[] {
  const global = [
    ...(p.home ? ['--home', shellQuote(p.home)] : []),
    ...(p.profile === 'default' ? [] : ['--profile', shellQuote(p.profile)]),
  ].join(' ');
  const o = p.options;
  const create = ['cloudsync', ...(global ? [global] : []), 'create', ...p.members.paths.map(shellQuote)];
  create.push('--target', shellQuote(p.target.target));
  if (p.target.mkdir) create.push('--mkdir');
  if (p.name !== defaultSetName(p.members.paths)) create.push('--name', shellQuote(p.name));
  if (o.lockOnPrem) create.push('--lock-onprem');
  if (!o.deleteOnCloud) create.push('--no-delete-on-cloud');
  if (o.deleteOnPrem) create.push('--delete-onprem');
  if (p.members.kind === 'folder' && !o.includeSubfolders) create.push('--no-subfolders');
  if (o.conflict !== DEFAULT_OPTIONS.conflict) create.push('--conflict', o.conflict);
  return [
    loginCommand('onprem', p.sides.onprem, global),
    loginCommand('cloud', p.sides.cloud, global),
    create.join(' '),
  ];
}
