// Delta debugging of a failing case: drop chunks of operations, then single ones (and extra sets, and set
// flags), re-running each candidate from scratch, keeping a candidate when the same invariant still breaks.
import type { Case, Op } from './ops.js';
import { runCase, type CaseOptions, type CaseResult } from './run-case.js';

/** Limits of one shrink. */
export interface ShrinkBudget {
  maxRuns: number;
  maxMs: number;
}

/** The smallest case found that still breaks `invariant`, its result, and how many runs it took. */
export interface Shrunk {
  case: Case;
  result: CaseResult;
  runs: number;
}

/** Shrink `failing` (whose run is `first`) while it keeps breaking the same invariant. */
export async function shrinkCase(
  failing: Case,
  first: CaseResult,
  opts: CaseOptions,
  budget: ShrinkBudget = { maxRuns: 150, maxMs: 240_000 },
): Promise<Shrunk> {
  const invariant = first.violation!.invariant;
  const end = Date.now() + budget.maxMs;
  let runs = 0;
  const cut = (c: Case, r: CaseResult): Case => ({ ...c, ops: c.ops.slice(0, r.violation!.op + 1) });
  let best: Shrunk = { case: cut(failing, first), result: first, runs };
  const tryCase = async (c: Case): Promise<boolean> => {
    if (runs >= budget.maxRuns || Date.now() > end) return false;
    runs++;
    const r = await runCase(c, { ...opts, log: undefined });
    if (r.violation?.invariant !== invariant) return false;
    best = { case: cut(c, r), result: r, runs };
    return true;
  };
  // ops: chunks of len/n, n doubling up to single ops (ddmin's complement steps)
  let n = 2;
  while (best.case.ops.length > 0 && runs < budget.maxRuns && Date.now() < end) {
    const ops = best.case.ops;
    const size = Math.ceil(ops.length / n);
    let removed = false;
    for (let i = 0; i < ops.length; i += size) {
      const rest: Op[] = [...ops.slice(0, i), ...ops.slice(i + size)];
      if (await tryCase({ ...best.case, ops: rest })) {
        removed = true;
        n = Math.max(n - 1, 2);
        break;
      }
    }
    if (!removed) {
      if (size <= 1) break;
      n = Math.min(ops.length, n * 2);
    }
  }
  // extra sets, then set flags, one at a time
  for (let k = best.case.setup.sets.length - 1; k >= 1; k--) {
    const sets = best.case.setup.sets.filter((_, j) => j !== k);
    await tryCase({ ...best.case, setup: { ...best.case.setup, sets } });
  }
  for (let k = 0; k < best.case.setup.sets.length; k++) {
    for (let f = best.case.setup.sets[k]!.flags.length - 1; f >= 0; f--) {
      const flags = [...best.case.setup.sets[k]!.flags];
      const value = flags[f + 1] !== undefined && !flags[f + 1]!.startsWith('--');
      if (!flags[f]?.startsWith('--')) continue;
      flags.splice(f, value ? 2 : 1);
      const sets = best.case.setup.sets.map((s, j) => (j === k ? { ...s, flags } : s));
      await tryCase({ ...best.case, setup: { ...best.case.setup, sets } });
    }
  }
  return { ...best, runs };
}
