// `npm run test:model -- --seeds N [--seed S] [--ops K] [--pairing local|emulator] [--no-shrink] [--verbose]
// [--stop] [--root <build>] [--save <dir>] [--case <file.json> ...]`: run N seeds from S (default 1), K
// operations each, print each seed's ops and violations (shrunk), then a summary line. Exits 1 when a
// violation was found. A failing case is saved as JSON (its kills at the kill points where they landed) in
// --save (default: <tmp>/cloudsync-model-cases); `--case <file>` replays such a case exactly.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBudget } from './budget.js';
import type { Case } from './ops.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const num = (name: string, dflt: number): number => {
  const v = arg(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`error: --${name} needs a whole number, got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
};
const pairing = arg('pairing') ?? 'local';
if (pairing !== 'local' && pairing !== 'emulator') {
  process.stderr.write(`error: --pairing is local or emulator, got ${JSON.stringify(pairing)}\n`);
  process.exit(2);
}
const seed = arg('seed');
const cases: Case[] = [];
process.argv.forEach((a, i) => {
  if (a !== '--case') return;
  const file = process.argv[i + 1] ?? '';
  try {
    cases.push(JSON.parse(readFileSync(file, 'utf8')) as Case);
  } catch (err) {
    process.stderr.write(`error: --case ${file}: ${(err as Error).message}\n`);
    process.exit(2);
  }
});
const sum = await runBudget({
  seeds: num('seeds', seed === undefined ? 10 : 1),
  firstSeed: num('seed', 1),
  ops: num('ops', 40),
  pairing,
  root: arg('root'),
  shrink: !process.argv.includes('--no-shrink'),
  stopAtFirst: process.argv.includes('--stop'),
  verbose: process.argv.includes('--verbose'),
  saveDir: arg('save') ?? path.join(tmpdir(), 'cloudsync-model-cases'),
  cases: cases.length ? cases : undefined,
  print: (l) => process.stdout.write(`${l}\n`),
});
process.exitCode = sum.findings.length ? 1 : 0;
