import * as nodeCrypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { wholeBytes } from '../connectors/whole-content.js';
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
      done(tooLong(this.what, this.expected));
      return;
    }
    super._transform(chunk, enc, done);
  }

  override _flush(done: (err?: Error | null) => void): void {
    if (this.expected !== undefined && this.bytes !== this.expected) {
      done(tooShort(this.what, this.bytes, this.expected));
      return;
    }
    done();
  }
}

function tooLong(what: string, expected: number): NodeError {
  return new NodeError(
    'UNKNOWN',
    `${what}: more content than the ${expected} bytes its listing announced; nothing was written`,
  );
}

function tooShort(what: string, got: number, expected: number): NodeError {
  return new NodeError(
    'UNKNOWN',
    `${what}: content ended after ${got} of the ${expected} bytes its listing announced; nothing was written`,
  );
}

/**
 * The SizeCheckedStream's work on a whole content already in memory (connectors/whole-content.ts): held
 * to `expected` bytes (when known), then hashed in one call. Throws before anything is written.
 */
export function hashWhole(bytes: Buffer, expected: number | undefined, what: string): string {
  if (expected !== undefined && bytes.length > expected) throw tooLong(what, expected);
  if (expected !== undefined && bytes.length < expected) throw tooShort(what, bytes.length, expected);
  return sha256Hex(bytes);
}

type OneShot = (algorithm: string, data: Buffer, encoding: 'hex') => string;

/**
 * crypto.hash (Node 20.12+, 21.7+): a digest without a Hash object, ~1 µs less per small file than
 * createHash. Where Node has none (the CLI bundle wraps every function crypto had when it was built, so the
 * wrapper's call is what fails), createHash from then on.
 */
let oneShot = (nodeCrypto as unknown as { hash?: OneShot }).hash;

function sha256Hex(bytes: Buffer): string {
  if (oneShot !== undefined) {
    try {
      return oneShot('sha256', bytes, 'hex');
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      oneShot = undefined;
    }
  }
  return nodeCrypto.createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of `source`, read to its end and held to `expected` bytes (when known) on the way. */
export async function hashChecked(
  source: Readable,
  expected: number | undefined,
  what: string,
): Promise<string> {
  const whole = wholeBytes(source);
  if (whole !== undefined) {
    source.destroy();
    return hashWhole(whole, expected, what);
  }
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
