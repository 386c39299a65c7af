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

  /**
   * Destroyed without the stream machinery when nothing was read, nothing consumes it (never piped, resumed or
   * listened to) and nobody waits for 'close' or 'error': it holds no descriptor,
   * so there is nothing to release, and the full destroy (its state changes and a tick to emit 'close') cost
   * ~6 µs a file, more than the write of a small file's bytes. Marked destroyed all the same (no read, no
   * wholeBytes after it). Anything else takes the full destroy.
   */
  override destroy(error?: Error): this {
    if (
      error === undefined &&
      !this.readableDidRead &&
      this.readableFlowing === null &&
      this.listenerCount('close') === 0 &&
      this.listenerCount('error') === 0
    ) {
      this.destroyed = true;
      return this;
    }
    return super.destroy(error);
  }
}

/** The bytes of `content` when it is a WholeContent nobody has started reading, else undefined. */
export function wholeBytes(content: Readable): Buffer | undefined {
  return content instanceof WholeContent && !content.readableDidRead && !content.destroyed
    ? content.bytes
    : undefined;
}
