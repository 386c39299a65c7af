import { UsageError } from '../errors.js';
import { STATE_SCHEMA, type SetState } from './schema.js';
import type { JournalRecord } from './state-store.js';

/** Hint for a state file cloudsync cannot trust: the user's way out, without us touching the file. */
function corruptHint(file: string): string {
  return `cloudsync left ${file} untouched. Move it aside and run \`cloudsync create\` again to re-create the set.`;
}

/** The UsageError (exit 2, STATE_CORRUPT) for a file we cannot read as state. */
export function corruptState(file: string, why: string): UsageError {
  return new UsageError(`state file ${file} is corrupt: ${why}`, corruptHint(file), 'STATE_CORRUPT');
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parse and check a snapshot. A newer schema is refused before anything else (its fields may differ); then
 * the fields every reader relies on are checked, so a damaged file fails here and not deep in the engine.
 */
export function parseSnapshot(file: string, text: string): SetState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw corruptState(file, (err as Error).message);
  }
  if (!isObject(data)) throw corruptState(file, 'not a JSON object');
  if (typeof data.schema !== 'number' || !Number.isInteger(data.schema) || data.schema < 1) {
    throw corruptState(file, 'missing or invalid "schema"');
  }
  if (data.schema > STATE_SCHEMA) {
    throw new UsageError(
      `state file ${file} was written by a newer cloudsync (schema ${data.schema}, this one reads up to ${STATE_SCHEMA})`,
      `upgrade cloudsync to use this sync set; ${file} was left untouched`,
      'STATE_NEWER',
    );
  }
  const set = data.set;
  if (
    !isObject(set) ||
    typeof set.id !== 'string' ||
    typeof set.kind !== 'string' ||
    !isObject(set.options)
  ) {
    throw corruptState(file, 'missing or invalid "set"');
  }
  if (!isObject(set.target) || typeof set.target.id !== 'string')
    throw corruptState(file, 'missing "set.target"');
  if (!Array.isArray(data.members) || !data.members.every((m) => isObject(m) && typeof m.key === 'string')) {
    throw corruptState(file, 'missing or invalid "members"');
  }
  if (!Array.isArray(data.backups)) throw corruptState(file, 'missing "backups"');
  if (data.lastSyncAt !== null && typeof data.lastSyncAt !== 'string')
    throw corruptState(file, 'invalid "lastSyncAt"');
  if (typeof data.nextKey !== 'number') throw corruptState(file, 'missing "nextKey"');
  return data as unknown as SetState;
}

/** Check one parsed journal line; anything else is corruption. */
function checkRecord(rec: unknown): rec is JournalRecord {
  if (!isObject(rec)) return false;
  switch (rec.op) {
    case 'put':
      return isObject(rec.member) && typeof rec.member.key === 'string';
    case 'del':
      return typeof rec.key === 'string';
    case 'backup':
      return isObject(rec.backup);
    case 'meta':
      return true;
    default:
      return false;
  }
}

/**
 * Replay journal text onto a loaded snapshot, in order. Only the final line may be torn (no trailing
 * newline: the process died mid-write) and is then ignored; a bad line anywhere else is corruption.
 */
export function replayJournal(file: string, text: string, state: SetState): SetState {
  const lines = text.split('\n');
  const members = new Map(state.members.map((m) => [m.key, m]));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const torn = i === lines.length - 1; // after the last '\n': complete lines always end with one
    if (line === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      if (torn) break;
      throw corruptState(file, `line ${i + 1} is not JSON`);
    }
    if (!checkRecord(rec)) {
      if (torn) break;
      throw corruptState(file, `line ${i + 1} is not a journal record`);
    }
    applyRecord(rec, state, members);
  }
  state.members = [...members.values()];
  return state;
}

function applyRecord(
  rec: JournalRecord,
  state: SetState,
  members: Map<string, SetState['members'][number]>,
): void {
  switch (rec.op) {
    case 'put':
      members.set(rec.member.key, rec.member);
      break;
    case 'del':
      members.delete(rec.key);
      break;
    case 'backup':
      state.backups.push(rec.backup);
      break;
    case 'meta':
      if (rec.lastSyncAt !== undefined) state.lastSyncAt = rec.lastSyncAt;
      if (rec.nextKey !== undefined) state.nextKey = rec.nextKey;
      if (rec.events !== undefined) state.events = rec.events;
      break;
    default: {
      const never: never = rec;
      throw new Error(`unknown journal record ${JSON.stringify(never)}`);
    }
  }
}
