// Transient failures, lost responses, odd servers, certificates and secrets in logs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { AlfrescoConnector, alfrescoLogin } from '../../src/connectors/alfresco/index.js';
import { NodeError, UnreachableError, UsageError } from '../../src/errors.js';
import { FAST_RETRY, startFixture, type Fixture } from './helpers.js';

const streamOf = (text: string | Buffer): Readable => Readable.from([Buffer.from(text)]);

/** A one-purpose HTTP(S) stand-in for behaviour the emulator does not produce (429, HTML, TLS). */
async function stubServer(
  handler: http.RequestListener,
  tls?: { key: string; cert: string },
): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const wrapped: http.RequestListener = (req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  };
  const server = tls ? https.createServer(tls, wrapped) : http.createServer(wrapped);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('alfresco reliability', () => {
  let fx: Fixture;
  let c: AlfrescoConnector;
  beforeEach(async () => {
    fx = await startFixture();
    c = fx.connect();
  });
  afterEach(() => fx.close());

  it('retries injected 503s and connection resets until the work is done', async () => {
    fx.emu.setFaults({ rate: 0.6, kinds: ['503', 'reset'], seed: 3, maxConsecutive: 2 });
    const folder = await c.createFolder(fx.doclib, 'flaky');
    for (let i = 0; i < 8; i++) await c.createFile(folder.id, `f${i}.txt`, streamOf(`n${i}`), { size: 2 });
    const listing = await c.listTree(folder.id, { recursive: true });
    fx.emu.setFaults(undefined);
    assert.equal(listing.nodes.length, 8);
    assert.ok(
      fx.emu.faultCounts['503'] > 0 && fx.emu.faultCounts.reset > 0,
      JSON.stringify(fx.emu.faultCounts),
    );
    const names = (await c.listTree(folder.id, { recursive: false })).nodes.map((n) => n.name).sort();
    assert.deepEqual(names, ['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt', 'f6.txt', 'f7.txt']);
  });

  it('gives up after the bounded attempts with UnreachableError (exit 7)', async () => {
    fx.emu.setFaults({ rate: 1, kinds: ['503'], maxConsecutive: 1000 });
    fx.emu.resetRequestLog();
    await assert.rejects(
      c.getNode(fx.doclib),
      (e: unknown) => e instanceof UnreachableError && /failed 5 times/.test(e.message),
    );
    assert.equal(fx.emu.requestLog.length, FAST_RETRY.attempts);
  });

  it('a 500 that persists fails the member (UNKNOWN), not the whole pass', async () => {
    fx.emu.setFaults({ rate: 1, kinds: ['500'], maxConsecutive: 1000 });
    await assert.rejects(
      c.createFolder(fx.doclib, 'x'),
      (e: unknown) => e instanceof NodeError && e.code === 'UNKNOWN',
    );
  });

  it('adopts the file a lost-response create made, without a twin', async () => {
    fx.emu.setFaults({ rate: 1, kinds: ['lost-response'], mutatingOnly: true, maxFaults: 1 });
    const f = await c.createFile(fx.doclib, 'report.pdf', streamOf('%PDF-1.4 body'), { size: 13 });
    const folder = await c.createFolder(fx.doclib, 'ok'); // faults are used up: a plain create
    assert.equal(fx.emu.faultCounts['lost-response'], 1);
    const names = (await c.listTree(fx.doclib, { recursive: false })).nodes.map((n) => n.name).sort();
    assert.deepEqual(names, ['ok', 'report.pdf']);
    assert.equal(f.id, fx.emu.findByPath('proj', 'report.pdf')?.id);
    assert.equal(folder.name, 'ok');
    const posts = fx.emu.requestLog.filter((r) => r.method === 'POST' && r.route.endsWith('/children'));
    assert.deepEqual(
      posts.map((p) => p.status),
      [201, 409, 201],
      'lost 201, then the retry saw 409 and adopted',
    );
  });

  it('adopts a folder a lost-response create made', async () => {
    fx.emu.setFaults({ rate: 1, kinds: ['lost-response'], mutatingOnly: true, maxFaults: 1 });
    const folder = await c.createFolder(fx.doclib, 'Reports', { 'cm:title': 'R' });
    assert.equal(folder.id, fx.emu.findByPath('proj', 'Reports')?.id);
  });

  it('does not adopt a same-named file someone else made: TARGET_FOLDER_NAME_CLASH, theirs untouched', async () => {
    fx.emu.putFile('proj', 'report.pdf', 'their bytes!!', { user: 'bob' });
    // A reset makes the retry ambiguous (the request may have been applied), so the 409 is checked.
    fx.emu.setFaults({ rate: 1, kinds: ['reset'], mutatingOnly: true, maxFaults: 1 });
    await assert.rejects(
      c.createFile(fx.doclib, 'report.pdf', streamOf('our bytes!!!!'), { size: 13 }),
      (e: unknown) => e instanceof NodeError && e.code === 'TARGET_FOLDER_NAME_CLASH',
    );
    const theirs = fx.emu.findByPath('proj', 'report.pdf')!;
    assert.equal(fx.emu.readContent(theirs.id)?.toString(), 'their bytes!!');
    assert.equal(fx.emu.findByPath('proj', 'report-1.pdf'), undefined);
  });

  it('never logs or reports secrets; the verbose log is METHOD path status ms', async () => {
    const lines: string[] = [];
    const log = (l: string): void => void lines.push(l);
    const { ticket } = await alfrescoLogin(fx.options({ log }), 'alice', 'alice-pw');
    const conn = new AlfrescoConnector(fx.options({ log }), {
      ticket,
      username: 'alice',
      password: 'alice-pw',
    });
    await conn.createFile(fx.doclib, 'a.txt', streamOf('a'), { size: 1 });
    fx.emu.expireTickets();
    await conn.listTree(fx.doclib, { recursive: true });
    const expired = new AlfrescoConnector(fx.options({ log }), { ticket });
    const err = await expired.whoami().catch((e: Error) => e);
    await conn.close();
    await expired.close();
    const all = lines.join('\n') + String(err) + JSON.stringify(err);
    for (const secret of [ticket, ticket.slice(7), Buffer.from(ticket).toString('base64'), 'alice-pw']) {
      assert.ok(!all.includes(secret), `leaked ${secret.slice(0, 12)}…`);
    }
    for (const l of lines)
      assert.match(l, /^(GET|POST|PUT|DELETE) \/\S+ (\d{3}|ERR \S+|HTTP \d{3}) \d+ms$/, l);
    assert.ok(
      lines.some((l) => / 401 /.test(l)),
      'the expiry shows up',
    );
  });

  it('honours Retry-After on 429', async () => {
    let n = 0;
    const stub = await stubServer((_req, res) => {
      if (n++ === 0) {
        res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' });
        return res.end('{}');
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ entry: { id: 'alice' } }));
    });
    try {
      const conn = new AlfrescoConnector(
        { url: stub.url, retry: { ...FAST_RETRY, maxDelayMs: 2000 } },
        { ticket: 'TICKET_1' },
      );
      const started = Date.now();
      assert.equal((await conn.whoami()).user, 'alice');
      assert.ok(Date.now() - started >= 950, 'waited for Retry-After');
      assert.equal(stub.hits.length, 2);
      await conn.close();
    } finally {
      await stub.close();
    }
  });

  it('an interrupted download fails that node with an error that holds no credentials', async () => {
    const stub = await stubServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '100000' });
      res.write(Buffer.alloc(1000));
      setTimeout(() => res.destroy(), 20);
    });
    try {
      const conn = new AlfrescoConnector({ url: stub.url, retry: FAST_RETRY }, { ticket: 'TICKET_secret42' });
      const stream = await conn.readContent('n1');
      const err = await (async () => {
        for await (const _ of stream) void _;
      })().catch((e: unknown) => e);
      assert.ok(err instanceof NodeError && err.code === 'UNKNOWN', String(err));
      assert.match(err.message, /interrupted/);
      const shown = inspect(err, { depth: 10 });
      assert.ok(
        !shown.includes('secret42') && !shown.includes(Buffer.from('TICKET_secret42').toString('base64')),
      );
      await conn.close();
    } finally {
      await stub.close();
    }
  });

  it('a server answering HTML instead of JSON is a clear error, not a crash', async () => {
    const stub = await stubServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Please sign in to the proxy</body></html>');
    });
    try {
      const conn = new AlfrescoConnector({ url: stub.url, retry: FAST_RETRY }, { ticket: 'TICKET_1' });
      await assert.rejects(
        conn.whoami(),
        (e: unknown) => e instanceof UnreachableError && /text\/html instead of JSON/.test(e.message),
      );
      await assert.rejects(alfrescoLogin({ url: stub.url }, 'a', 'b'), UnreachableError);
      await conn.close();
    } finally {
      await stub.close();
    }
  });

  it('verifies certificates; --ca-file adds a private CA', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'cloudsync-tls-'));
    try {
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
            '-keyout',
            join(dir, 'key.pem'),
            '-out',
            join(dir, 'cert.pem'),
          ],
          { stdio: 'ignore' },
        );
      } catch {
        return this.skip(); // no openssl on this machine
      }
      const tls = {
        key: readFileSync(join(dir, 'key.pem'), 'utf8'),
        cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      };
      const stub = await stubServer((_req, res) => {
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ entry: { id: 'TICKET_tls', userId: 'alice' } }));
      }, tls);
      try {
        await assert.rejects(alfrescoLogin({ url: stub.url }, 'alice', 'pw'), (e: unknown) => {
          assert.ok(e instanceof UsageError, String(e));
          assert.equal(e.code, 'TLS_CERTIFICATE');
          assert.match(e.hint ?? '', /--ca-file/);
          return true;
        });
        const ok = await alfrescoLogin({ url: stub.url, caFile: join(dir, 'cert.pem') }, 'alice', 'pw');
        assert.equal(ok.ticket, 'TICKET_tls');
        await assert.rejects(
          alfrescoLogin({ url: stub.url, caFile: join(dir, 'missing.pem') }, 'a', 'b'),
          UsageError,
        );
      } finally {
        await stub.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
