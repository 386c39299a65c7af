// Floor for the no-change pass: a bare directory walk that lstat()s every entry (what any sync tool must do
// at least once per pass on a local side). Run as `node dist/test/bench/walk.js <dir>...`; prints the counts.
// Synchronous calls, as the cheapest Node walk is (issue 11: the async form's thread-pool round trips cost
// about 4x the CPU at 100,000 entries and overstated the floor).
import fs from 'node:fs';
import path from 'node:path';

let files = 0;
let dirs = 0;
let bytes = 0;
const queue: string[] = [...process.argv.slice(2)];
while (queue.length > 0) {
  const dir = queue.pop()!;
  dirs++;
  for (const name of fs.readdirSync(dir)) {
    const abs = path.join(dir, name);
    const st = fs.lstatSync(abs);
    if (st.isDirectory()) queue.push(abs);
    else {
      files++;
      bytes += st.size;
    }
  }
}
process.stdout.write(`${JSON.stringify({ files, dirs, bytes })}\n`);
