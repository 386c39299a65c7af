import type { Colors } from './colors.js';

/** Colour a member or set status the same way everywhere: SYNCED green, PENDING yellow, FAILED red. */
export function colorStatus(color: Colors, status: string): string {
  switch (status) {
    case 'SYNCED':
      return color.green(status);
    case 'PENDING':
      return color.yellow(status);
    case 'FAILED':
      return color.red(status);
    default:
      return status;
  }
}

/** Colour a process exit code for summaries: 0 green, 3 yellow, anything else red. */
export function colorExitCode(color: Colors, code: number): string {
  if (code === 0) return color.green(String(code));
  if (code === 3) return color.yellow(String(code));
  return color.red(String(code));
}
