import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Connector, RemoteNode } from '../../src/connectors/types.js';
import { NodeError, type MemberErrorCode } from '../../src/errors.js';

/** A readable stream of `text`, as the engine hands connectors content from the other side. */
export function streamOf(text: string | Buffer): Readable {
  return Readable.from([Buffer.isBuffer(text) ? text : Buffer.from(text)]);
}

/** Read a connector's content stream to the end. */
export async function readAll(connector: Connector, id: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await connector.readContent(id)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

/** Assert that `p` rejects with a NodeError carrying `code`. */
export async function rejectsWithCode(p: Promise<unknown>, code: MemberErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof NodeError, `expected a NodeError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

/** Names of the direct children of a folder, sorted. */
export async function childNames(connector: Connector, folderId: string): Promise<string[]> {
  const listing = await connector.listTree(folderId, { recursive: false });
  return listing.nodes.map((n) => n.name).sort();
}

/** The child named `name` of a folder, failing the test if there is none. */
export async function childNamed(connector: Connector, folderId: string, name: string): Promise<RemoteNode> {
  const listing = await connector.listTree(folderId, { recursive: false });
  const found = listing.nodes.find((n) => n.name === name);
  assert.ok(found, `${name} not listed`);
  return found;
}

let gcFn: (() => void) | undefined;
/** A forced garbage collection, so memory samples count live bytes rather than garbage not yet swept. */
export function collectGarbage(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** Live bytes held by this process (JS heap + Buffers), after a forced GC. */
export function liveBytes(): number {
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * A deterministic stream of `total` bytes in fresh 64 KiB chunks, sampling live memory every `sampleEvery`
 * bytes produced. A connector that buffered the whole stream would show up as growth near `total`.
 */
export function bigStream(
  total: number,
  samples: number[],
  sampleEvery = 2 * 1024 * 1024,
): { stream: Readable; sha: () => string } {
  const hash = createHash('sha256');
  let produced = 0;
  let nextSample = sampleEvery;
  const stream = new Readable({
    highWaterMark: 64 * 1024,
    read() {
      if (produced >= total) return void this.push(null);
      const size = Math.min(64 * 1024, total - produced);
      const chunk = Buffer.alloc(size, produced % 251);
      chunk.writeUInt32BE(produced >>> 0, 0);
      hash.update(chunk);
      produced += size;
      if (produced >= nextSample) {
        nextSample += sampleEvery;
        samples.push(liveBytes());
      }
      this.push(chunk);
    },
  });
  return { stream, sha: () => hash.digest('hex') };
}
