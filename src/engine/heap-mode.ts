import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createRequire } from 'node:module';

/**
 * A plan this long runs its apply with V8's young generation free to grow (see heavyApply). Its two
 * semi-spaces of 16 MiB cost ~30 MiB of peak: at 10,000 files the first sync peaked at 134-156 MiB with it
 * against 110-119 MiB without; at 100,000 it saves ~80 MiB (~0.8 KB a file), so it pays from ~40,000.
 */
export const HEAVY_APPLY_ACTIONS = 40_000;

/**
 * The apply of a long plan (a first sync) with V8's young generation allowed to grow again (to 4 MiB per
 * semi-space, capYoung; V8's own cap is 16 MiB), undone by `done()`. A pass otherwise keeps it at 1 MiB
 * (`--semi-space-growth-factor=1`, set by bin/cloudsync.js and `watch`: the no-change walk's garbage dies
 * young either way). The apply's per-file garbage (promises, buffers' wrappers, stats, paths) lives across
 * its own I/O: in 1 MiB of young generation most of it survives two scavenges and is promoted to the old
 * generation, which then grows by ~2 KB a file until a full collection, that V8 puts off to a limit set
 * once the plan was made. At 100,000 files the old generation grew 211 -> 398 MB in use during the apply
 * with it small, 219 -> 320 MB with it free (test/bench/RESULTS.md, perf-first5). The garbage it still
 * promotes is collected as it grows (boundGarbage), once at the apply's end, and once more when the listings
 * are let go, before the save (perf-mem6); the file buffers it reads are let go every few MiB (boundBuffers,
 * perf-mem7).
 */
export function heavyApply(actions: number): HeavyApply {
  if (actions < HEAVY_APPLY_ACTIONS) return { applied: () => {}, released: () => {}, done: () => {} };
  fullCollection();
  v8.setFlagsFromString('--semi-space-growth-factor=2'); // V8's default (node --v8-options)
  const young = capYoung();
  const bound = boundGarbage();
  const bytes = boundBuffers();
  const stop = () => {
    young();
    bound();
    bytes();
  };
  return {
    // The apply is done: what it left is collected before the path refresh builds its maps beside it.
    applied: () => {
      stop();
      fullCollection();
    },
    // The listings let go once the paths are refreshed: collected before the save builds its rows beside them.
    released: fullCollection,
    done: () => {
      stop();
      // Back to the pass's setting: V8 shrinks the young generation again at its next idle collections.
      v8.setFlagsFromString('--semi-space-growth-factor=1');
    },
  };
}

/**
 * The plan of a first sync (≥ HEAVY_APPLY_ACTIONS new nodes) with V8's old generation grown by a quarter
 * between full collections (`--heap-growing-percent=25`) instead of V8's own factor, until the returned
 * function puts it back (before the apply, whose full collection comes first). Planning 100,000 new files
 * makes ~120 MB of garbage (grown maps' old tables, strings) beside ~90 MB live, all of it synchronous: V8
 * then collected once mid-plan or not at all, and the plan's peak was 251-281 MiB, the first sync's highest
 * once the apply's end was lower (perf-mem8; 208 MiB with this, one run). The flag is read at each full
 * collection; put back to 0 (V8's default: its own factor) before anything compiles a code cache.
 */
export function heavyPlan(fresh: number): () => void {
  if (fresh < HEAVY_APPLY_ACTIONS) return () => {};
  v8.setFlagsFromString('--heap-growing-percent=25');
  return () => v8.setFlagsFromString('--heap-growing-percent=0');
}

/** A heavy apply's hooks (see heavyApply): at the apply's end, after a set's listings are let go, after the saves. */
export interface HeavyApply {
  applied(): void;
  released(): void;
  done(): void;
}

/** The young generation's cap during a heavy apply, per semi-space (V8's own is 16 MiB). */
const YOUNG_CAP = 4 * 1024 * 1024;

/**
 * The young generation grows (growth factor 2) to YOUNG_CAP per semi-space and no further: once a scavenge
 * leaves it that large, the growth factor goes back to 1. V8's `--max-semi-space-size` is read only when the
 * heap is set up, so the cap is kept by watching the collections (a PerformanceObserver of 'gc' entries, told
 * of them in batches after the fact, so one more doubling may slip through). Two 16 MiB semi-spaces were up to
 * 32 MiB of a 100,000-file first sync's peak; at 4 MiB (282-286 MiB against 295-296 at 8) the apply promotes somewhat more (boundGarbage collects
 * it). Returns the function that stops watching.
 */
function capYoung(): () => void {
  // Required here, not imported: every pass loads this module, and a built-in first loaded once bin/cloudsync.js
  // changed V8's flags is compiled from source (~12 ms); only a heavy apply needs it.
  const { PerformanceObserver } = createRequire(import.meta.url)(
    'node:perf_hooks',
  ) as typeof import('node:perf_hooks');
  let obs: InstanceType<typeof PerformanceObserver> | undefined = new PerformanceObserver(() => {
    const young = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    // new_space's size counts both semi-spaces
    if (!obs || !young || young.space_size < 2 * YOUNG_CAP) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    stop();
  });
  const stop = () => {
    obs?.disconnect();
    obs = undefined;
  };
  obs.observe({ entryTypes: ['gc'] });
  return stop;
}

/**
 * How much V8's heap (with the memory outside it that its objects hold: file buffers) may grow past what the
 * last full collection left before the next one (see boundGarbage).
 */
const GARBAGE_SLACK = 24 * 1024 * 1024;

/** V8's heap in use and the buffers its objects hold outside it. */
function heapInUse(): number {
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/**
 * During a long apply: a full collection each time the heap in use has grown GARBAGE_SLACK past what the
 * last one left. V8 sets its next full collection's limit from the heap at the one before the apply (about
 * twice that), and the apply of 100,000 files promotes ~1.2 KB a file of short-lived objects (their I/O
 * outlives two scavenges): left to V8, the old generation grew 111 -> 232 MB with ~190 MB of it live at the
 * end. Checked every half second (reading V8's heap statistics costs microseconds); stopped by the function
 * returned. Each collection costs ~0.1-0.3 s of CPU at that size; 48 MB of slack makes a handful of them.
 */
function boundGarbage(): () => void {
  let after = heapInUse();
  const timer = setInterval(() => {
    if (heapInUse() < after + GARBAGE_SLACK) return;
    fullCollection();
    after = heapInUse();
  }, 500);
  timer.unref();
  return () => clearInterval(timer);
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
  v8gc()?.();
}

/** V8's `gc` function, or undefined where it cannot be had (see fullCollection). */
function v8gc(): ((opts?: { type: 'minor' | 'major' }) => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as (opts?: { type: 'minor' | 'major' }) => void) : undefined;
  } catch {
    return undefined; // no gc to call: the apply runs as it would have
  } finally {
    // back to V8's default: its flags are part of what a code cache is checked against (bin/code-cache.js)
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/** File bytes copied since the last young collection, during a heavy apply (undefined otherwise). */
let copied: { bytes: number; gc: (opts: { type: 'minor' }) => void } | undefined;

/** How many bytes a heavy apply may copy between two young collections (see boundBuffers). */
const BUFFER_SLACK = 8 * 1024 * 1024;

/**
 * During a heavy apply: a young collection (a scavenge, a few ms) each time BUFFER_SLACK bytes of file content
 * went through the apply. A file's bytes are read into buffers outside V8's heap, freed only when the small
 * objects holding them die in a collection; with the young generation grown, a scavenge comes only after
 * megabytes of small objects, and a large file (64 KiB chunks, each with a few hundred bytes of objects) left
 * ~25 MiB of dead buffers at once: at 100,000 files the bench's 50 MiB file, copied at the apply's end, put
 * +30 MiB on the first sync's peak. Returns the function that stops counting.
 */
function boundBuffers(): () => void {
  const gc = v8gc();
  if (gc) copied = { bytes: 0, gc };
  return () => {
    copied = undefined;
  };
}

/** Bytes of file content copied by the apply (counted toward a young collection in a heavy apply). */
export function contentCopied(bytes: number): void {
  if (copied === undefined || (copied.bytes += bytes) < BUFFER_SLACK) return;
  copied.bytes = 0;
  copied.gc({ type: 'minor' });
}
