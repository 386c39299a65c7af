// Retry-After is obeyed as the server asks, within caps the user configures (login --retry-after-max,
// --retry-budget). Real waits on a real socket; the caps are set small so the test stays quick, which also
// proves the cap in force is the configured one and not the 4 s step cap of our own backoff.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlfrescoConnector } from '../../src/connectors/alfresco/index.js';
import { UnreachableError } from '../../src/errors.js';

/** A server that answers 503 + Retry-After `asks` times, then a `people/-me-` entry. */
async function gateway(retryAfter: string, asks: number) {
  const hits: number[] = [];
  const server = http.createServer((_req, res) => {
    hits.push(Date.now());
    if (hits.length <= asks) {
      res.writeHead(503, { 'retry-after': retryAfter, 'content-type': 'text/plain' });
      res.end('busy');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ entry: { id: 'alice' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('alfresco: Retry-After', function () {
  this.timeout(20_000);

  it('waits as long as the server asks, beyond our own 50 ms step cap', async () => {
    const gw = await gateway('1', 1);
    const c = new AlfrescoConnector(
      {
        url: gw.url,
        side: 'cloud',
        retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 1500, maxTotalMs: 5000 },
      },
      { ticket: 'TICKET_x' },
    );
    try {
      assert.equal((await c.whoami()).user, 'alice');
      assert.equal(gw.hits.length, 2);
      const waited = gw.hits[1]! - gw.hits[0]!;
      assert.ok(waited >= 950, `waited ${waited} ms, the server asked for 1000`);
    } finally {
      await c.close();
      await gw.close();
    }
  });

  it('gives up at once, without hammering, when the ask is over the configured cap (exit 7)', async () => {
    const gw = await gateway('60', 10);
    const c = new AlfrescoConnector(
      {
        url: gw.url,
        side: 'cloud',
        retry: { attempts: 5, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 2000, maxTotalMs: 5000 },
      },
      { ticket: 'TICKET_x' },
    );
    const started = Date.now();
    try {
      const err = await c.whoami().then(
        () => assert.fail('should fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof UnreachableError);
      assert.equal(err.exitCode, 7);
      assert.match(err.message, /asked to wait 60 s, over the 2 s Retry-After cap/);
      assert.match(err.hint ?? '', /--retry-after-max/);
      assert.equal(gw.hits.length, 1, 'one request, no hammering');
      assert.ok(Date.now() - started < 1000);
    } finally {
      await c.close();
      await gw.close();
    }
  });

  it('stops when the waits would pass the configured budget', async () => {
    const gw = await gateway('1', 10);
    const c = new AlfrescoConnector(
      {
        url: gw.url,
        side: 'cloud',
        retry: { attempts: 10, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 5000, maxTotalMs: 1500 },
      },
      { ticket: 'TICKET_x' },
    );
    try {
      await assert.rejects(c.whoami(), /over the 2 s retry budget/);
      assert.equal(gw.hits.length, 2, 'one wait of 1 s fits in 1.5 s, a second does not');
    } finally {
      await c.close();
      await gw.close();
    }
  });
});
