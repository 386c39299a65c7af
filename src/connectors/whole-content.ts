import { Readable } from 'node:stream';

/**
 * A file's whole content, already in memory (a small file read in one piece), as a Readable any writer can
 * stream. A writer or hasher that knows this class takes `bytes` directly and skips the stream machinery: on
 * a first sync of many small files, piping each one through a hashing transform into an async iterator cost
 * more CPU (and garbage) than reading and writing the bytes.
 */
export class WholeContent extends Readable {
  constructor(readonly bytes: Buffer) {
    super();
  }

  override _read(): void {
    if (this.bytes.length > 0) this.push(this.bytes);
    this.push(null);
  }
}

/** The bytes of `content` when it is a WholeContent nobody has started reading, else undefined. */
export function wholeBytes(content: Readable): Buffer | undefined {
  return content instanceof WholeContent && !content.readableDidRead && !content.destroyed
    ? content.bytes
    : undefined;
}
