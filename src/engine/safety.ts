import { SafetyError } from '../errors.js';
import type { SetState } from '../store/schema.js';
import type { SetPlan } from './plan.js';
import type { SideView } from './view.js';
import type { Side } from '../connectors/types.js';

/** Guard settings for one pass. */
export interface GuardOptions {
  force: boolean;
  maxDeletePercent: number;
}

/**
 * SPEC §4 guards, checked before anything is applied. A folder set whose listing suddenly comes back empty
 * (while the state knows members below it) aborts: an unmounted or emptied folder must never propagate as a
 * mass delete. A plan deleting more than `maxDeletePercent` of a set's members aborts unless `force`.
 * Both throw SafetyError (exit 5).
 */
export function checkGuards(
  state: SetState,
  plan: SetPlan,
  views: Record<Side, SideView>,
  opts: GuardOptions,
): void {
  if (state.set.kind === 'folder') {
    for (const side of ['onprem', 'cloud'] as const) {
      const view = views[side];
      const known = state.members.filter((m) => !m.direct && !m.detached && m[side]).length;
      if (view.rootGone && known > 0 && !opts.force) {
        throw new SafetyError(
          `sync set ${state.set.id}: the synced ${side} folder has vanished (${known} known items); nothing was changed`,
          forceHint(state, side),
          'ROOT_GONE',
        );
      }
      if (view.nodes.size === 1 && known > 0 && !opts.force) {
        throw new SafetyError(
          `sync set ${state.set.id}: the ${side} folder is suddenly empty (${known} known items missing); nothing was changed`,
          `if the folder really was emptied on purpose, run again with --force`,
          'EMPTY_LISTING',
        );
      }
    }
  }
  const deletes = plan.actions.reduce((n, a) => (a.type === 'delete' ? n + 1 + a.covers.length : n), 0);
  const total = Math.max(plan.memberCount, 1);
  const percent = (deletes / total) * 100;
  if (deletes > 0 && percent > opts.maxDeletePercent && !opts.force) {
    throw new SafetyError(
      `sync set ${state.set.id}: the pass would delete ${deletes} of ${plan.memberCount} members (${percent.toFixed(0)}%), more than --max-delete ${opts.maxDeletePercent}%; nothing was changed`,
      'check both sides; if these deletes are intended, run again with --force (or raise --max-delete)',
      'MAX_DELETE',
    );
  }
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
