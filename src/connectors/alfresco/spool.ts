// Spooling an upload to a temp file: a stream can be sent once, a retried upload needs the bytes again.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Bytes on disk with their size and sha256, computed while they were written. */
export interface Spool {
  path: string;
  size: number;
  sha256: string;
  /** Removes the temp file; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Spool folders are named `cloudsync-upload-<pid>@<host>-<random>`, so one left by a process that is gone can be
 * told (the host keeps containers that share one temp folder out of each other's way).
 */
const PREFIX = 'cloudsync-upload-';
const HOST = hostname().replace(/[^A-Za-z0-9.]/g, '_');

/** Temp roots this process already swept (one sweep per process is enough). */
const swept = new Set<string>();

/**
 * Removes the spool folders of processes that are gone (a pass killed mid-upload leaves its spool: one file's
 * bytes per kill, unbounded over many). Only this user's folders made on this host by a process that no longer
 * exists (a reused pid leaves its folder be); folders of older versions, with no owner in the name, once a day
 * old. Best effort: errors are ignored.
 */
export async function sweepDeadSpools(tempRoot = tmpdir(), now = Date.now()): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(tempRoot);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const m = /^(\d+)@([^-]*)-/.exec(name.slice(PREFIX.length));
    if (m && m[2] !== HOST) continue;
    const pid = m ? Number(m[1]) : undefined;
    if (pid === process.pid || (pid !== undefined && alive(pid))) continue;
    const dir = join(tempRoot, name);
    try {
      const st = await lstat(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      if (pid === undefined && now - st.mtimeMs < 24 * 3600_000) continue;
      await rm(dir, { recursive: true, force: true });
      removed++;
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Copies `content` to a private temp file, hashing as it goes; memory stays at one chunk. */
export async function spoolToTemp(content: Readable, tempRoot = tmpdir()): Promise<Spool> {
  if (!swept.has(tempRoot)) {
    swept.add(tempRoot);
    await sweepDeadSpools(tempRoot);
  }
  const dir = await mkdtemp(join(tempRoot, `${PREFIX}${process.pid}@${HOST}-`));
  const path = join(dir, 'content');
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(content, counter, createWriteStream(path, { mode: 0o600 }));
  } catch (err) {
    await remove();
    throw err;
  }
  return { path, size, sha256: hash.digest('hex'), remove };
}

/** sha256 of a stream, read to the end without keeping it; null (and the stream dropped) past `maxBytes`. */
export async function hashStream(stream: Readable, maxBytes = Infinity): Promise<string | null> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      stream.destroy();
      return null;
    }
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
