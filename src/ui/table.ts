import { createRequire } from 'node:module';
import type TableType from 'cli-table3';
import type { Colors } from './colors.js';
import { escapeControl } from '../redact.js';

let Table: typeof TableType | undefined;

/** cli-table3, required on the first table drawn: --json and quiet runs never load it. */
function tableClass(): typeof TableType {
  return (Table ??= createRequire(import.meta.url)('cli-table3') as typeof TableType);
}

/**
 * A plain table: cli-table3 colours borders and headers by default, which would leak escape codes into
 * pipes; here every colour comes from the caller's chalk, whose level is 0 off a terminal.
 */
export function renderTable(color: Colors, head: string[], rows: string[][]): string {
  const table = new (tableClass())({
    head: head.map((h) => color.bold(h)),
    style: { head: [], border: [], compact: true },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
  });
  // A name with a newline or an escape sequence would break the columns (or the terminal): show it instead.
  table.push(...rows.map((r) => r.map((cell) => escapeControl(cell, { keepColors: color.level > 0 }))));
  // cli-table3 pads the first column with one leading space; trim it so output lines start at column 0.
  return table
    .toString()
    .split('\n')
    .map((l) => l.replace(/^ /, '').trimEnd())
    .join('\n');
}

/** Aligned `key: value` lines for definitions (inspect, whoami). */
export function renderPairs(color: Colors, pairs: [string, string][]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs
    .map(
      ([k, v]) =>
        `${color.bold(`${k}:`.padEnd(width + 1))} ${escapeControl(v, { keepColors: color.level > 0 })}`,
    )
    .join('\n');
}
