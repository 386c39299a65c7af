import fs from 'node:fs';
import path from 'node:path';
import { SafetyError } from '../../errors.js';
import { errnoOf } from './errno.js';
import type { ReadDir } from './walk.js';

/**
 * The vanished-root guard (SPEC §4): a root folder that is missing (unmounted disk, typo, deleted), not a
 * folder, or unreadable aborts the pass with exit 5 before anything is planned, so an empty-looking side
 * can never turn into "delete everything on the other side".
 */
export async function assertRootReadable(root: string, readDir: ReadDir): Promise<void> {
  const fail = (why: string): never => {
    throw new SafetyError(
      `on-prem/cloud root folder ${root} is missing or unreadable (${why})`,
      'check that the folder exists, is mounted and readable; nothing was changed. ' +
        'To point this side at another folder, run `cloudsync login <side> <folder>`.',
      'ROOT_MISSING',
    );
  };
  // Synchronous stat and access: checked at every pass (a `watch` pass after one edit too), and a thread-pool
  // round trip costs more than either call.
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(root);
  } catch (err) {
    fail(errnoOf(err) ?? 'cannot stat it');
  }
  if (!st!.isDirectory()) fail('not a directory');
  try {
    fs.accessSync(root, fs.constants.R_OK | fs.constants.X_OK);
    await readDir(root); // root passes access() regardless of mode; a failing readdir is the honest test
  } catch (err) {
    fail(errnoOf(err) ?? 'cannot list it');
  }
}

/**
 * Containment (SPEC §4): the local side never reads or writes through a symlink below its root. Every
 * folder between the root and `abs` (the root itself may be a link the user chose) must be a real folder:
 * a synced folder, or a parent of it, that was moved away and replaced by a link would otherwise send
 * writes to wherever the link points. That aborts the pass like a vanished root (exit 5, nothing written;
 * `--force` does not override it). Checked on the path of every lookup, so before each write, rename,
 * delete and lock; the last component is opened or renamed without following it.
 */
export function assertNoLinkOnTheWay(root: string, abs: string): void {
  const rel = path.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return; // the root, or not ours to check
  let dir = root;
  const segments = rel.split(path.sep);
  for (let i = 0; i < segments.length; i++) {
    dir = path.join(dir, segments[i]!);
    const st = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (st === undefined) return; // gone: the lookup answers "not there" by itself
    // A link as the last component is simply not the node (never followed), unless it stands where a
    // folder was: that is the moved-and-linked folder this guard is about.
    const last = i === segments.length - 1;
    if (st.isSymbolicLink() && (!last || fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())) {
      const target = fs.readlinkSync(dir);
      throw new SafetyError(
        `${dir} is now a symbolic link (to ${target}) where cloudsync synced a real folder or file; ` +
          'cloudsync never reads or writes through a link below its root, so nothing was changed',
        `put the real folder back in place of the link (or unsync the set); --force does not override this`,
        'LINK_IN_ROOT',
      );
    }
  }
}

/**
 * The same guard for a lookup, at fewer system calls, returning the node's own `lstat` (bigint) so the caller
 * need not stat it again (undefined: gone). The folders above the node are checked in one `realpath` call,
 * which resolves every component at this moment exactly like the walk of `lstat`s does: it returns the path
 * itself (under the root's real path) only when no folder on the way is a link. Anything else (a link on the
 * way, a folder gone, a link as the node) takes the walk above, which says which component is the link.
 * `realRoot(fresh)`: the root's real path (the root itself may be a link the user chose), as the caller last
 * read it, or read now.
 */
export function lstatUnderRoot(
  root: string,
  abs: string,
  realRoot: (fresh: boolean) => string,
): fs.BigIntStats | undefined {
  const dir = path.dirname(abs);
  if (dir !== root) {
    const real = realpathQuiet(dir);
    const rest = dir.slice(root.length);
    // Compared with the root's real path as last read, then as it is now (the user re-pointed a root link).
    if (real !== realRoot(false) + rest && real !== realRoot(true) + rest) assertNoLinkOnTheWay(root, abs); // throws LINK_IN_ROOT, or returns: a folder on the way is gone
  }
  const st = fs.lstatSync(abs, { bigint: true, throwIfNoEntry: false });
  if (st?.isSymbolicLink()) assertNoLinkOnTheWay(root, abs); // a link where a folder was: refused there
  return st;
}

/** Where Linux shows the path the kernel resolved for an open file descriptor. */
const FD_LINKS =
  process.platform === 'linux' && fs.existsSync('/proc/self/fd') ? '/proc/self/fd/' : undefined;

/** Whether pathOfFd can answer here (Linux with /proc). */
export const readsFdPaths = FD_LINKS !== undefined;

/**
 * The kernel's path of an open descriptor (Linux, /proc): where the opened node really is, every link on the
 * way resolved. Undefined where /proc does not say (elsewhere than Linux, or unreadable).
 */
export function pathOfFd(fd: number): string | undefined {
  if (FD_LINKS === undefined) return undefined;
  try {
    return fs.readlinkSync(FD_LINKS + fd);
  } catch {
    return undefined;
  }
}

/**
 * The real path of folder `p` (undefined when it cannot be opened or resolved). On Linux: the folder opened
 * (following links, like realpath) and the kernel's path of that descriptor read back, three system calls
 * and one path walk, where realpath(3) reads every component as a possible link, each from the top (about
 * 19 `readlink`s per copied file at the bench's depth). Same answer: a link anywhere on the way makes it
 * differ from the path asked. Elsewhere, or if /proc is not there, realpath itself.
 */
function realpathQuiet(p: string): string | undefined {
  if (FD_LINKS !== undefined) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(p, fs.constants.O_RDONLY | (fs.constants.O_DIRECTORY ?? 0));
      return fs.readlinkSync(FD_LINKS + fd);
    } catch {
      // not openable (gone, no permission): realpath decides, as before
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}
