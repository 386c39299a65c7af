// Questions a pass asks of every member, answered without decoding them when the state's members are still
// the rows they were loaded as (store/member-table.ts): a no-change pass then never builds 100,000 member
// objects. Each answer is the same as the one `state.members` would give; once anything reads the members
// as objects, the plain array answers.
import { memberTable } from '../store/member-table.js';
import type { MemberState, SetState } from '../store/schema.js';

/** `state.members.length`. */
export function memberCount(state: SetState): number {
  return memberTable(state)?.length ?? state.members.length;
}

/** `state.members.find((m) => m.direct)`. */
export function firstDirect(state: SetState): MemberState | undefined {
  const t = memberTable(state);
  if (!t) return state.members.find((m) => m.direct);
  for (const i of t.loose) if (t.direct(i)) return t.member(i);
  return undefined;
}

/** `state.members.filter((m) => m.direct)`. */
export function directMembers(state: SetState): MemberState[] {
  const t = memberTable(state);
  if (!t) return state.members.filter((m) => m.direct);
  return t.loose.filter((i) => t.direct(i)).map((i) => t.member(i));
}

/**
 * `state.members.find((m) => m.key === key)`: with the members still rows, only that member (and the parents
 * it derives from) is decoded, through the table's key index (for a pass that looks at a few members).
 */
export function memberByKey(state: SetState, key: string): MemberState | undefined {
  const t = memberTable(state);
  if (!t) return state.members.find((m) => m.key === key);
  const i = t.rowOf(key);
  return i === undefined ? undefined : t.member(i);
}

/** Some member is detached. */
export function anyDetached(state: SetState): boolean {
  const t = memberTable(state);
  if (!t) return state.members.some((m) => m.detached);
  for (let i = 0; i < t.length; i++) if (t.detached(i)) return true;
  return false;
}

/** Members not detached. */
export function liveCount(state: SetState): number {
  const t = memberTable(state);
  if (!t) return state.members.reduce((n, m) => (m.detached ? n : n + 1), 0);
  let n = 0;
  for (let i = 0; i < t.length; i++) if (!t.detached(i)) n++;
  return n;
}

/** Some member asks every pass to look at it: not SYNCED, or requested. */
export function anyUnsettled(state: SetState): boolean {
  const t = memberTable(state);
  if (!t) return state.members.some((m) => m.status !== 'SYNCED' || m.requested);
  for (let i = 0; i < t.length; i++) if (t.unsettled(i)) return true;
  return false;
}

/** Every member SYNCED, not requested, not detached, with both copies recorded. */
export function allSettledWithBoth(state: SetState): boolean {
  const t = memberTable(state);
  if (!t)
    return state.members.every(
      (m) => m.status === 'SYNCED' && !m.requested && !m.detached && m.onprem !== null && m.cloud !== null,
    );
  for (let i = 0; i < t.length; i++) if (!t.settled(i)) return false;
  return true;
}

/** The FAILED members, detached or not (the objects themselves: a caller may change them). */
export function failedMembers(state: SetState): MemberState[] {
  const t = memberTable(state);
  if (!t) return state.members.filter((m) => m.status === 'FAILED');
  const out: MemberState[] = [];
  for (let i = 0; i < t.length; i++) if (t.failed(i)) out.push(t.member(i));
  return out;
}

/**
 * When nothing but a direct (or parentless) member can have a path to refresh: the state's other paths all
 * hang off their parents (store/member-table.ts `pathsDerived`) and none is detached. Then those members,
 * each with its parent (or undefined); otherwise undefined (every path is checked).
 */
export function looseMembers(state: SetState): Array<[MemberState, MemberState | undefined]> | undefined {
  const t = memberTable(state);
  if (!t || !t.pathsDerived || anyDetached(state)) return undefined;
  return t.loose.map((i) => {
    const p = t.parentOf(i);
    return [t.member(i), p < 0 ? undefined : t.member(p)];
  });
}
