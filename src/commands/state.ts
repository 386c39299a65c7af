import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ConnectionConfig } from '../config/config.js';
import { SIDES, type Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { buildBundle, checkBundleConnections, checkImport, parseBundle } from '../fleet/state-bundle.js';
import type { StateStore } from '../store/state-store.js';
import { plural } from '../ui/format.js';
import { OwnerRecords } from '../store/owner-records.js';
import { homeOf, openStore, requireConnection, withProfileLock, withSetLocks } from './context.js';
import { currentConnections } from './export.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** A set named by id prefix or, failing that, by its exact name (unique). */
export async function resolveSet(store: StateStore, ref: string): Promise<string> {
  try {
    return await store.resolveId(ref);
  } catch (err) {
    if (!(err instanceof UsageError) || err.code !== 'UNKNOWN_SET') throw err;
    const named = (await store.loadAll()).filter((s) => s.set.name === ref);
    if (named.length === 1) return named[0]!.set.id;
    throw err;
  }
}

/** `cloudsync state export <set|--all>`: a versioned JSON bundle on stdout. */
export async function runStateExport(
  g: Globals,
  ref: string | undefined,
  opts: { all?: boolean },
): Promise<number> {
  if (Boolean(ref) === Boolean(opts.all))
    throw new UsageError('name one set, or pass --all', 'cloudsync state export <set> | --all');
  const conns = {} as Record<Side, ConnectionConfig>;
  for (const side of SIDES) conns[side] = await requireConnection(g, side);
  const store = openStore(g);
  const states = opts.all ? await store.loadAll() : [await store.load(await resolveSet(store, ref!))];
  const bundle = buildBundle(g.profile, conns, states, new Date());
  g.rt.stdout.write(`${JSON.stringify(bundle)}\n`);
  return 0;
}

/** `cloudsync state import <bundle>`: checked, then each set written atomically through the store. */
export async function runStateImport(
  g: Globals,
  source: string,
  opts: { replace?: boolean },
): Promise<number> {
  let text = '';
  if (source === '-') for await (const chunk of g.rt.stdin) text += String(chunk);
  else
    text = await readFile(source, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${source}: ${err.code ?? err.message}`);
    });
  const bundle = parseBundle(text, source === '-' ? '(stdin)' : source);
  checkBundleConnections(bundle, currentConnections(g), source);
  const store = openStore(g);
  const ids = bundle.sets.map((s) => s.set.id);
  await withProfileLock(g, () =>
    withSetLocks(g, ids, async () => {
      checkImport(bundle, await store.loadAll(), Boolean(opts.replace));
      const owners = new OwnerRecords(homeOf(g), g.profile);
      for (const state of bundle.sets) {
        await store.save(state);
        // A restored set is this installation's now: its next pass claims the marker, whoever wrote it.
        await owners.put(state.set.id, { pass: 0, takeOver: true });
      }
      await store.close();
    }),
  );
  const sets = bundle.sets.map((s) => ({ id: s.set.id, name: s.set.name, members: s.members.length }));
  g.out.result({ imported: sets }, () =>
    [
      `imported ${plural(sets.length, 'sync set')}`,
      ...sets.map((s) => `  ${s.id} ${s.name} (${plural(s.members, 'member')})`),
    ].join('\n'),
  );
  return 0;
}

/** Register `state export` and `state import`. */
export function registerState(program: Command, rt: Runtime): void {
  const state = program
    .command('state')
    .description('portable sync state: back up, restore, keep between CI runs');
  state
    .command('export')
    .description('print the state of one set, or of all, as a versioned JSON bundle')
    .argument('[set]', 'set id prefix or name')
    .option('--all', 'every set of the profile')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cloudsync state export --all > state.json\n  $ cloudsync state export 3f2a > projects.json',
    )
    .action(
      commandAction(rt, (g, cmd) =>
        runStateExport(g, cmd.processedArgs[0] as string | undefined, cmd.opts()),
      ),
    );
  state
    .command('import')
    .description('restore sets from a bundle made for the same connections')
    .argument('<bundle>', 'the bundle file (- for stdin)')
    .option('--replace', 'overwrite the state of a set that already exists')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cloudsync state import state.json\n  $ cloudsync state import state.json --replace',
    )
    .action(commandAction(rt, (g, cmd) => runStateImport(g, cmd.processedArgs[0] as string, cmd.opts())));
}
