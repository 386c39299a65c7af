import fs from 'node:fs';
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
