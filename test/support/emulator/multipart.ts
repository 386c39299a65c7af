// multipart/form-data parsing for uploads (busboy), keeping field order and original field-name case.
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { err } from './format.js';

/** The `filedata` part. */
export interface UploadFile {
  filename: string;
  mimeType: string;
  bytes: Buffer;
  /** The file exceeded the size limit; its bytes were discarded while draining. */
  tooLarge: boolean;
}

/** A parsed upload form. */
export interface UploadForm {
  /** [name as sent, value] pairs; property fields (`cm:title`) keep their case. */
  fields: Array<[string, string]>;
  file?: UploadFile;
}

/** Case-insensitive lookup of the first value of a form field (ACS treats field names that way). */
export function field(form: UploadForm, name: string): string | undefined {
  const lower = name.toLowerCase();
  return form.fields.find(([k]) => k.toLowerCase() === lower)?.[1];
}

/**
 * Parses the form. The file is collected chunk by chunk and concatenated once; past `maxBytes` busboy
 * truncates the stream and the bytes are dropped, so an oversized upload costs no memory.
 * A `filedata` part without a filename arrives as a plain field (busboy semantics), hence "missing".
 */
export function parseUpload(req: IncomingMessage, maxBytes?: number): Promise<UploadForm> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        // +1 so that a file of exactly maxBytes is not reported as truncated by busboy.
        limits: maxBytes !== undefined ? { fileSize: maxBytes + 1 } : {},
      });
    } catch (e) {
      reject(err.invalid(`Malformed multipart request: ${(e as Error).message}`));
      return;
    }
    const form: UploadForm = { fields: [] };
    bb.on('field', (name, value) => form.fields.push([name, value]));
    bb.on('file', (name, stream, info) => {
      if (name.toLowerCase() !== 'filedata' || form.file || !info.filename) {
        stream.resume();
        return;
      }
      const file: UploadFile = {
        filename: info.filename,
        mimeType: info.mimeType,
        bytes: Buffer.alloc(0),
        tooLarge: false,
      };
      form.file = file;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (maxBytes !== undefined && size > maxBytes) file.tooLarge = true;
        if (file.tooLarge) chunks.length = 0;
        else chunks.push(c);
      });
      stream.on('limit', () => {
        file.tooLarge = true;
        chunks.length = 0;
      });
      stream.on('end', () => {
        file.bytes = Buffer.concat(chunks);
      });
    });
    bb.on('close', () => resolve(form));
    bb.on('error', (e: Error) => reject(err.invalid(`Malformed multipart request: ${e.message}`)));
    req.on('close', () => {
      if (!req.complete) reject(new Error('client disconnected during the upload'));
    });
    req.pipe(bb);
  });
}
