import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { NodeError } from '../../errors.js';
import { errnoOf } from './errno.js';
import { idOf } from './node-stat.js';
import { isPlainPath } from './names.js';
import { fstatNs, type StatNs } from './stat-ns.js';
import { joinName } from './walk.js';
import type { TempNames } from './temp-files.js';
import { wholeBytes } from '../whole-content.js';

/** Options of writeTempFile. */
export interface TempWriteOptions {
  /** Modification time to give the file, ms since epoch. */
  mtimeMs?: number;
  /** Permission bits to give the file (updateContent keeps the old file's mode, locked or not). */
  mode?: number;
}

/**
 * Stream `content` into a fresh temp file in `dir`. Durability comes from the connector's flush() barrier
 * (one syncfs for many files, before the state records them), not from an fsync per file, which cost more
 * than everything else in a pass over many small files. Memory stays bounded: one chunk at a time. The quick system calls are
 * synchronous on purpose: each is microseconds, and a thread-pool round trip per call (a dozen per file)
 * cost more than the I/O itself on a pass over many small files. The temp file is removed when anything
 * fails. Returns its absolute path and its `fstat` once written: the node it becomes once renamed or linked
 * into place (neither changes its identity, size, mode or modification time), so the caller need not look it
 * up again by path.
 */
export async function writeTempFile(
  dir: string,
  temps: TempNames,
  content: Readable,
  opts: TempWriteOptions,
): Promise<{ path: string; stat: StatNs }> {
  // A temp name is one plain entry: appended, not joined (path.join normalizes the whole path again).
  const tmp = isPlainPath(dir) ? joinName(dir, temps.next()) : path.join(dir, temps.next());
  const C = fs.constants;
  const fd = fs.openSync(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | (C.O_NOFOLLOW ?? 0), 0o666);
  let stat: StatNs;
  try {
    try {
      const whole = wholeBytes(content);
      if (whole !== undefined) writeAll(fd, whole);
      else
        for await (const chunk of content)
          writeAll(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      // chmod before utimes: on some file systems a chmod touches times
      if (opts.mode !== undefined) fs.fchmodSync(fd, opts.mode);
      if (opts.mtimeMs !== undefined) fs.futimesSync(fd, new Date(), new Date(opts.mtimeMs));
      stat = fstatNs(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    content.destroy();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { path: tmp, stat };
}

function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/** Errnos meaning "this file system has no hard links": fall back to check-then-rename. */
export const NO_LINK_ERRNOS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK']);

const lstatBig = (p: string): fs.BigIntStats | null =>
  fs.lstatSync(p, { bigint: true, throwIfNoEntry: false }) ?? null;

/**
 * Put file `src` at `dest` without ever replacing something already there: link() is atomic and fails with
 * EEXIST, then `src` is unlinked. File systems without hard links get lstat-then-rename. `dest` existing as
 * the very same inode (a case-only rename on a case-insensitive file system) is not a clash. Synchronous, as
 * everything it calls: no promise and microtask per copied file.
 */
export function placeNoReplace(src: string, dest: string): void {
  try {
    fs.linkSync(src, dest);
    fs.unlinkSync(src);
    return;
  } catch (err) {
    const errno = errnoOf(err) ?? '';
    if (errno !== 'EEXIST' && !NO_LINK_ERRNOS.has(errno)) throw err;
  }
  const existing = lstatBig(dest);
  if (existing !== null) {
    if (idOf(existing) !== idOf(lstatBig(src)!)) {
      throw new NodeError('TARGET_FOLDER_NAME_CLASH', `${path.basename(dest)} already exists in that folder`);
    }
    // Already the same file under both names (an interrupted link + unlink): finish by dropping the old
    // name. rename() would silently do nothing here.
    fs.unlinkSync(src);
    return;
  }
  fs.renameSync(src, dest);
}
