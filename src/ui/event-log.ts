import type { EngineEvent } from '../engine/types.js';
import { describeAction } from '../engine/views.js';
import { formatBytes, formatDuration } from './format.js';
import { escapeControl } from '../redact.js';
import type { LogFile } from './log-file.js';

/**
 * Turns engine events into log lines: each applied or failed action, warnings, and one summary per pass.
 * Fed every event whatever the output mode (--json, --quiet), so the log is the same for scripts and people.
 */
export function engineEventLogger(log: LogFile, clock: () => number = Date.now): (e: EngineEvent) => void {
  let started = clock();
  let done = 0;
  let failed = 0;
  let bytes = 0;
  let planned = 0;
  return (e) => {
    switch (e.event) {
      case 'pass-start':
        [started, done, failed, bytes, planned] = [clock(), 0, 0, 0, 0];
        log.write('info', `pass start: ${e.sets.length} set(s)`);
        return;
      case 'plan':
        planned += e.actions;
        log.write('info', `plan ${e.setId.slice(0, 8)}: ${e.actions} action(s), ${formatBytes(e.bytes)}`);
        return;
      case 'action-start':
      case 'bytes': // progress only; the action's line comes when it is done
        return;
      case 'action-done':
        done++;
        bytes += e.bytes;
        log.write('info', escapeControl(`${e.setId.slice(0, 8)} ${describeAction(e.action)}`));
        return;
      case 'action-failed':
        failed++;
        log.write(
          'warn',
          escapeControl(`${e.setId.slice(0, 8)} ${e.action.side} ${e.action.path}: ${e.code}: ${e.message}`),
        );
        return;
      case 'warning':
        log.write('warn', escapeControl(e.setId ? `${e.setId.slice(0, 8)} ${e.message}` : e.message));
        return;
      case 'guard':
        log.write('warn', `${e.setId.slice(0, 8)} guard ${e.code}: ${e.message}`);
        return;
      case 'pass-end':
        log.write(
          'info',
          `pass end: exit ${e.exitCode}; ${done}/${planned} action(s) done, ${failed} failed, ` +
            `${formatBytes(bytes)} moved in ${formatDuration((clock() - started) / 1000)}`,
        );
        return;
      default: {
        const never: never = e;
        return never;
      }
    }
  };
}
