// A model case as data: the sets it creates (Setup) and the operations it runs (Op[]), all with concrete
// paths and contents, so a case replays exactly, shrinks by dropping operations, and prints as a scenario.
import type { Side } from '../../src/connectors/types.js';

/** One user operation on a side, or one cloudsync run. Paths are connection-relative. */
export type Op =
  /** Create or edit in place. */
  | { k: 'write'; on: Side; path: string; content: string }
  /** Save by rename: a new file renamed over the old name. */
  | { k: 'save'; on: Side; path: string; content: string }
  | { k: 'rm'; on: Side; path: string }
  | { k: 'mv'; on: Side; from: string; to: string }
  | { k: 'mkdir'; on: Side; path: string }
  | { k: 'touch'; on: Side; path: string }
  | { k: 'symlink'; on: Side; path: string; target: string }
  /** `sync --json <flags>`; with `dry`, a `--dry-run` of the same pass first, compared with it. */
  | { k: 'sync'; flags: string[]; dry?: boolean }
  /**
   * `sync --json <flags>` in a real process, SIGKILLed `ms`/4 ms after its first file system effect, or right
   * after its `lines`-th journal write or change to a side (kill-point.ts); once
   * run, `after` records where the kill landed (kill-point.ts): `"<k> <effect>"` (right after the k-th such
   * file system effect), `start` (before any) or `none` (the pass ended first). A replay with `after` kills
   * at that point instead of by time.
   */
  | { k: 'kill'; flags: string[]; ms?: number; lines?: number; after?: string }
  /** Two `sync --json` processes at once (one may exit 6). */
  | { k: 'race' }
  /** `unsync` of every set (the end of a sequence). */
  | { k: 'unsync' };

/** One `cloudsync create`: its paths and flags (the target is `T` on the cloud side). */
export interface SetDef {
  paths: string[];
  flags: string[];
}

/** What a case starts from: the on-prem files written before the sets are created, and the sets. */
export interface Setup {
  files: Record<string, string>;
  /** Folders created on the cloud side before the sets (the target). */
  cloudDirs: string[];
  sets: SetDef[];
}

/** A whole case. */
export interface Case {
  seed: number;
  setup: Setup;
  ops: Op[];
}

/** One line a human reads: `onprem write A/a.txt "v3:…"`. */
export function describeOp(op: Op): string {
  const short = (s: string) => JSON.stringify(s.length > 24 ? `${s.slice(0, 20)}…` : s);
  switch (op.k) {
    case 'write':
    case 'save':
      return `${op.on} ${op.k} ${op.path} ${short(op.content)}`;
    case 'rm':
    case 'mkdir':
    case 'touch':
      return `${op.on} ${op.k} ${op.path}`;
    case 'mv':
      return `${op.on} mv ${op.from} ${op.to}`;
    case 'symlink':
      return `${op.on} symlink ${op.path} -> ${op.target}`;
    case 'sync':
      return `sync ${op.flags.join(' ')}${op.dry ? ' (dry-run first)' : ''}`.trim();
    case 'kill':
      return `sync ${op.flags.join(' ')} killed ${op.ms !== undefined ? `after ${op.ms} ms` : `at journal point ${op.lines}`}${op.after !== undefined ? ` [kill point: ${op.after}]` : ''}`;
    case 'race':
      return 'two syncs at once';
    case 'unsync':
      return 'unsync every set';
  }
}

/** Whether an op is a user change (as opposed to a cloudsync run). */
export function isUserOp(op: Op): boolean {
  return !['sync', 'kill', 'race', 'unsync'].includes(op.k);
}

/**
 * The case as a `Scenario` literal for test/scenarios/rules.ts (local ↔ local paths). The first set is the
 * scenario's `create`; further sets are `run: ['create', …]` steps; runs keep the exit codes seen.
 */
export function caseToScenario(
  c: Case,
  name: string,
  rule: string,
  exits: (number | null)[],
  finalPass = false,
): string {
  const q = (s: string) => {
    const m = /^(v\d+:\d+:)((?:abcdefghij){4,})$/.exec(s);
    if (m) return `'${m[1]}' + 'abcdefghij'.repeat(${m[2]!.length / 10})`;
    return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  };
  const arr = (xs: string[]) => `[${xs.map(q).join(', ')}]`;
  const lines: string[] = [];
  const onprem: string[] = [];
  const dirs = new Set<string>();
  for (const p of Object.keys(c.setup.files))
    for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
  for (const d of [...dirs].sort()) onprem.push(`${q(d)}: null`);
  for (const [p, v] of Object.entries(c.setup.files)) onprem.push(`${q(p)}: ${q(v)}`);
  const cloud = c.setup.cloudDirs.map((d) => `${q(d)}: null`);
  const [first, ...more] = c.setup.sets;
  for (const s of more) lines.push(`{ run: ${arr(['create', ...s.paths, '--target', 'T', ...s.flags])} },`);
  c.ops.forEach((op, i) => {
    const exit = exits[i];
    const ex = exit === undefined || exit === null || exit === 0 ? '' : `, exit: ${exit}`;
    switch (op.k) {
      case 'write':
        return lines.push(`{ on: '${op.on}', write: ${q(op.path)}, content: ${q(op.content)} },`);
      case 'save':
        return lines.push(`{ on: '${op.on}', save: ${q(op.path)}, content: ${q(op.content)} },`);
      case 'rm':
        return lines.push(`{ on: '${op.on}', rm: ${q(op.path)} },`);
      case 'mkdir':
        return lines.push(`{ on: '${op.on}', mkdir: ${q(op.path)} },`);
      case 'touch':
        return lines.push(`{ on: '${op.on}', touch: ${q(op.path)} },`);
      case 'mv':
        return lines.push(`{ on: '${op.on}', mv: [${q(op.from)}, ${q(op.to)}] },`);
      case 'symlink':
        return lines.push(`{ on: '${op.on}', symlink: [${q(op.path)}, ${q(op.target)}] },`);
      case 'sync':
        if (op.dry) lines.push(`{ run: ${arr(['sync', '--dry-run', ...op.flags])}${ex} },`);
        return lines.push(`{ run: ${arr(['sync', ...op.flags])}${ex} },`);
      case 'kill':
        return lines.push(
          `{ kill: ${arr(['sync', ...op.flags])}, ${op.after !== undefined ? `afterEffect: ${q(op.after)}` : op.ms !== undefined ? `afterMs: ${op.ms}` : `journalLines: ${op.lines}`} },`,
        );
      case 'race':
        return lines.push(`{ run: ['sync'], exit: ${exit ?? 0} }, // was: two syncs at once`);
      case 'unsync':
        return lines.push(`{ run: ['unsync', '$ID'] },`);
    }
  });
  if (finalPass) lines.push("{ run: ['sync'] }, // the final pass, where the violation was seen");
  return [
    '{',
    `  name: ${q(name)},`,
    `  rule: ${q(rule)},`,
    `  onprem: { ${onprem.join(', ')} },`,
    `  cloud: { ${cloud.join(', ')} },`,
    `  create: ${arr([...(first?.paths ?? []), '--target', 'T', ...(first?.flags ?? [])])},`,
    '  steps: [',
    ...lines.map((l) => `    ${l}`),
    '  ],',
    '},',
  ].join('\n');
}
