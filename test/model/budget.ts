// A budget of seeds run one after another, each shrunk on failure: what `npm run test:model` and the CI
// test share.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { caseToScenario, describeOp, type Case } from './ops.js';
import { runCase, type CaseResult } from './run-case.js';
import { shrinkCase, type ShrinkBudget } from './shrink.js';

/** What to run. */
export interface Budget {
  seeds: number;
  firstSeed: number;
  ops: number;
  pairing: 'local' | 'emulator';
  /** The build to test (default: this checkout). */
  root?: string;
  /** Shrink failures (default true). */
  shrink?: boolean;
  shrinkBudget?: ShrinkBudget;
  /** Stop at the first violation. */
  stopAtFirst?: boolean;
  /** Only these invariants count (the mutation check); default all. */
  only?: string[];
  /** Print the ops of each seed as they run. */
  verbose?: boolean;
  /**
   * Write each failing case (its ops with the kill points where its kills landed) to `<saveDir>/seed-S.json`
   * and its minimal case to `seed-S-min.json`, for `--case` to replay exactly.
   */
  saveDir?: string;
  /** Replay these cases (read from `--case` files) instead of generating seeds. */
  cases?: Case[];
  print: (line: string) => void;
}

/** One violation found, with its minimal case. */
export interface Finding {
  seed: number;
  invariant: string;
  messages: string[];
  minimal: Case;
  /** The minimal case as a scenario literal for test/scenarios/rules.ts. */
  scenario: string;
  shrinkRuns: number;
}

/** The figures of a budget run. */
export interface Summary {
  seeds: number;
  operations: number;
  passes: number;
  kills: number;
  findings: Finding[];
  ms: number;
}

/** The minimal case as lines a human reads. */
export function describeCase(c: Case, r: CaseResult): string[] {
  const lines = [
    `  seed ${c.seed}; sets: ${c.setup.sets.map((s) => `${s.paths.join(' ')} ${s.flags.join(' ')}`).join(' | ')}`,
  ];
  c.ops.forEach((op, i) =>
    lines.push(
      `  ${String(i).padStart(3)} ${describeOp(op)}${r.exits[i] != null ? ` → exit ${r.exits[i]}` : ''}`,
    ),
  );
  if (r.violation && r.violation.op >= c.ops.length)
    lines.push(`  ${String(c.ops.length).padStart(3)} sync (the final pass)`);
  return lines;
}

/** Write a case as JSON into `b.saveDir`; its path (undefined without a saveDir). */
async function save(b: Budget, name: string, c: Case): Promise<string | undefined> {
  if (!b.saveDir) return undefined;
  await mkdir(b.saveDir, { recursive: true });
  const file = path.join(b.saveDir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(c, null, 1)}\n`);
  return file;
}

/** Run the budget; never throws for a violation (they are in the summary). */
export async function runBudget(b: Budget): Promise<Summary> {
  const start = Date.now();
  const sum: Summary = { seeds: 0, operations: 0, passes: 0, kills: 0, findings: [], ms: 0 };
  let emu: Emulator | undefined;
  if (b.pairing === 'emulator') emu = await startEmulator({});
  try {
    const todo = b.cases ?? [];
    if (!b.cases)
      for (let seed = b.firstSeed; seed < b.firstSeed + b.seeds; seed++)
        todo.push({ seed, setup: { files: {}, cloudDirs: [], sets: [] }, ops: [] });
    for (const c of todo) {
      const seed = c.seed;
      const lines: string[] = [];
      const opts = { pairing: b.pairing, emu, root: b.root, only: b.only, log: (l: string) => lines.push(l) };
      const r = await runCase(c, opts, b.cases ? 0 : b.ops);
      sum.seeds++;
      sum.operations += r.executed;
      sum.passes += r.passes;
      sum.kills += r.kills;
      const v = r.violation;
      b.print(
        `seed ${seed}: ${r.case.ops.length} ops, ${r.passes} passes, ${r.kills} kills${v ? `: VIOLATION ${v.invariant}` : ': ok'}`,
      );
      if (b.verbose || v) for (const l of lines) b.print(l);
      if (!v) continue;
      for (const m of v.messages.slice(0, 8)) b.print(`    ! ${m}`);
      const saved = await save(b, `seed-${seed}`, r.case);
      let minimal = r.case;
      let mr = r;
      let shrinkRuns = 0;
      if (b.shrink !== false) {
        const s = await shrinkCase(
          r.case,
          r,
          { pairing: b.pairing, emu, root: b.root, only: b.only },
          b.shrinkBudget,
        );
        ({ case: minimal, result: mr, runs: shrinkRuns } = s);
        b.print(
          `  shrunk in ${shrinkRuns} runs to ${minimal.ops.length} ops (${mr.violation!.messages[0]}):`,
        );
        for (const l of describeCase(minimal, mr)) b.print(l);
      }
      const savedMin = await save(b, `seed-${seed}-min`, minimal);
      if (saved)
        b.print(`  replay exactly (the kills at their kill points): --case ${saved} (minimal: ${savedMin})`);
      const scenario = caseToScenario(
        minimal,
        `model seed ${seed}: ${v.invariant}`,
        mr.violation!.messages[0]!,
        mr.exits,
        mr.violation!.op >= minimal.ops.length,
      );
      b.print('  as a scenario for test/scenarios/rules.ts:');
      for (const l of scenario.split('\n')) b.print(`  ${l}`);
      sum.findings.push({
        seed,
        invariant: v.invariant,
        messages: mr.violation!.messages,
        minimal,
        scenario,
        shrinkRuns,
      });
      if (b.stopAtFirst) break;
    }
  } finally {
    await emu?.close();
  }
  sum.ms = Date.now() - start;
  b.print(
    `model: ${sum.seeds} seeds, ${sum.operations} operations, ${sum.passes} passes, ${sum.kills} kills, ${sum.findings.length} violations (${(sum.ms / 1000).toFixed(0)} s, ${b.pairing})`,
  );
  return sum;
}
