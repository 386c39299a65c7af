// What scoped passes did to a set whose members are still the rows they were loaded as (store/member-table.ts):
// the members they added and the rows they removed, kept beside the table so that a pass after a small change
// (view-delta.ts) or a `watch` edit (view-scoped.ts) never decodes the other rows. Members a pass changed in
// place are the table's own decoded objects, so the table answers for them already. Reading `state.members`
// folds this in: the rows left, decoded, then the added members (the order a merge of the arrays gave).
import { memberTable, type MemberTable } from '../store/member-table.js';
import type { MemberState, SetState } from '../store/schema.js';

/** A state's rows as they stand after the scoped passes so far. */
export interface Rows {
  table: MemberTable;
  /** Row numbers no longer members. */
  removed: ReadonlySet<number>;
  /** Members added since the load, in the order they were added. */
  added: ReadonlySet<MemberState>;
}

interface Overlay {
  removed: Set<number>;
  added: Set<MemberState>;
}

const overlays = new WeakMap<SetState, Overlay>();
/** The row each member decoded through `memberAt` came from. */
const rowNumbers = new WeakMap<MemberState, number>();
const NONE: Overlay = { removed: new Set(), added: new Set() };

/** The state's rows and what scoped passes changed, or undefined when its members are a plain array. */
export function rowsOf(state: SetState): Rows | undefined {
  const table = memberTable(state);
  if (!table) return undefined;
  const o = overlays.get(state) ?? NONE;
  return { table, removed: o.removed, added: o.added };
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
  const o = overlayOf(state, table);
  for (const m of removed) {
    const r = rowNumbers.get(m);
    if (r !== undefined && table.decoded(r) === m) o.removed.add(r);
    else o.added.delete(m);
  }
  for (const m of added) o.added.add(m);
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

/** The overlay of `state`, made on first need: from then on reading `state.members` folds it in. */
function overlayOf(state: SetState, table: MemberTable): Overlay {
  const held = overlays.get(state);
  if (held) return held;
  const o: Overlay = { removed: new Set(), added: new Set() };
  overlays.set(state, o);
  // The store's own accessor (member-table.ts attachMembers): its setter lets the table go.
  const store = Object.getOwnPropertyDescriptor(state, 'members')!;
  Object.defineProperty(state, 'members', {
    enumerable: true,
    configurable: true,
    get: () => {
      const members: MemberState[] = [];
      for (let r = 0; r < table.length; r++) if (!o.removed.has(r)) members.push(table.member(r));
      members.push(...o.added);
      overlays.delete(state);
      store.set!.call(state, members);
      return members;
    },
    set: (members: MemberState[]) => {
      overlays.delete(state);
      store.set!.call(state, members);
    },
  });
  return o;
}
