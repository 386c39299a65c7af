import { SafetyError } from '../errors.js';
import type { MemberState, SetState } from '../store/schema.js';
import type { SetPlan } from './plan.js';
import type { SideView } from './view.js';
import type { Side } from '../connectors/types.js';
import { countFiles } from './lazy-members.js';

/** Guard settings for one pass. */
export interface GuardOptions {
  force: boolean;
  maxDeletePercent: number;
}

/** A pass may always delete this many documents of a set: a one-document set can delete its document. */
export const DELETE_FLOOR = 1;

/**
 * SPEC §4 guards for one set, checked before anything is applied. A folder set whose listing suddenly comes
 * back empty (while the state knows members below it) aborts: an unmounted or emptied folder must never
 * propagate as a mass delete. A plan deleting more than `maxDeletePercent` of the set's documents (files, not
 * folders; more than DELETE_FLOOR; out of the files still on at least one side) aborts unless `force`. Each throws SafetyError (exit 5) for this set only.
 * `leaving`: `${side}:${id}` of nodes that moved to another set (not missing, not deleted). `whole`: the
 * whole set, when `state` holds only the members an event-scoped pass looked at.
 */
export function checkGuards(
  state: SetState,
  plan: SetPlan,
  views: Record<Side, SideView>,
  opts: GuardOptions,
  leaving?: Set<string>,
  whole: SetState = state,
): void {
  const id = state.set.id;
  if (state.set.kind === 'folder' && !opts.force) {
    for (const side of ['onprem', 'cloud'] as const) {
      const view = views[side];
      const known = state.members.filter(
        (m) => !m.direct && !m.detached && m[side] && !leaving?.has(`${side}:${m[side]!.id}`),
      ).length;
      if (view.rootGone && known > 0) {
        throw new SafetyError(
          `sync set ${id} (${state.set.name}): the synced ${side} folder has vanished (${known} known items); nothing was changed in this set`,
          forceHint(state, side),
          'ROOT_GONE',
        );
      }
      if ((view.wholeSize ?? view.nodes.size) === 1 && known > DELETE_FLOOR) {
        throw new SafetyError(
          `sync set ${id} (${state.set.name}): the ${side} folder is suddenly empty (${known} known items missing); nothing was changed in this set`,
          `if the folder really was emptied on purpose, run again with --force (see the plan first: cloudsync sync ${id} --dry-run --force)`,
          'EMPTY_LISTING',
        );
      }
    }
  }
  const kindOf = new Map(state.members.map((m) => [m.key, m.kind]));
  const deletes = plan.actions.filter((a) => a.type === 'delete' && kindOf.get(a.member) === 'file').length;
  if (deletes <= DELETE_FLOOR) return;
  // Out of the whole set's documents, also when the pass looked at part of it (an event-scoped pass): the
  // files it still holds on at least one side. One already gone on both (deleted on one side, moved out on the
  // other) is only forgotten, nothing to protect; counting it would let more through (model seed 658).
  const looked = whole === state ? undefined : new Set(state.members.map((m) => m.key));
  const total = countFiles(whole, looked, (m) => heldOnASide(m, views));
  const percent = (deletes / Math.max(total, 1)) * 100;
  if (deletes > DELETE_FLOOR && percent > opts.maxDeletePercent && !opts.force) {
    throw new SafetyError(
      `sync set ${id} (${state.set.name}): the pass would delete ${deletes} of ${total} documents (${percent.toFixed(0)}%), more than --max-delete ${opts.maxDeletePercent}%; nothing was changed in this set`,
      `see the plan: cloudsync sync ${id} --dry-run --force; if these deletes are intended, run again with --force (or raise --max-delete)`,
      'MAX_DELETE',
    );
  }
}
/** Is a member's node still in the set's view on at least one side (a view left as recorded holds them all)? */
function heldOnASide(m: MemberState, views: Record<Side, SideView>): boolean {
  for (const side of ['onprem', 'cloud'] as const) {
    const s = m[side];
    if (s && (views[side].asRecorded !== undefined || views[side].nodes.has(s.id))) return true;
  }
  return false;
}

/** What `--force` would do after a synced folder vanished on `side`, given the set's delete options. */
function forceHint(state: SetState, side: Side): string {
  const o = state.set.options;
  if (side === 'cloud') {
    return o.deleteOnPrem
      ? 'if it was deleted on purpose, run again with --force: the on-prem copies will be deleted (delete-onprem is on)'
      : 'if it was deleted on purpose, run again with --force: nothing on-prem is deleted (delete-onprem is off); the members fail DELETED_ON_CLOUD until `cloudsync request-sync` re-creates them';
  }
  return o.deleteOnCloud
    ? 'if it was deleted on purpose, run again with --force: the cloud copies will be deleted (delete-on-cloud is on)'
    : 'if it was deleted on purpose, run again with --force: the cloud copies stay, no longer synced (delete-on-cloud is off)';
}
