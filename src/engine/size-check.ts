import type { Readable } from 'node:stream';
import { NodeError } from '../errors.js';
import { HashingStream } from './hash.js';

/**
 * A HashingStream that holds the source to the size its listing announced: a byte more fails at once (so
 * a server that never stops sending cannot fill the disk), and an end before the last byte fails too. The
 * writer sees the error on its input and keeps nothing (temp file removed, nothing created). Without an
 * announced size it only hashes.
 */
export class SizeCheckedStream extends HashingStream {
  constructor(
    private readonly expected: number | undefined,
    private readonly what: string,
  ) {
    super();
    // The size error can come before the writer listens (a first chunk already too large): the writer
    // still gets it from the stream's errored state, so it must not be an unhandled 'error' event.
    this.on('error', () => {});
  }

  override _transform(
    chunk: Buffer,
    enc: BufferEncoding,
    done: (err?: Error | null, data?: Buffer) => void,
  ): void {
    if (this.expected !== undefined && this.bytes + chunk.length > this.expected) {
      done(
        new NodeError(
          'UNKNOWN',
          `${this.what}: more content than the ${this.expected} bytes its listing announced; nothing was written`,
        ),
      );
      return;
    }
    super._transform(chunk, enc, done);
  }

  override _flush(done: (err?: Error | null) => void): void {
    if (this.expected !== undefined && this.bytes !== this.expected) {
      done(
        new NodeError(
          'UNKNOWN',
          `${this.what}: content ended after ${this.bytes} of the ${this.expected} bytes its listing announced; nothing was written`,
        ),
      );
      return;
    }
    done();
  }
}

/** sha256 of `source`, read to its end and held to `expected` bytes (when known) on the way. */
export async function hashChecked(
  source: Readable,
  expected: number | undefined,
  what: string,
): Promise<string> {
  const checked = new SizeCheckedStream(expected, what);
  source.on('error', (err) => checked.destroy(err));
  source.pipe(checked);
  try {
    for await (const _chunk of checked);
    return checked.digest();
  } finally {
    source.destroy();
  }
}
