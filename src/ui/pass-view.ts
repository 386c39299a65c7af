import type { EngineEvent, PassResult } from '../engine/types.js';
import { describeAction } from '../engine/views.js';
import { escapeControl } from '../redact.js';
import { formatBytes, formatDuration } from './format.js';
import type { Output } from './output.js';
import type { Progress } from './progress.js';
import { colorExitCode } from './status.js';
import { renderTable } from './table.js';

/** What an exit code of a pass means, in words, for the summary line. */
export function describeExitCode(code: number): string {
  switch (code) {
    case 0:
      return 'in sync';
    case 3:
      return 'synced with errors (see `cloudsync list --errors`)';
    case 4:
      return 'authentication failed';
    case 5:
      return 'aborted by a safety guard; nothing was changed';
    case 6:
      return 'another pass holds the lock';
    case 7:
      return 'a side could not be reached; retry later';
    default:
      return 'failed';
  }
}

/** What the end-of-pass line reports besides the counts: bytes moved, time taken, where the log is. */
export interface PassStats {
  bytes: number;
  startedAt: number;
  /** The log file of this run (printed when something failed), if it keeps one. */
  logFile?: string;
}

/** Fresh stats for a pass starting now. */
export function newPassStats(out: Output, now = Date.now()): PassStats {
  return { bytes: 0, startedAt: now, logFile: out.log?.file };
}

/** The handler for engine events during a human-mode pass: progress line, warnings, and --verbose action log (the log file gets them from openContext). */
export function passEventHandler(
  out: Output,
  progress: Progress,
  stats?: PassStats,
): (e: EngineEvent) => void {
  return (e) => {
    progress.onEvent(e);
    if (stats && e.event === 'action-done') stats.bytes += e.bytes;
    switch (e.event) {
      case 'warning':
        progress.log(() => out.warn(e.message, { log: false }));
        break;
      case 'guard':
        progress.log(() => out.error(e.message, e.hint));
        break;
      case 'action-failed':
        progress.log(() =>
          out.warn(`${e.action.side} ${e.action.path}: ${e.code}: ${e.message}`, { log: false }),
        );
        break;
      case 'action-done':
        if (out.mode.verbose) progress.log(() => out.debug(describeAction(e.action), { log: false }));
        break;
      default:
        break;
    }
  };
}

/** The plan of a dry run as lines, one per action, grouped by set. */
export function renderPlan(result: PassResult): string {
  const lines: string[] = [];
  for (const set of result.sets) {
    lines.push(
      `# ${escapeControl(set.name)} (${set.id})${set.actions.length === 0 ? ': nothing to do' : ''}`,
    );
    for (const a of set.actions) lines.push(escapeControl(describeAction(a)));
  }
  return lines.join('\n');
}

/**
 * The per-set summary table of a pass and one closing line with the outcome, the bytes moved and the time
 * taken; when something failed, where the log is.
 */
export function renderPassSummary(
  out: Output,
  result: PassResult,
  stats?: PassStats,
  now = Date.now(),
): string {
  const c = out.color;
  const table = renderTable(
    c,
    ['SET', 'NAME', 'PUSHED', 'PULLED', 'DELETED', 'MOVED', 'CONFLICTS', 'FAILED'],
    result.sets.map((s) => [
      s.id.slice(0, 8),
      s.aborted ? `${s.name} ${c.red(`(aborted: ${s.aborted.code})`)}` : s.name,
      String(s.pushed),
      String(s.pulled),
      String(s.deleted),
      String(s.moved),
      s.conflicts ? c.yellow(String(s.conflicts)) : '0',
      s.failed ? c.red(String(s.failed)) : '0',
    ]),
  );
  if (result.sets.length === 0) return 'no sync sets; create one with `cloudsync create`';
  if (result.dryRun) return `${renderPlan(result)}\n\n${table}\ndry run: nothing was changed`;
  const outcome = `${describeExitCode(result.exitCode)} (exit ${colorExitCode(c, result.exitCode)})`;
  if (!stats) return `${table}\n${outcome}`;
  const moved = `${formatBytes(stats.bytes)} moved in ${formatDuration((now - stats.startedAt) / 1000)}`;
  const log = result.exitCode !== 0 && stats.logFile ? `\ndetails in the log: ${stats.logFile}` : '';
  return `${table}\n${outcome}; ${moved}${log}`;
}
