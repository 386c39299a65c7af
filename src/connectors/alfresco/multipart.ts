// A multipart/form-data body written by hand, so a file part streams from disk instead of being buffered
// the way FormData/Blob would.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReplayableBody } from './http.js';

/** The file part of an upload: a spooled file on disk. */
export interface FilePart {
  field: string;
  filename: string;
  path: string;
  size: number;
  contentType: string;
}

/**
 * A body that can be opened once per attempt. Fields come before the file so a streaming parser sees
 * `name`/`autoRename` before the bytes. The filename header is ASCII-only (parsers disagree on its
 * charset); the real name travels in the UTF-8 `name` field, which the server prefers.
 */
export function multipartBody(fields: [string, string][], file: FilePart): ReplayableBody {
  const boundary = `----cloudsync${randomBytes(12).toString('hex')}`;
  const parts = fields.map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const asciiName = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${asciiName}"\r\n` +
      `Content-Type: ${file.contentType}\r\n\r\n`,
  );
  const head = Buffer.from(parts.join(''), 'utf8');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + file.size + tail.length,
    open: () =>
      Readable.from(
        (async function* () {
          yield head;
          yield* createReadStream(file.path);
          yield tail;
        })(),
        { objectMode: false },
      ),
  };
}

/** A raw body from a spooled file (content updates). */
export function fileBody(path: string, size: number, contentType: string): ReplayableBody {
  return { contentType, length: size, open: () => createReadStream(path) };
}
