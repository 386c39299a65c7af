import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { NodeError } from '../../errors.js';
import { errnoOf } from './errno.js';
import { idOf } from './node-stat.js';
import type { TempNames } from './temp-files.js';

/** Options of writeTempFile. */
export interface TempWriteOptions {
  /** Modification time to give the file, ms since epoch. */
  mtimeMs?: number;
  /** Permission bits to give the file (updateContent keeps the old file's mode, locked or not). */
  mode?: number;
}

/**
 * Stream `content` into a fresh temp file in `dir` and fsync it, so that whatever is later linked or renamed
 * into place is complete on disk. Memory stays bounded: one chunk at a time, awaiting each write. The temp
 * file is removed when anything fails. Returns its absolute path.
 */
export async function writeTempFile(
  dir: string,
  temps: TempNames,
  content: Readable,
  opts: TempWriteOptions,
): Promise<string> {
  const tmp = path.join(dir, temps.next());
  const fh = await fs.promises.open(tmp, 'wx', 0o666);
  try {
    try {
      for await (const chunk of content) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
        let off = 0;
        while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
      }
      // chmod before utimes: on some file systems a chmod touches times
      if (opts.mode !== undefined) await fh.chmod(opts.mode);
      if (opts.mtimeMs !== undefined) await fh.utimes(new Date(), new Date(opts.mtimeMs));
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    content.destroy();
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  return tmp;
}

/** Errnos meaning "this file system has no hard links": fall back to check-then-rename. */
export const NO_LINK_ERRNOS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK']);

const lstatBig = (p: string): Promise<fs.BigIntStats> => fs.promises.lstat(p, { bigint: true });

/**
 * Put file `src` at `dest` without ever replacing something already there: link() is atomic and fails with
 * EEXIST, then `src` is unlinked. File systems without hard links get lstat-then-rename. `dest` existing as
 * the very same inode (a case-only rename on a case-insensitive file system) is not a clash.
 */
export async function placeNoReplace(src: string, dest: string): Promise<void> {
  const clash = async (): Promise<boolean> => {
    const existing = await lstatBig(dest).catch(() => null);
    return existing !== null && idOf(existing) !== idOf(await lstatBig(src));
  };
  try {
    await fs.promises.link(src, dest);
    await fs.promises.unlink(src);
    return;
  } catch (err) {
    const errno = errnoOf(err) ?? '';
    if (errno !== 'EEXIST' && !NO_LINK_ERRNOS.has(errno)) throw err;
  }
  if (await clash()) {
    throw new NodeError('TARGET_FOLDER_NAME_CLASH', `${path.basename(dest)} already exists in that folder`);
  }
  await fs.promises.rename(src, dest);
}
