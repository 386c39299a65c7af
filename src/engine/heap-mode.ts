import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A plan this long runs its apply with V8's young generation free to grow (see heavyApply). Its two
 * semi-spaces of 16 MiB cost ~30 MiB of peak: at 10,000 files the first sync peaked at 134-156 MiB with it
 * against 110-119 MiB without; at 100,000 it saves ~80 MiB (~0.8 KB a file), so it pays from ~40,000.
 */
export const HEAVY_APPLY_ACTIONS = 40_000;

/**
 * The apply of a long plan (a first sync) with V8's young generation allowed to grow again (to 16 MiB per
 * semi-space, V8's default), undone by the function returned. A pass otherwise keeps it at 1 MiB
 * (`--semi-space-growth-factor=1`, set by bin/cloudsync.js and `watch`: the no-change walk's garbage dies
 * young either way). The apply's per-file garbage (promises, buffers' wrappers, stats, paths) lives across
 * its own I/O: in 1 MiB of young generation most of it survives two scavenges and is promoted to the old
 * generation, which then grows by ~2 KB a file until a full collection, that V8 puts off to a limit set
 * once the plan was made. At 100,000 files the old generation grew 211 -> 398 MB in use during the apply
 * with it small, 219 -> 320 MB with it free (test/bench/RESULTS.md, perf-first5).
 */
export function heavyApply(actions: number): () => void {
  if (actions < HEAVY_APPLY_ACTIONS) return () => {};
  fullCollection();
  v8.setFlagsFromString('--semi-space-growth-factor=2'); // V8's default (node --v8-options)
  // Back to the pass's setting: V8 shrinks the young generation again at its next idle collections.
  return () => v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * One full collection before a long apply. Reading both sides and planning a first sync grows Maps and Sets
 * of one entry per member (~105,000 at 100,000 files): each time one grows, V8 copies its table and the old
 * one, at that size a large object, stays until a full collection. At 100,000 files ~76 of the large-object
 * space's ~100 MiB were such dead tables when the apply began (perf-buf's heap snapshot), and the apply
 * itself runs for minutes without a full collection: collecting once here keeps them out of its peak.
 * `gc` is V8's own function, made reachable for this one call (`--expose-gc` set at run time gives it to a
 * new context, and the flag is put back); where that is refused, nothing is collected.
 */
function fullCollection(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') (gc as () => void)();
  } catch {
    // no gc to call: the apply runs as it would have
  } finally {
    // back to V8's default: its flags are part of what a code cache is checked against (bin/code-cache.js)
    v8.setFlagsFromString('--no-expose-gc');
  }
}
