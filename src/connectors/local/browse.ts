import fs from 'node:fs';
import path from 'node:path';
import { NodeError } from '../../errors.js';
import { sortBrowseEntries, type BrowseEntry } from '../types.js';
import { specSegments } from './names.js';
import type { TempNames } from './temp-files.js';

/**
 * Direct children of the folder at `specPath` below `root`. Every segment is lstat-ed so a path through a
 * symlink is refused, and symlinks, sockets and our own temp files are left out of the listing: the
 * wizard must only offer what a sync set could hold.
 */
export async function browseFolder(root: string, specPath: string, temps: TempNames): Promise<BrowseEntry[]> {
  const segments = specSegments(specPath);
  if (segments.includes('..'))
    throw new NodeError('INVALID_NAME', `path ${JSON.stringify(specPath)} may not contain '..'`);
  let abs = root;
  for (const seg of segments) {
    abs = path.join(abs, seg);
    const st = await fs.promises.lstat(abs).catch(() => null);
    if (!st?.isDirectory()) throw new NodeError('TARGET_FOLDER_NOT_FOUND', `${specPath} is not a folder`);
  }
  const prefix = segments.length ? `${segments.join('/')}/` : '';
  const out: BrowseEntry[] = [];
  for (const d of await fs.promises.readdir(abs, { withFileTypes: true })) {
    if (temps.pidOf(d.name) !== undefined) continue;
    const kind = d.isDirectory() ? 'folder' : d.isFile() ? 'file' : null;
    if (kind) out.push({ name: d.name, path: prefix + d.name, kind });
  }
  return sortBrowseEntries(out);
}
