// What changed a set whose members are still the rows they were loaded as (store/member-table.ts): the members
// added and the rows removed since the snapshot, by the journal replayed at load (store/table-replay.ts) and by
// the scoped passes since, kept in the table so that a pass after a small change (view-delta.ts) or a `watch`
// edit (view-scoped.ts) never decodes the other rows. Members the journal or a pass changed in place are the
// table's own decoded objects, so the table answers for them already. Reading `state.members` folds this in:
// the rows left, decoded, then the added members (the order a replay onto a map of the members gives).
import { memberTable, type MemberTable } from '../store/member-table.js';
import type { MemberState, SetState } from '../store/schema.js';

/** A state's rows as they stand after the journal and the scoped passes so far. */
export interface Rows {
  table: MemberTable;
  /** Row numbers no longer members. */
  removed: ReadonlySet<number>;
  /** Members added since the load, in the order they were added. */
  added: ReadonlySet<MemberState>;
}

/** The row each member decoded through `memberAt` came from. */
const rowNumbers = new WeakMap<MemberState, number>();

/** The state's rows and what the journal and scoped passes changed, or undefined when its members are a plain array. */
export function rowsOf(state: SetState): Rows | undefined {
  const table = memberTable(state);
  if (!table) return undefined;
  return { table, removed: table.removed, added: table.added };
}

/** Row `r` as a member (decoded once), remembered as that row's. */
export function memberAt(rows: Rows, r: number): MemberState {
  const m = rows.table.member(r);
  rowNumbers.set(m, r);
  return m;
}

/** The row `m` was decoded from through `memberAt`, if it was. */
export function rowOf(m: MemberState): number | undefined {
  return rowNumbers.get(m);
}

/**
 * Row `r` was not removed. The scans over every row (lazy-members.ts) are plain loops that ask this only of
 * a row they would count: a generator step per row cost more than the question (a no-change pass asks five).
 */
export function isLive(rows: Rows, r: number): boolean {
  return rows.removed.size === 0 || !rows.removed.has(r);
}

/** Every row not removed, by number. */
export function* liveRows(rows: Rows): Generator<number> {
  const { table, removed } = rows;
  for (let r = 0; r < table.length; r++) if (removed.size === 0 || !removed.has(r)) yield r;
}

/**
 * Record that a scoped pass removed `m` and added `added` (members not in the state before it). False, nothing
 * recorded, when the state's members are a plain array (the caller changes the array).
 */
export function changeRows(
  state: SetState,
  removed: Iterable<MemberState>,
  added: Iterable<MemberState>,
): boolean {
  const table = memberTable(state);
  if (!table) return false;
  for (const m of removed) {
    const r = rowNumbers.get(m);
    if (r !== undefined && table.decoded(r) === m) table.removed.add(r);
    else table.added.delete(m);
  }
  for (const m of added) table.added.add(m);
  return true;
}

/** A copy of `state` holding `members` instead of its own (its own are not read: no row is decoded). */
export function withMembers(state: SetState, members: MemberState[]): SetState {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(state))
    if (k !== 'members') out[k] = (state as unknown as Record<string, unknown>)[k];
  out.members = members;
  return out as unknown as SetState;
}

/** How many rows of the state were decoded into member objects (tests: a small change decodes few). */
export function decodedRows(state: SetState): number | undefined {
  const table = memberTable(state);
  if (!table) return undefined;
  let n = 0;
  for (let r = 0; r < table.length; r++) if (table.decoded(r) !== undefined) n++;
  return n;
}
