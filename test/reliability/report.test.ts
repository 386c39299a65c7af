// With RESULTS_MD=<file>, writes the figures every reliability test collected (support.ts `results`) as the
// Markdown of RESULTS.md once all tests have run. Without it, this file does nothing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../support/cli.js';
import { results } from './support.js';
import type { KillRecord } from './crash.test.js';
import type { FaultRecord } from './faults.test.js';
import type { ConcurrencyRecord } from './concurrency.test.js';
import type { BadInputRecord } from './bad-input.test.js';
import type { VanishedRecord } from './vanished.test.js';

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

/** The Markdown report. */
export function renderResults(command: string): string {
  const out: string[] = [
    '# Reliability results',
    '',
    `Run: ${new Date().toISOString().slice(0, 10)}, \`${command}\` (${process.platform}, Node ${process.version}).`,
    "Regenerate: `RESULTS_MD=test/reliability/RESULTS.md npx mocha --no-config --timeout 0 'dist/test/reliability/*.test.js'`.",
    '',
  ];
  const kills = (results.crash as KillRecord[] | undefined) ?? [];
  if (kills.length) {
    out.push('## Kill points (SIGKILL, then `sync` until exit 0, at most 3 runs)', '');
    out.push(
      row([
        'pairing',
        'kill point',
        'killed mid-pass',
        'journal lines at kill',
        'follow-up passes',
        'lost',
        'duplicates',
        'temp files',
        'converged',
      ]),
    );
    out.push(row(Array(9).fill('---')));
    for (const k of kills)
      out.push(
        row([
          k.pairing,
          k.point,
          k.killed ? 'yes' : 'no (finished first)',
          k.journalLines,
          k.followUps < 0 ? '-' : k.followUps,
          k.damage.lost,
          k.damage.duplicates,
          k.damage.temps,
          k.error ? `**NO**: ${k.error.split('\n')[0]!.slice(0, 120)}` : 'yes',
        ]),
      );
    out.push('');
  }
  const faults = (results.faults as FaultRecord[] | undefined) ?? [];
  if (faults.length) {
    out.push('## Faults (emulator, 10% of requests)', '');
    out.push(
      row([
        'phase',
        'files',
        '500',
        '503',
        'reset',
        'delay',
        'lost-response',
        'runs (exit codes)',
        'seconds',
        'lost',
        'duplicates',
        'extra nodes',
        'wrong bytes',
      ]),
    );
    out.push(row(Array(13).fill('---')));
    for (const f of faults)
      out.push(
        row([
          f.label,
          f.files,
          f.faults['500'],
          f.faults['503'],
          f.faults.reset,
          f.faults.delay,
          f.faults['lost-response'],
          f.runs.join(', '),
          f.seconds.toFixed(1),
          f.lost,
          f.duplicates,
          f.extra,
          f.wrong,
        ]),
      );
    out.push('');
  }
  const conc = (results.concurrency as ConcurrencyRecord[] | undefined) ?? [];
  if (conc.length) {
    out.push('## Concurrency', '');
    out.push(row(['what', 'runs', 'exit codes (code: count)', 'lost', 'duplicates']));
    out.push(row(Array(5).fill('---')));
    for (const c of conc)
      out.push(
        row([
          c.what,
          c.runs,
          Object.entries(c.codes)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', '),
          c.lost,
          c.duplicates,
        ]),
      );
    out.push('');
  }
  const bad = [
    ...((results.badInput as BadInputRecord[] | undefined) ?? []),
    ...((results.vanished as VanishedRecord[] | undefined) ?? []).map((v) => ({
      input: v.what,
      exit: v.exit,
      outcome: v.outcome,
      lost: v.lost,
      duplicates: 0,
    })),
  ];
  if (bad.length) {
    out.push('## Bad input and vanished sides', '');
    out.push(row(['input', 'exit', 'outcome', 'lost', 'duplicates']));
    out.push(row(Array(5).fill('---')));
    for (const b of bad)
      out.push(
        row([b.input.replace(/\|/g, '\\|'), b.exit, b.outcome.replace(/\|/g, '\\|'), b.lost, b.duplicates]),
      );
    out.push('');
  }
  return out.join('\n');
}

after(function () {
  const file = process.env.RESULTS_MD;
  if (!file) return;
  const target = path.isAbsolute(file) ? file : path.join(PROJECT_ROOT, file);
  // The model tester's figures come from its own runs (test/model/RESULTS.md); they are kept here as well.
  const model = path.join(PROJECT_ROOT, 'test/model/RESULTS.md');
  writeFileSync(
    target,
    renderResults(
      process.env.RESULTS_COMMAND ?? "npx mocha --no-config --timeout 0 'dist/test/reliability/*.test.js'",
    ) + (existsSync(model) ? `\n${readFileSync(model, 'utf8')}` : ''),
  );
});
