// Floor for the no-change pass: a bare directory walk that lstat()s every entry (what any sync tool must do
// at least once per pass on a local side). Run as `node dist/test/bench/walk.js <dir>...`; prints the counts.
// Directories are read recursively; the lstat calls of one directory run concurrently (libuv thread pool).
import { promises as fsp } from 'node:fs';
import path from 'node:path';

let files = 0;
let dirs = 0;
let bytes = 0;

async function walk(dir: string): Promise<void> {
  dirs++;
  const names = await fsp.readdir(dir);
  const stats = await Promise.all(names.map((n) => fsp.lstat(path.join(dir, n))));
  const sub: Array<Promise<void>> = [];
  stats.forEach((st, i) => {
    if (st.isDirectory()) sub.push(walk(path.join(dir, names[i]!)));
    else {
      files++;
      bytes += st.size;
    }
  });
  await Promise.all(sub);
}

await Promise.all(process.argv.slice(2).map((r) => walk(r)));
process.stdout.write(`${JSON.stringify({ files, dirs, bytes })}\n`);
