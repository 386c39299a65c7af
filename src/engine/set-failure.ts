import type { Connector, Side } from '../connectors/types.js';
import { NodeError, type MemberErrorCode } from '../errors.js';
import type { MemberState, SetState } from '../store/schema.js';
import { failedMembers } from './lazy-members.js';
import { buildView, type SideView } from './view.js';

/** Details of a failure this module records: a later readable listing clears exactly these. */
const MARK = 'cannot read the set on ';

/** Why a set could not be read on one side. */
export interface SetReadFailure {
  side: Side;
  code: MemberErrorCode;
  message: string;
}

/**
 * Both sides' views of a set, or why one side's folder (or documents) cannot be read: a 403, a listing
 * that never ends, an answer over the size cap. That fails the set, not the pass: its direct members go
 * FAILED with the code of SPEC §3 (SOURCE_ on-prem, TARGET_ in the cloud), nothing of it is applied, and
 * the other sets run. Lost connectivity and authentication failures still stop the pass.
 */
export async function readSetViews(
  state: SetState,
  sides: readonly Side[],
  connectors: Record<Side, Connector>,
  scopes: Partial<Record<Side, ReadonlySet<string>>> = {},
  foreign?: Record<Side, ReadonlyMap<string, string>>,
): Promise<Record<Side, SideView> | SetReadFailure> {
  const settled = await Promise.allSettled(
    sides.map((side) => buildView(state, side, connectors[side], scopes[side], foreign?.[side])),
  );
  const views = {} as Record<Side, SideView>;
  for (const [i, r] of settled.entries()) {
    const side = sides[i]!;
    if (r.status === 'fulfilled') views[side] = r.value;
    else if (r.reason instanceof NodeError)
      return { side, code: sideCode(r.reason.code, side), message: r.reason.message };
    else throw r.reason;
  }
  return views;
}

function sideCode(code: MemberErrorCode, side: Side): MemberErrorCode {
  if (code !== 'SOURCE_NODE_ACCESS_DENIED' && code !== 'TARGET_NODE_ACCESS_DENIED') return code;
  return side === 'onprem' ? 'SOURCE_NODE_ACCESS_DENIED' : 'TARGET_NODE_ACCESS_DENIED';
}

/** Marks the set's direct members FAILED with the failure; returns the members changed (to record). */
export function failSetMembers(state: SetState, f: SetReadFailure, now: Date): MemberState[] {
  const changed: MemberState[] = [];
  for (const m of state.members) {
    if (!m.direct || m.detached) continue;
    m.status = 'FAILED';
    m.errorCode = f.code;
    m.errorDetails = `${MARK}${f.side}: ${f.message}`;
    m.errorTime = now.toISOString();
    changed.push(m);
  }
  return changed;
}

/** Clears failures `failSetMembers` recorded, now that both sides read again; returns the members changed. */
export function clearSetFailures(state: SetState): MemberState[] {
  const changed: MemberState[] = [];
  for (const m of failedMembers(state)) {
    if (!m.errorDetails?.startsWith(MARK)) continue;
    m.status = m.lastSyncAt ? 'SYNCED' : 'PENDING';
    delete m.errorCode;
    delete m.errorDetails;
    delete m.errorTime;
    changed.push(m);
  }
  return changed;
}
