import fs from 'node:fs';
import path from 'node:path';
import type { ChangeListener } from '../types.js';
import { toSpecPath } from './names.js';
import type { TempNames } from './temp-files.js';

/**
 * Watch `dir` recursively (Node 20 supports this on Linux too) and report changed paths relative to `root`.
 * Our own temp files are ignored so a pass does not wake itself up. Errors (the folder vanished) never
 * crash: the listener is told "something changed" so the caller re-checks and finds out. Returns stop().
 */
export function startWatch(
  dir: string,
  root: string,
  temps: TempNames,
  onChange: ChangeListener,
): () => void {
  let watcher: fs.FSWatcher | undefined;
  let stopped = false;
  const report = (p: string): void => {
    if (stopped) return;
    try {
      onChange(p);
    } catch {
      // a listener's failure is its own business; the watch goes on
    }
  };
  try {
    watcher = fs.watch(dir, { recursive: true, persistent: false }, (_event, filename) => {
      const rel = filename === null ? '' : filename.toString();
      if (rel !== '' && temps.pidOf(path.basename(rel)) !== undefined) return;
      report(rel === '' ? toSpecPath(root, dir) : toSpecPath(root, path.join(dir, rel)));
    });
    watcher.on('error', () => {
      report(toSpecPath(root, dir));
      watcher?.close();
    });
  } catch {
    // The folder is gone or cannot be watched: tell the caller to look again.
    setImmediate(() => report(toSpecPath(root, dir)));
  }
  return () => {
    stopped = true;
    watcher?.close();
  };
}
