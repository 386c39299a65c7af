// `npm pack` helper (prepack/postpack): record the commit a packed build came from in dist/build-info.json,
// so `cloudsync version` of an installed package names it; remove it afterwards so a checkout asks git.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './cli.js';

const file = path.join(PROJECT_ROOT, 'dist', 'build-info.json');
if (process.argv[2] === 'clean') {
  rmSync(file, { force: true });
} else {
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout: "unknown"
  }
  writeFileSync(file, `${JSON.stringify({ commit })}\n`);
}
