import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isInside, pathsOverlap, realPathOf } from '../connectors/local/names.js';
import { UsageError } from '../errors.js';

/** What makes one folder on the way to the home unsafe, and the command that fixes it. */
interface Problem {
  dir: string;
  why: string;
  fix: string;
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/**
 * Refuse a home other users could tamper with, the way ssh's StrictModes treats `~/.ssh` (exit 2): the home
 * and every folder above it up to `/` (both as written and as resolved through symlinks) must belong to us
 * or root and must not be writable by group or others. A sticky folder (`/tmp`) is accepted above the home,
 * never as the home. Otherwise another user could replace config.json (and send the next login's password
 * to their server) or plant symlinks that make us overwrite files. A home that does not exist yet is
 * checked from the folder it will be created in. No check where there are no uids (Windows).
 */
export function assertPrivateHome(home: string, uid: number | undefined = process.geteuid?.()): void {
  if (uid === undefined || process.platform === 'win32') return;
  const abs = path.resolve(home);
  const problem = findProblem(abs, uid);
  if (!problem) return;
  throw new UsageError(
    `the cloudsync home ${abs} is not private: ${problem.dir} ${problem.why}`,
    `${problem.fix}, or use another --home; cloudsync read and wrote nothing there`,
    'HOME_NOT_PRIVATE',
  );
}

function findProblem(home: string, uid: number): Problem | undefined {
  let existing = home;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  // The path as written (a symlink on the way must be ours or root's: its owner may re-point it)...
  for (const dir of chain(existing)) {
    const st = quiet(() => fs.lstatSync(dir, { throwIfNoEntry: false }));
    if (!st) continue;
    const p = checkOne(dir, st, uid, dir === home);
    if (p) return p;
  }
  // ...and as resolved: the folders it really lives in.
  let real: string;
  try {
    real = fs.realpathSync(existing);
  } catch {
    return undefined; // vanished meanwhile: the writers' own checks still apply
  }
  for (const dir of chain(real)) {
    const st = quiet(() => fs.statSync(dir, { throwIfNoEntry: false }));
    if (!st) continue;
    const p = checkOne(dir, st, uid, existing === home && dir === real);
    if (p) return p;
  }
  return undefined;
}

/** A stat that answers undefined for what we cannot see (the command then fails where it needs it). */
function quiet(fn: () => fs.Stats | undefined): fs.Stats | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** `/`, `/a`, `/a/b` … up to `p`. */
function chain(p: string): string[] {
  const out = [p];
  while (path.dirname(out[0]!) !== out[0]) out.unshift(path.dirname(out[0]!));
  return out;
}

function checkOne(dir: string, st: fs.Stats, uid: number, isHome: boolean): Problem | undefined {
  const user = os.userInfo().username;
  if (st.uid !== uid && st.uid !== 0) {
    return {
      dir,
      why: `is owned by uid ${st.uid}, not by ${user} (uid ${uid})${uid === 0 ? '' : ' or root'}`,
      fix: `run \`chown ${user} ${dir}\``,
    };
  }
  if (st.isSymbolicLink() || !st.isDirectory()) return undefined; // a link's mode means nothing
  const loose = (st.mode & 0o022) !== 0;
  const sticky = (st.mode & 0o1000) !== 0;
  if (loose && (isHome || !sticky)) {
    return {
      dir,
      why: `is writable by ${st.mode & 0o002 ? 'every user' : 'its group'} (mode ${octal(st.mode)})`,
      fix: isHome ? `run \`chmod 700 ${dir}\`` : `run \`chmod go-w ${dir}\``,
    };
  }
  return undefined;
}

/**
 * Refuse a local folder that holds cloudsync's own home (or lies inside it), exit 2: syncing it would upload
 * cloudsync's config, state, lock, log and credentials.
 */
export function assertHomeOutside(home: string, folder: string, what: string): void {
  const realHome = realPathOf(home);
  const realFolder = realPathOf(folder);
  if (!pathsOverlap(realHome, realFolder)) return;
  const where = isInside(realFolder, realHome) ? 'holds' : 'is inside';
  throw new UsageError(
    `${what} ${folder} ${where} the cloudsync home ${home}: cloudsync would sync its own config, state, lock, log and credentials`,
    'keep the home outside every synced folder: pass another --home (or CLOUDSYNC_HOME), or pick another folder',
    'HOME_INSIDE_SYNCED_FOLDER',
  );
}
