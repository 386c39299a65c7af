// Floor for the no-change pass: a bare directory walk that lstat()s every entry (what any sync tool must do
// at least once per pass on a local side). Run as `node dist/test/bench/walk.js <dir>...`; prints the counts.
// Bounded: at most WORKERS directories in flight; the lstat calls of one directory run concurrently.
import { promises as fsp } from 'node:fs';
import path from 'node:path';

const WORKERS = 8;
let files = 0;
let dirs = 0;
let bytes = 0;
const queue: string[] = [...process.argv.slice(2)];
let busy = 0;
let wake: (() => void) | null = null;

async function worker(): Promise<void> {
  for (;;) {
    const dir = queue.pop();
    if (dir === undefined) {
      if (busy === 0) {
        wake?.();
        return;
      }
      await new Promise<void>((r) => {
        const prev = wake;
        wake = () => {
          prev?.();
          r();
        };
      });
      continue;
    }
    busy++;
    dirs++;
    const names = await fsp.readdir(dir);
    const stats = await Promise.all(names.map((n) => fsp.lstat(path.join(dir, n))));
    stats.forEach((st, i) => {
      if (st.isDirectory()) queue.push(path.join(dir, names[i]!));
      else {
        files++;
        bytes += st.size;
      }
    });
    busy--;
    const w = wake;
    wake = null;
    w?.();
  }
}

await Promise.all(Array.from({ length: WORKERS }, worker));
process.stdout.write(`${JSON.stringify({ files, dirs, bytes })}\n`);
