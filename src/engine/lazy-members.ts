// Questions a pass asks of every member, answered without decoding them when the state's members are still
// the rows they were loaded as (store/member-table.ts), with what scoped passes added and removed since
// (member-overlay.ts): a no-change pass then never builds 100,000 member objects, nor does a pass after a
// small change. Each answer is the same as the one `state.members` would give; once anything reads the
// members as objects, the plain array answers.
import { isLive, liveRows, memberAt, rowsOf } from './member-overlay.js';
import type { MemberState, SetState } from '../store/schema.js';

/** `state.members.length`. */
export function memberCount(state: SetState): number {
  const rows = rowsOf(state);
  if (!rows) return state.members.length;
  return rows.table.length - rows.removed.size + rows.added.size;
}

/** `state.members.find((m) => m.direct)`. */
export function firstDirect(state: SetState): MemberState | undefined {
  const rows = rowsOf(state);
  if (!rows) return state.members.find((m) => m.direct);
  const t = rows.table;
  for (const i of t.loose) if (!rows.removed.has(i) && t.direct(i)) return memberAt(rows, i);
  for (const m of rows.added) if (m.direct) return m;
  return undefined;
}

/** `state.members.filter((m) => m.direct)`. */
export function directMembers(state: SetState): MemberState[] {
  const rows = rowsOf(state);
  if (!rows) return state.members.filter((m) => m.direct);
  const t = rows.table;
  const out = t.loose.filter((i) => !rows.removed.has(i) && t.direct(i)).map((i) => memberAt(rows, i));
  for (const m of rows.added) if (m.direct) out.push(m);
  return out;
}

/**
 * `state.members.find((m) => m.key === key)`: with the members still rows, only that member (and the parents
 * it derives from) is decoded, through the table's key index (for a pass that looks at a few members).
 */
export function memberByKey(state: SetState, key: string): MemberState | undefined {
  const rows = rowsOf(state);
  if (!rows) return state.members.find((m) => m.key === key);
  for (const m of rows.added) if (m.key === key) return m;
  const i = rows.table.rowOf(key);
  return i === undefined || rows.removed.has(i) ? undefined : memberAt(rows, i);
}

/** Some member is detached. */
export function anyDetached(state: SetState): boolean {
  const rows = rowsOf(state);
  if (!rows) return state.members.some((m) => m.detached);
  const t = rows.table;
  for (let i = 0; i < t.length; i++) if (t.detached(i) && isLive(rows, i)) return true;
  for (const m of rows.added) if (m.detached) return true;
  return false;
}

/** Members not detached. */
export function liveCount(state: SetState): number {
  const rows = rowsOf(state);
  if (!rows) return state.members.reduce((n, m) => (m.detached ? n : n + 1), 0);
  let n = 0;
  const t = rows.table;
  for (let i = 0; i < t.length; i++) if (!t.detached(i) && isLive(rows, i)) n++;
  for (const m of rows.added) if (!m.detached) n++;
  return n;
}

/** A member asks every pass to look at it: not SYNCED, or requested. */
function unsettled(m: MemberState): boolean {
  return m.status !== 'SYNCED' || m.requested === true;
}

/** Some member asks every pass to look at it: not SYNCED, or requested. */
export function anyUnsettled(state: SetState): boolean {
  const rows = rowsOf(state);
  if (!rows) return state.members.some(unsettled);
  const t = rows.table;
  for (let i = 0; i < t.length; i++) if (t.unsettled(i) && isLive(rows, i)) return true;
  for (const m of rows.added) if (unsettled(m)) return true;
  return false;
}

/** SYNCED, not requested, not detached, both copies recorded. */
function settledWithBoth(m: MemberState): boolean {
  return m.status === 'SYNCED' && !m.requested && !m.detached && m.onprem !== null && m.cloud !== null;
}

/** Every member SYNCED, not requested, not detached, with both copies recorded. */
export function allSettledWithBoth(state: SetState): boolean {
  const rows = rowsOf(state);
  if (!rows) return state.members.every(settledWithBoth);
  const t = rows.table;
  for (let i = 0; i < t.length; i++) if (!t.settled(i) && isLive(rows, i)) return false;
  for (const m of rows.added) if (!settledWithBoth(m)) return false;
  return true;
}

/** The FAILED members, detached or not (the objects themselves: a caller may change them). */
export function failedMembers(state: SetState): MemberState[] {
  const rows = rowsOf(state);
  if (!rows) return state.members.filter((m) => m.status === 'FAILED');
  const out: MemberState[] = [];
  const t = rows.table;
  for (let i = 0; i < t.length; i++) if (t.failed(i) && isLive(rows, i)) out.push(memberAt(rows, i));
  for (const m of rows.added) if (m.status === 'FAILED') out.push(m);
  return out;
}

/**
 * The files the delete guard protects (safety.ts): not detached and, for the members `looked` names (those a
 * scoped pass looked at), `held`. A row never decoded was not looked at and cannot be detached.
 */
export function countFiles(
  state: SetState,
  looked: ReadonlySet<string> | undefined,
  held: (m: MemberState) => boolean,
): number {
  const counts = (m: MemberState) =>
    m.kind === 'file' && !m.detached && (looked?.has(m.key) === false || held(m));
  const rows = rowsOf(state);
  if (!rows) return state.members.filter(counts).length;
  let n = 0;
  for (const i of liveRows(rows)) {
    const m = rows.table.decoded(i);
    if (m ? counts(m) : rows.table.kind(i) === 'file' && (looked !== undefined || held(memberAt(rows, i))))
      n++;
  }
  for (const m of rows.added) if (counts(m)) n++;
  return n;
}

/**
 * When nothing but a direct (or parentless) member can have a path to refresh: the state's other paths all
 * hang off their parents (store/member-table.ts `pathsDerived`; a member a scoped pass added had its path
 * refreshed from its parent's) and none is detached. Then those members, each with its parent (or undefined);
 * otherwise undefined (every path is checked).
 */
export function looseMembers(state: SetState): Array<[MemberState, MemberState | undefined]> | undefined {
  const rows = rowsOf(state);
  const t = rows?.table;
  if (!rows || !t || !t.pathsDerived || anyDetached(state)) return undefined;
  const out = t.loose
    .filter((i) => !rows.removed.has(i))
    .map((i): [MemberState, MemberState | undefined] => {
      const p = t.parentOf(i);
      return [memberAt(rows, i), p < 0 ? undefined : memberAt(rows, p)];
    });
  for (const m of rows.added) if (m.direct || m.parentKey === null) out.push([m, undefined]);
  return out;
}
