import { idsOfShard, type Shard } from '../fleet/shard.js';
import { CloudsyncError, type ExitCodeValue } from '../errors.js';
import type { PassResult } from '../engine/types.js';
import { askRunningWatch } from '../store/watch-socket.js';
import { homeOf, openStore } from './context.js';
import type { Globals } from './runtime.js';
import { resolveSetIds } from './sync.js';

/** The flags of `sync` a running watch can honour. */
export interface HandOffOptions {
  dryRun?: boolean;
  force?: boolean;
  maxDelete?: number;
  transfers?: number;
  shard?: Shard;
  timeout?: number;
}

/**
 * `sync` while `watch` runs for the profile: ask the watch to do the pass (it holds the state in memory and
 * takes the lock between its own passes) and return its result; null when no watch listens, and `sync`
 * runs the pass itself. The watch's error (an unknown set, a lost side) comes back as the same error.
 */
export async function syncThroughWatch(
  g: Globals,
  prefixes: string[],
  opts: HandOffOptions,
): Promise<PassResult | null> {
  const home = homeOf(g);
  const store = openStore(g);
  let setIds = await resolveSetIds((p) => store.resolveId(p), prefixes);
  if (opts.shard) {
    setIds = idsOfShard(setIds.length > 0 ? setIds : await store.listIds(), opts.shard);
    if (setIds.length === 0) return null; // nothing to do: the caller answers that itself
  }
  const answer = await askRunningWatch(home, g.profile, {
    setIds,
    dryRun: Boolean(opts.dryRun),
    force: Boolean(opts.force),
    maxDeletePercent: opts.maxDelete,
    transfers: opts.transfers,
    timeoutS: opts.timeout,
  });
  if (answer === null) return null;
  if ('error' in answer) {
    const e = answer.error;
    throw new CloudsyncError(e.message, e.exitCode as ExitCodeValue, e.code, e.hint);
  }
  g.out.info('the watch running for this profile ran the pass');
  return answer.result as unknown as PassResult;
}
