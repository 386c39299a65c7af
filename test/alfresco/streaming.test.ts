// A 200 MB file up and down with bounded memory. The emulator runs in a child process so this process's
// RSS measures the connector alone (the emulator keeps content in memory).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AlfrescoConnector, alfrescoLogin } from '../../src/connectors/alfresco/index.js';
import { FAST_RETRY } from './helpers.js';
import { spawnEmulator, type SpawnedEmulator } from './spawn-emulator.js';

const TOTAL = 200 * 1024 * 1024;
const CHUNK = 256 * 1024;

/** Fresh chunks of deterministic bytes, hashed as they are produced. */
function generated(total: number): { stream: Readable; sha: () => string } {
  const hash = createHash('sha256');
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced >= total) return void this.push(null);
      const chunk = Buffer.alloc(Math.min(CHUNK, total - produced), produced % 253);
      chunk.writeUInt32BE(produced >>> 0, 0);
      hash.update(chunk);
      produced += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, sha: () => hash.digest('hex') };
}

/** Samples RSS every few ms; `stop()` returns the peak growth over the starting value. */
function rssSampler(): { stop(): number } {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) - start;
    },
  };
}

describe('alfresco streaming', function () {
  this.timeout(180_000);
  let emu: SpawnedEmulator;
  let c: AlfrescoConnector;
  before(async () => {
    emu = await spawnEmulator(['--user', 'alice:alice-pw', '--site', 'big']);
    const opts = { url: emu.url, retry: FAST_RETRY };
    c = new AlfrescoConnector(opts, { ticket: (await alfrescoLogin(opts, 'alice', 'alice-pw')).ticket });
  });
  after(async () => {
    await c?.close();
    await emu?.stop();
  });

  it('uploads and downloads 200 MB with RSS growth under 100 MB', async () => {
    const lib = (await c.resolvePath('big'))!;
    const src = generated(TOTAL);
    const up = rssSampler();
    const node = await c.createFile(lib.id, 'big.bin', src.stream, { size: TOTAL });
    const upGrowth = up.stop();
    assert.equal(node.size, TOTAL);

    const down = rssSampler();
    const hash = createHash('sha256');
    let read = 0;
    for await (const chunk of await c.readContent(node.id)) {
      hash.update(chunk as Buffer);
      read += (chunk as Buffer).length;
    }
    const downGrowth = down.stop();
    assert.equal(read, TOTAL);
    assert.equal(hash.digest('hex'), src.sha());
    console.log(
      `      RSS growth: upload ${(upGrowth / 1e6).toFixed(1)} MB, download ${(downGrowth / 1e6).toFixed(1)} MB`,
    );
    assert.ok(upGrowth < 100e6, `upload grew RSS by ${Math.round(upGrowth / 1e6)} MB`);
    assert.ok(downGrowth < 100e6, `download grew RSS by ${Math.round(downGrowth / 1e6)} MB`);
  });
});
