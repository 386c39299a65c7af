import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
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
