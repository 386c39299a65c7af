import type { SetState } from '../store/schema.js';
import type { CreateSetRequest, EngineContext, PassOptions, PassResult } from './types.js';

export type * from './types.js';
export type * from './plan.js';

/**
 * `cloudsync create`: validate the members and target, refuse nodes already in another set
 * (TARGET_NODE_OTHER_SYNC_SET, exit 2), and record the new set with its members PENDING.
 * Does not run a pass: the caller runs one unless `--no-sync`.
 */
export async function createSyncSet(_ctx: EngineContext, _req: CreateSetRequest): Promise<SetState> {
  throw new Error('not implemented');
}

/** One pass over the chosen sets: detect → reconcile → plan → guards → apply (or print, on --dry-run). */
export async function runPass(_ctx: EngineContext, _opts: PassOptions): Promise<PassResult> {
  throw new Error('not implemented');
}

/** `request-sync`: clear failures and mark members for a full re-push at the next pass. */
export async function requestSync(
  _ctx: EngineContext,
  _setId: string,
  _memberPaths: string[],
): Promise<{ requested: number }> {
  throw new Error('not implemented');
}

/**
 * `unsync`: forget a whole set, or one direct member of a documents set (an indirect member is refused,
 * exit 2). Releases locks cloudsync made; deletes cloud copies only with `removeFromCloud`.
 */
export async function unsync(
  _ctx: EngineContext,
  _setId: string,
  _memberPath: string | undefined,
  _opts: { removeFromCloud: boolean },
): Promise<{ removedMembers: number; setRemoved: boolean }> {
  throw new Error('not implemented');
}
