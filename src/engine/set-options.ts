import { UsageError } from '../errors.js';
import type { ConflictPolicy, SetOptions, SetState } from '../store/schema.js';

/** What `cloudsync set` may change; undefined leaves a field as it is. */
export interface SetEdit {
  name?: string;
  options?: Partial<SetOptions>;
  addExcludes?: string[];
  removeExcludes?: string[];
  clearExcludes?: boolean;
}

/** The result of an edit: the changed state and one line per changed field (empty: nothing changed). */
export interface EditOutcome {
  state: SetState;
  changes: string[];
  /** Subfolders or excludes changed: the next pass adds or drops members (with the usual guards). */
  membershipChanged: boolean;
}

const OPTION_WORDS: Record<keyof SetOptions, string> = {
  lockOnPrem: 'lock-onprem',
  deleteOnCloud: 'delete-on-cloud',
  deleteOnPrem: 'delete-onprem',
  includeSubfolders: 'subfolders',
  conflict: 'conflict',
};

/**
 * Apply an edit to a set's definition (pure: the caller saves). The change is recorded in the definition's
 * `changes`, so `inspect` shows who-what-when. Membership itself is left to the next pass: a pass applies
 * subfolder and exclude changes with the usual guards (max-delete, empty listing).
 */
export function editSetDefinition(state: SetState, edit: SetEdit, now = new Date()): EditOutcome {
  const set = { ...state.set, options: { ...state.set.options }, excludes: [...state.set.excludes] };
  const changes: string[] = [];
  let membershipChanged = false;
  if (edit.name !== undefined && edit.name !== set.name) {
    if (edit.name.trim() === '') throw new UsageError('a set name cannot be empty', 'give --name <label>');
    changes.push(`name: ${set.name} -> ${edit.name}`);
    set.name = edit.name;
  }
  for (const [key, value] of Object.entries(edit.options ?? {}) as [
    keyof SetOptions,
    boolean | ConflictPolicy,
  ][]) {
    if (value === undefined || set.options[key] === value) continue;
    if (key === 'includeSubfolders' && set.kind !== 'folder') {
      throw new UsageError(
        '--subfolders / --no-subfolders apply to folder sets only',
        `set ${set.id} is a documents set`,
      );
    }
    changes.push(`${OPTION_WORDS[key]}: ${String(set.options[key])} -> ${String(value)}`);
    (set.options as unknown as Record<string, unknown>)[key] = value;
    if (key === 'includeSubfolders') membershipChanged = true;
  }
  const before = [...set.excludes];
  if (edit.clearExcludes) set.excludes = [];
  for (const glob of edit.removeExcludes ?? []) {
    if (!before.includes(glob)) {
      throw new UsageError(
        `"${glob}" is not an exclude of set ${set.id}`,
        before.length ? `its excludes: ${before.join(' ')}` : 'it has only the default excludes',
      );
    }
    set.excludes = set.excludes.filter((g) => g !== glob);
  }
  for (const glob of edit.addExcludes ?? []) if (!set.excludes.includes(glob)) set.excludes.push(glob);
  if (before.join('\0') !== set.excludes.join('\0')) {
    changes.push(
      `excludes: ${before.join(' ') || '(defaults only)'} -> ${set.excludes.join(' ') || '(defaults only)'}`,
    );
    membershipChanged = true;
  }
  if (changes.length) set.changes = [...(set.changes ?? []), { time: now.toISOString(), changes }];
  return { state: { ...state, set }, changes, membershipChanged };
}
