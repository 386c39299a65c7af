import { Option, type Command } from 'commander';
import { editSetDefinition, type SetEdit } from '../engine/set-options.js';
import { toInspectView } from '../engine/views.js';
import { UsageError } from '../errors.js';
import { CONFLICT_POLICIES, type ConflictPolicy } from '../store/schema.js';
import { openStore, withSetLocks } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

interface SetCommandOptions {
  name?: string;
  lockOnprem?: boolean;
  deleteOnCloud?: boolean;
  deleteOnprem?: boolean;
  subfolders?: boolean;
  conflict?: ConflictPolicy;
  exclude?: string[];
  removeExclude?: string[];
  clearExcludes?: boolean;
}

/** `cloudsync set <set> [flags]`: change a set's options after creation; recorded in state, shown by inspect. */
export async function runSet(g: Globals, ref: string, opts: SetCommandOptions): Promise<number> {
  const edit: SetEdit = {
    name: opts.name,
    options: {
      lockOnPrem: opts.lockOnprem,
      deleteOnCloud: opts.deleteOnCloud,
      deleteOnPrem: opts.deleteOnprem,
      includeSubfolders: opts.subfolders,
      conflict: opts.conflict,
    },
    addExcludes: opts.exclude,
    removeExcludes: opts.removeExclude,
    clearExcludes: opts.clearExcludes,
  };
  const given = Object.values(opts).some((v) => v !== undefined);
  if (!given) {
    throw new UsageError(
      'nothing to change',
      'give one or more of --conflict, --exclude, --remove-exclude, --clear-excludes, --[no-]delete-on-cloud, --[no-]delete-onprem, --[no-]lock-onprem, --[no-]subfolders, --name (see `cloudsync set --help`)',
    );
  }
  const store = openStore(g);
  const id = await store.resolveId(ref);
  const outcome = await withSetLocks(g, [id], async () => {
    const result = editSetDefinition(await store.load(id), edit);
    if (result.changes.length) await store.save(result.state);
    return result;
  });
  const view = toInspectView(outcome.state);
  g.out.result(
    {
      id,
      changes: outcome.changes,
      membershipChanged: outcome.membershipChanged,
      options: view.options,
      excludes: view.excludes,
      name: view.name,
    },
    () => {
      if (outcome.changes.length === 0)
        return `set ${id}: nothing changed (the options already had those values)`;
      const lines = [`set ${id} (${view.name}) changed:`, ...outcome.changes.map((c) => `  ${c}`)];
      if (outcome.membershipChanged)
        lines.push(`membership changes on the next pass; preview it with \`cloudsync sync ${id} --dry-run\``);
      return lines.join('\n');
    },
  );
  return 0;
}

/** Register `set`. */
export function registerSet(program: Command, rt: Runtime): void {
  program
    .command('set')
    .description("change a sync set's options after creation (the flags of `create`)")
    .argument('<set-id>', 'set id, any unique prefix, or the set name')
    .option('--name <label>', 'rename the set (its label; nothing on either side is renamed)')
    .option('--lock-onprem', 'lock the on-prem copies while they are synced')
    .option('--no-lock-onprem', 'stop locking new on-prem copies')
    .option('--delete-on-cloud', 'delete the cloud copy when a member is deleted on-prem')
    .option('--no-delete-on-cloud', 'keep the cloud copy when a member is deleted on-prem')
    .option('--delete-onprem', 'delete the on-prem node when its cloud copy is deleted')
    .option('--no-delete-onprem', 'keep the on-prem node when its cloud copy is deleted')
    .option('--subfolders', 'folder sets: sync the subfolders too')
    .option('--no-subfolders', 'folder sets: sync only the files directly in the folder')
    .addOption(
      new Option('--conflict <policy>', 'who wins when both sides changed').choices(CONFLICT_POLICIES),
    )
    .option('--exclude <glob...>', 'add excludes (repeatable)')
    .option('--remove-exclude <glob...>', 'remove excludes added earlier')
    .option('--clear-excludes', 'remove every added exclude (the defaults stay)')
    .addHelpText(
      'after',
      `
Changing --subfolders or the excludes changes membership: the next pass adds or drops members, with the
usual guards (--max-delete). Members that become excluded stop being synced; their copies stay.

Examples:
  $ cloudsync set Projects --conflict keep-both --exclude '*.bak'
  $ cloudsync set 3f2a --no-delete-on-cloud
  $ cloudsync set 3f2a --remove-exclude '*.bak' && cloudsync sync 3f2a --dry-run`,
    )
    .action(
      commandAction(rt, (g, cmd) => runSet(g, cmd.processedArgs[0] as string, cmd.opts<SetCommandOptions>())),
    );
}
