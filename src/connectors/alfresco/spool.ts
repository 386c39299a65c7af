// Spooling an upload to a temp file: a stream can be sent once, a retried upload needs the bytes again.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/** Copies `content` to a private temp file, hashing as it goes; memory stays at one chunk. */
export async function spoolToTemp(content: Readable, tempRoot = tmpdir()): Promise<Spool> {
  const dir = await mkdtemp(join(tempRoot, 'cloudsync-upload-'));
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
