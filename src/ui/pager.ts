import { spawn } from 'node:child_process';

/**
 * The pager for long listings, like git and gh: $PAGER (default `less -FRX`) when stdout is a terminal and
 * --no-pager was not given; null otherwise. An empty PAGER or `cat` means no pager.
 */
export function choosePager(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean, noPager: boolean): string | null {
  if (noPager || !stdoutIsTTY || env.TERM === 'dumb') return null;
  const pager = env.PAGER ?? 'less -FRX';
  return pager.trim() === '' || pager.trim() === 'cat' ? null : pager;
}

/**
 * Show `text` through `pager` when it is taller than the terminal; resolves false when it did not page (the
 * caller prints it). The pager inherits the terminal; LESS=FRX unless set, as git does.
 */
export function pageText(
  pager: string,
  text: string,
  rows: number | undefined,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  if (rows !== undefined && text.split('\n').length < rows) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(pager, {
      shell: true,
      stdio: ['pipe', 'inherit', 'inherit'],
      env: { LESS: 'FRX', ...env },
    });
    child.on('error', () => resolve(false));
    child.stdin.on('error', () => {}); // the reader quit early (q in less): fine
    child.on('close', () => resolve(true));
    child.stdin.end(text);
  });
}
