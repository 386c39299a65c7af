import type { ConnectionConfig } from '../config/config.js';
import { SIDES, type Side } from '../connectors/types.js';
import { normalizePath } from '../engine/index.js';
import { UsageError } from '../errors.js';
import type { SetOptions, SetState } from '../store/schema.js';
import { SETS_FILE_VERSION, type FileSet, type SetsFile } from './sets-file.js';

/** What `apply` does to one set. */
export type SetAction = 'unchanged' | 'create' | 'update' | 'extra' | 'prune';

/** One field that differs between the file and the state. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** One line of the apply plan (plain data: printed by --dry-run, run by apply). */
export interface SetStep {
  name: string;
  /** The set's id in state (absent for a set still to create). */
  id?: string;
  action: SetAction;
  changes: FieldChange[];
  /** The file's definition (absent for a set only in state). */
  wanted?: FileSet;
}

/** What `apply` does to one side's connection: nothing, or log in to a local folder the file names. */
export interface ConnectionStep {
  side: Side;
  action: 'unchanged' | 'login' | 'none';
  connection?: ConnectionConfig;
}

/** The on-prem paths of a set's direct members, as the file spells them (sorted). */
export function directPaths(state: SetState): string[] {
  return state.members
    .filter((m) => m.direct && !m.detached && m.onprem)
    .map((m) => m.onprem!.path)
    .sort();
}

/** A set in state as the file declares it: what `export` writes and what `apply` compares with. */
export function toFileSet(state: SetState): FileSet {
  return {
    name: state.set.name,
    paths: directPaths(state),
    target: state.set.target.path,
    mkdir: false,
    options: { ...state.set.options },
    excludes: [...state.set.excludes],
  };
}

/** The profile's connections and sets as a sets file (no secrets: config.json holds none). */
export function exportProfile(conns: Partial<Record<Side, ConnectionConfig>>, states: SetState[]): SetsFile {
  const connections: SetsFile['connections'] = {};
  for (const side of SIDES) if (conns[side]) connections[side] = { ...conns[side] };
  const sets = states.map(toFileSet).sort((a, b) => a.name.localeCompare(b.name));
  return { version: SETS_FILE_VERSION, connections, sets };
}

const sameList = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/**
 * Compare the file with the profile's state, matching sets by name. A changed option or exclude list is an
 * update; changed paths or target cannot be applied to an existing set (its pairings hang on them): exit 2.
 */
export function planSets(file: SetsFile, states: SetState[], prune: boolean): SetStep[] {
  const byName = new Map<string, SetState[]>();
  for (const s of states) byName.set(s.set.name, [...(byName.get(s.set.name) ?? []), s]);
  const steps: SetStep[] = [];
  const problems: string[] = [];
  for (const wanted of file.sets) {
    const found = byName.get(wanted.name) ?? [];
    if (found.length > 1) {
      problems.push(
        `set "${wanted.name}": ${found.length} sets in state have that name (${found.map((s) => s.set.id).join(', ')})`,
      );
      continue;
    }
    const state = found[0];
    if (!state) {
      steps.push({ name: wanted.name, action: 'create', changes: [], wanted });
      continue;
    }
    const have = toFileSet(state);
    const paths = wanted.paths.map(normalizePath);
    if (!sameList(have.paths, paths) || normalizePath(wanted.target) !== normalizePath(have.target)) {
      problems.push(
        `set "${wanted.name}" (${state.set.id}): paths or target differ (state: ${have.paths.join(', ')} -> ${have.target || '/'}; file: ${paths.join(', ')} -> ${normalizePath(wanted.target) || '/'})`,
      );
      continue;
    }
    const changes: FieldChange[] = [];
    for (const key of Object.keys(wanted.options) as (keyof SetOptions)[]) {
      if (wanted.options[key] !== have.options[key])
        changes.push({ field: `options.${key}`, from: have.options[key], to: wanted.options[key] });
    }
    if (!sameList(have.excludes, wanted.excludes))
      changes.push({ field: 'excludes', from: have.excludes, to: wanted.excludes });
    steps.push({
      name: wanted.name,
      id: state.set.id,
      action: changes.length ? 'update' : 'unchanged',
      changes,
      wanted,
    });
  }
  if (problems.length > 0) {
    throw new UsageError(
      `the sets file cannot be applied:\n  ${problems.join('\n  ')}`,
      'a set keeps its paths and target for life: `cloudsync unsync <set>` then apply again, or give the new definition another name',
      'APPLY_CONFLICT',
    );
  }
  const named = new Set(file.sets.map((s) => s.name));
  for (const s of states) {
    if (!named.has(s.set.name))
      steps.push({ name: s.set.name, id: s.set.id, action: prune ? 'prune' : 'extra', changes: [] });
  }
  return steps;
}

/**
 * Check the file's connections against the logged-in ones. A local folder not logged in yet is logged in by
 * apply (it needs no secret); a server connection must be made with `cloudsync login`, and a connection
 * that differs from the logged-in one is exit 2 naming the command to run.
 */
export function planConnections(
  file: SetsFile,
  current: Partial<Record<Side, ConnectionConfig>>,
  profile: string,
): ConnectionStep[] {
  const prof = profile === 'default' ? '' : ` --profile ${profile}`;
  return SIDES.map((side): ConnectionStep => {
    const want = file.connections[side];
    const have = current[side];
    if (!want) return { side, action: have ? 'unchanged' : 'none' };
    const user = want.username ? ` --username ${want.username}` : '';
    const loginCmd = `cloudsync login ${side} ${want.address}${user}${prof}`;
    if (!have) {
      if (want.kind === 'local') return { side, action: 'login', connection: want };
      throw new UsageError(
        `not logged in to ${side}: the sets file names ${want.address}`,
        `run \`${loginCmd}\` (the password comes from CLOUDSYNC_${side.toUpperCase()}_PASSWORD or stdin, never from the file)`,
        'NOT_LOGGED_IN',
      );
    }
    const differs: string[] = [];
    if (have.kind !== want.kind) differs.push(`kind ${have.kind} vs ${want.kind}`);
    else if (have.address.replace(/\/+$/, '') !== want.address)
      differs.push(`address ${have.address} vs ${want.address}`);
    if (want.username !== undefined && have.username?.toLowerCase() !== want.username.toLowerCase())
      differs.push(`user ${have.username ?? '(none)'} vs ${want.username}`);
    if (differs.length > 0) {
      throw new UsageError(
        `the ${side} connection in the sets file differs from the logged-in one (${differs.join('; ')})`,
        `run \`${loginCmd}\``,
        'CONNECTION_MISMATCH',
      );
    }
    return { side, action: 'unchanged' };
  });
}
