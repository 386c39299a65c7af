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
  let st: fs.Stats | undefined;
  try {
    st = await fs.promises.stat(root);
  } catch (err) {
    fail(errnoOf(err) ?? 'cannot stat it');
  }
  if (!st!.isDirectory()) fail('not a directory');
  try {
    await fs.promises.access(root, fs.constants.R_OK | fs.constants.X_OK);
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
