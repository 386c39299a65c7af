// Repository events in a pass: which sets may list only the changed folders, and when the batch is acked.
import { SIDES, type ChangeBatch, type Connector, type Side } from '../connectors/types.js';
import type { SetState } from '../store/schema.js';
import { anyUnsettled } from './lazy-members.js';
import type { EventScope } from './types.js';

/** Each side's batch of changes for this pass; undefined for a side without events. */
export type PassBatches = Partial<Record<Side, ChangeBatch>>;

/** Take what each side's event stream holds, once per pass (both sides at once). */
export async function takeBatches(connectors: Record<Side, Connector>): Promise<PassBatches> {
  const out: PassBatches = {};
  await Promise.all(
    SIDES.map(async (side) => {
      const feed = connectors[side].changes;
      if (feed) out[side] = await feed.take();
    }),
  );
  return out;
}

/**
 * The ids a set may limit its listing of `side` to, or undefined for a full crawl: without events, after a gap
 * in the stream, when the set followed another stream (or none: its first pass), when its last full crawl is
 * older than the schedule, and while a member is failed or pending (a retry must see the node as it is).
 */
export function incrementalScope(
  state: SetState,
  side: Side,
  batch: ChangeBatch | undefined,
  now: Date,
): ReadonlySet<string> | undefined {
  if (!batch?.touched) return undefined;
  const cursor = state.events?.[side];
  if (!cursor || cursor.feed !== batch.feed) return undefined;
  if (now.getTime() - Date.parse(cursor.fullCrawlAt) >= batch.fullCrawlEveryMs) return undefined;
  if (anyUnsettled(state)) return undefined;
  return batch.touched;
}

/** After the set's pass applied: record which stream it follows now, and when it last crawled everything. */
export function advanceCursors(
  state: SetState,
  batches: PassBatches,
  scopes: Partial<Record<Side, ReadonlySet<string> | undefined>>,
  now: Date,
): void {
  for (const side of SIDES) {
    const batch = batches[side];
    if (!batch) continue;
    const full = scopes[side] === undefined;
    const before = state.events?.[side];
    state.events = {
      ...state.events,
      [side]: { feed: batch.next, fullCrawlAt: full || !before ? now.toISOString() : before.fullCrawlAt },
    };
  }
}

/** Acknowledge the batches once every set of the profile has saved what it did with them. */
export async function commitBatches(
  connectors: Record<Side, Connector>,
  batches: PassBatches,
): Promise<void> {
  for (const side of SIDES) {
    const batch = batches[side];
    if (batch) await connectors[side].changes!.commit(batch);
  }
}

/**
 * The ids a set may limit its listing of `side` to from the side's own change events (`watch`), or undefined
 * for a full read: without a scope, and while a member is failed or pending. A folder named with its subtree
 * brings every folder the state records below it, so each is listed again; a folder new to the state is
 * listed whole anyway (view-incremental.ts).
 */
export function eventScope(
  state: SetState,
  side: Side,
  scope: EventScope | undefined,
): ReadonlySet<string> | undefined {
  if (!scope) return undefined;
  if (anyUnsettled(state)) return undefined;
  if (scope.trees.size === 0) return scope.folders;
  const touched = new Set([...scope.folders, ...scope.trees]);
  const below = new Map<string, string[]>();
  for (const m of state.members) {
    const s = m[side];
    if (m.kind !== 'folder' || !s?.parentId) continue;
    let kids = below.get(s.parentId);
    if (!kids) below.set(s.parentId, (kids = []));
    kids.push(s.id);
  }
  const stack = [...scope.trees];
  while (stack.length > 0) {
    for (const id of below.get(stack.pop()!) ?? []) {
      if (touched.has(id)) continue;
      touched.add(id);
      stack.push(id);
    }
  }
  return touched;
}
