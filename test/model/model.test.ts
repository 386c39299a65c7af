// The model tester in CI: a fixed budget of seeds on local ↔ local and a smaller one on local ↔ emulator
// (any violation fails the test and prints the shrunk case), and the mutation check: against builds with a
// deliberate bug, the tester must report the bug's invariant within a bounded budget.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { runBudget, type Summary } from './budget.js';
import { buildMutant, MUTANTS } from './mutants.js';

const SHRINK = { maxRuns: 40, maxMs: 60_000 };

function report(sum: Summary, lines: string[]): string {
  return `${sum.findings.length} violation(s); the run:\n${lines.join('\n')}`;
}

describe('model tester (issue 9): randomized operations on both sides, invariants after every pass', function () {
  this.timeout(300_000);

  it('local ↔ local: 6 seeds × 30 operations, no invariant broken', async () => {
    const lines: string[] = [];
    const sum = await runBudget({
      seeds: 6,
      firstSeed: 1,
      ops: 30,
      pairing: 'local',
      shrinkBudget: SHRINK,
      print: (l) => lines.push(l),
    });
    console.log(`      ${lines[lines.length - 1]}`);
    assert.equal(sum.findings.length, 0, report(sum, lines));
  });

  it('local ↔ emulator: 2 seeds × 20 operations, no invariant broken', async () => {
    const lines: string[] = [];
    const sum = await runBudget({
      seeds: 2,
      firstSeed: 101,
      ops: 20,
      pairing: 'emulator',
      shrinkBudget: SHRINK,
      print: (l) => lines.push(l),
    });
    console.log(`      ${lines[lines.length - 1]}`);
    assert.equal(sum.findings.length, 0, report(sum, lines));
  });

  for (const m of MUTANTS) {
    it(`finds a deliberate bug: ${m.name} (reports "${m.invariant}" within 25 seeds × 30 operations)`, async () => {
      const root = await buildMutant(m);
      try {
        const lines: string[] = [];
        const sum = await runBudget({
          seeds: 25,
          firstSeed: 1,
          ops: 30,
          pairing: 'local',
          root,
          only: [m.invariant],
          shrink: false,
          stopAtFirst: true,
          print: (l) => lines.push(l),
        });
        console.log(`      ${lines[lines.length - 1]}`);
        assert.equal(
          sum.findings[0]?.invariant,
          m.invariant,
          `the tester missed the mutant:\n${lines.join('\n')}`,
        );
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  }
});
