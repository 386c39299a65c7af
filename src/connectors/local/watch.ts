import fs from 'node:fs';
import path from 'node:path';
import type { ChangeListener } from '../types.js';
import { toSpecPath } from './names.js';
import type { TempNames } from './temp-files.js';

/**
 * Watch `dir` and every folder below it, reporting changed paths relative to `root`. One non-recursive
 * watcher per folder, not `fs.watch(dir, { recursive: true })`: on Linux, Node 20 emulates recursion in
 * JavaScript with a stat and an inotify watch per *file*, which at 100,000 files cost 1.8 GB and a third of
 * a CPU while idle. A folder created or moved in is watched as soon as its parent reports it; one that
 * vanishes is dropped. Our own temp files are ignored so a pass does not wake itself up. Errors never
 * crash: the listener is told "something changed" so the caller re-checks. Returns stop().
 */
export function startWatch(
  dir: string,
  root: string,
  temps: TempNames,
  onChange: ChangeListener,
): () => void {
  const watchers = new Map<string, fs.FSWatcher>();
  let stopped = false;
  const report = (abs: string): void => {
    if (stopped) return;
    try {
      onChange(toSpecPath(root, abs));
    } catch {
      // a listener's failure is its own business; the watch goes on
    }
  };
  const drop = (d: string): void => {
    for (const [p, w] of watchers) {
      if (p === d || p.startsWith(d + path.sep)) {
        w.close();
        watchers.delete(p);
      }
    }
  };
  const watchOne = (d: string): boolean => {
    if (stopped || watchers.has(d)) return watchers.has(d);
    try {
      const w = fs.watch(d, { persistent: false }, (_event, filename) => {
        const name = filename === null ? '' : filename.toString();
        if (name !== '' && temps.pidOf(name) !== undefined) return;
        const abs = name === '' ? d : path.join(d, name);
        report(abs);
        if (name === '') return;
        const st = lstatQuiet(abs);
        if (st?.isDirectory()) watchTree(abs);
        else if (st === null) drop(abs);
      });
      w.on('error', () => {
        drop(d);
        report(d);
      });
      watchers.set(d, w);
      return true;
    } catch {
      return false; // vanished, unreadable, or out of inotify watches: the interval passes still run
    }
  };
  const watchTree = (top: string): void => {
    const stack = [top];
    while (stack.length > 0 && !stopped) {
      const d = stack.pop()!;
      if (!watchOne(d)) continue;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) if (e.isDirectory()) stack.push(path.join(d, e.name));
    }
  };
  watchTree(dir);
  // The folder is gone or cannot be watched: tell the caller to look again.
  if (!watchers.has(dir)) setImmediate(() => report(dir));
  return () => {
    stopped = true;
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
}

function lstatQuiet(abs: string): fs.Stats | null {
  try {
    return fs.lstatSync(abs, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
