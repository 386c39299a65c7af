// Pure pieces of the Alfresco connector: URL forms, http refusal, names, paths, backoff, redaction, multipart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import busboy from 'busboy';
import { AlfrescoConnector, alfrescoLogin } from '../../src/connectors/alfresco/index.js';
import { resolveEndpoint, isLoopbackHost } from '../../src/connectors/alfresco/endpoint.js';
import { invalidNameReason, toNodeError } from '../../src/connectors/alfresco/errors.js';
import { multipartBody } from '../../src/connectors/alfresco/multipart.js';
import { contentToken, parseAcsDate, pickSyncedProps } from '../../src/connectors/alfresco/nodes.js';
import { locateRepoPath, parseAlfrescoPath } from '../../src/connectors/alfresco/paths.js';
import { redact } from '../../src/connectors/alfresco/redact.js';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter } from '../../src/connectors/alfresco/retry.js';
import { ExitCode, NodeError, UsageError } from '../../src/errors.js';

describe('alfresco endpoint', () => {
  it('accepts https://host[:port] and …/alfresco as the same server', () => {
    const want = 'https://acs.example.com:8443/alfresco/api/-default-/public/alfresco/versions/1/';
    for (const url of [
      'https://acs.example.com:8443',
      'https://acs.example.com:8443/',
      'https://acs.example.com:8443/alfresco',
      'https://acs.example.com:8443/alfresco/',
    ]) {
      assert.equal(resolveEndpoint(url).coreBase, want, url);
    }
    const e = resolveEndpoint('https://acs.example.com/proxy/alfresco', 'acme.com');
    assert.equal(
      e.coreBase,
      'https://acs.example.com/proxy/alfresco/api/acme.com/public/alfresco/versions/1/',
    );
    assert.equal(
      e.authBase,
      'https://acs.example.com/proxy/alfresco/api/acme.com/public/authentication/versions/1/',
    );
  });

  it('refuses plain http off-machine with exit 2 and an --allow-http hint, before any request', async () => {
    const check = (err: unknown): boolean => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.exitCode, ExitCode.usage);
      assert.match(err.hint ?? '', /--allow-http/);
      return true;
    };
    assert.throws(
      () => new AlfrescoConnector({ url: 'http://example.invalid' }, { ticket: 'TICKET_x' }),
      check,
    );
    // A DNS lookup of .invalid would fail as UnreachableError; UsageError proves nothing was sent.
    await assert.rejects(alfrescoLogin({ url: 'http://example.invalid/alfresco' }, 'u', 'p'), check);
    assert.doesNotThrow(() => new AlfrescoConnector({ url: 'http://example.invalid', allowHttp: true }, {}));
  });

  it('treats only loopback as safe for plain http', () => {
    for (const h of ['localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::1', 'app.localhost'])
      assert.ok(isLoopbackHost(h), h);
    for (const h of ['example.com', '10.0.0.1', '128.0.0.1', '::2', 'localhost.example.com'])
      assert.ok(!isLoopbackHost(h), h);
    assert.doesNotThrow(() => resolveEndpoint('http://127.0.0.1:8080'));
  });

  it('refuses URLs with credentials or other schemes', () => {
    assert.throws(() => resolveEndpoint('https://admin:pw@acs.example.com'), UsageError);
    assert.throws(() => resolveEndpoint('ftp://acs.example.com'), UsageError);
    assert.throws(() => resolveEndpoint('not a url'), UsageError);
  });
});

describe('alfresco names and paths', () => {
  it('refuses the names ACS refuses', () => {
    for (const bad of [
      '',
      ' ',
      'a*b',
      'a"b',
      'a<b',
      'a>b',
      'a\\b',
      'a/b',
      'a?b',
      'a:b',
      'a|b',
      'end.',
      'x'.repeat(256),
      'tab\tname',
    ]) {
      assert.ok(invalidNameReason(bad), JSON.stringify(bad));
    }
    for (const good of ['a.txt', '.hidden', 'Résumé (v2).docx', 'x'.repeat(255), '日本語']) {
      assert.equal(invalidNameReason(good), null, good);
    }
  });

  it('parses site paths and node ids', () => {
    assert.deepEqual(parseAlfrescoPath('mkt/Plans/Q3.docx'), {
      kind: 'site',
      site: 'mkt',
      rest: ['Plans', 'Q3.docx'],
    });
    assert.deepEqual(parseAlfrescoPath('/mkt/'), { kind: 'site', site: 'mkt', rest: [] });
    assert.deepEqual(parseAlfrescoPath('node:0b5e-11'), { kind: 'node', id: '0b5e-11' });
    assert.equal(typeof parseAlfrescoPath(''), 'string');
    assert.equal(typeof parseAlfrescoPath('mkt/../other'), 'string');
    assert.equal(typeof parseAlfrescoPath('node:a/b'), 'string');
  });

  it('locates repository paths relative to site document libraries', () => {
    assert.deepEqual(locateRepoPath('/Company Home/Sites/mkt/documentLibrary/Plans', 'Q3.docx'), {
      kind: 'doclib',
      site: 'mkt',
      rest: ['Plans', 'Q3.docx'],
    });
    assert.deepEqual(locateRepoPath('/Company Home/Sites/mkt', 'documentLibrary'), {
      kind: 'doclib',
      site: 'mkt',
      rest: [],
    });
    assert.deepEqual(locateRepoPath('/Company Home/Sites', 'mkt'), { kind: 'site-root', site: 'mkt' });
    assert.deepEqual(locateRepoPath('/Company Home/Sites/mkt/dataLists', 'x'), { kind: 'outside' });
    assert.deepEqual(locateRepoPath('/Company Home/Shared', 'x'), { kind: 'outside' });
    assert.deepEqual(locateRepoPath('/Espace racine/Sites/mkt/documentLibrary', 'a'), {
      kind: 'doclib',
      site: 'mkt',
      rest: ['a'],
    });
  });
});

describe('alfresco node translation', () => {
  it('reads ACS dates with a +0000 or -0500 offset', () => {
    assert.equal(parseAcsDate('2019-09-05T08:58:24.463+0000'), Date.UTC(2019, 8, 5, 8, 58, 24, 463));
    assert.equal(parseAcsDate('2019-09-05T08:58:24.463-0500'), Date.UTC(2019, 8, 5, 13, 58, 24, 463));
  });

  it('keeps only synced metadata', () => {
    const props = pickSyncedProps({
      'cm:title': 'T',
      'cm:description': 'D',
      'cm:author': 'A',
      'cm:latitude': 1.5,
      'exif:flash': true,
      'cm:versionLabel': '1.0',
      'cm:lockOwner': { id: 'bob' },
      'my:custom': 'x',
    });
    assert.deepEqual(props, {
      'cm:title': 'T',
      'cm:description': 'D',
      'cm:author': 'A',
      'cm:latitude': 1.5,
      'exif:flash': true,
    });
  });

  it('gives versioned files a token that ignores renames, and unversioned ones their modifiedAt', () => {
    const base = {
      id: 'i',
      name: 'n',
      nodeType: 'cm:content',
      isFolder: false,
      isFile: true,
      modifiedAt: 'M',
    };
    assert.equal(contentToken(base, 5, '1.2'), 'v1.2|5');
    assert.equal(contentToken(base, 5, undefined), 'M|5');
    assert.equal(contentToken({ ...base, isFolder: true, isFile: false }, 0, undefined), 'folder');
  });
});

describe('alfresco error mapping', () => {
  const res = (status: number, briefSummary?: string) => ({
    status,
    headers: {},
    body: briefSummary ? { error: { briefSummary: `01230001 ${briefSummary}` } } : undefined,
    ambiguous: false,
  });
  const code = (e: Error) => (e instanceof NodeError ? e.code : e.constructor.name);
  const w = { access: 'write', missing: 'node', subject: 'x' } as const;

  it('maps every status to its member error code', () => {
    assert.equal(code(toNodeError(res(403), w)), 'TARGET_NODE_ACCESS_DENIED');
    assert.equal(code(toNodeError(res(403), { ...w, access: 'read' })), 'SOURCE_NODE_ACCESS_DENIED');
    assert.equal(code(toNodeError(res(404), w)), 'TARGET_NODE_NO_LONGER_EXISTS');
    assert.equal(code(toNodeError(res(404), { ...w, missing: 'parent' })), 'TARGET_FOLDER_NOT_FOUND');
    assert.equal(
      code(toNodeError(res(409, 'Duplicate child name not allowed: a'), w)),
      'TARGET_FOLDER_NAME_CLASH',
    );
    assert.equal(
      code(toNodeError(res(409, 'Cannot perform operation since the node (id:1) is locked.'), w)),
      'TARGET_NODE_ACCESS_DENIED',
    );
    assert.equal(code(toNodeError(res(413), w)), 'CONTENT_LIMIT_VIOLATION');
    assert.equal(
      code(toNodeError(res(422, 'Node name is not valid'), { ...w, naming: true })),
      'INVALID_NAME',
    );
    assert.equal(
      code(toNodeError(res(422, 'could not be locked since it is already locked by another user'), w)),
      'TARGET_NODE_ACCESS_DENIED',
    );
    assert.equal(code(toNodeError(res(507), w)), 'QUOTA_LIMIT_VIOLATION');
    assert.equal(code(toNodeError(res(400, 'NameSpace cannot be used by API: sys:locale'), w)), 'UNKNOWN');
    assert.equal(code(toNodeError(res(501), w)), 'UnreachableError');
  });

  it('puts the server summary (without its log number) in the message', () => {
    const e = toNodeError(res(400, 'NameSpace cannot be used by API: sys:locale'), w);
    assert.match(e.message, /x: HTTP 400 \(NameSpace cannot be used by API: sys:locale\)/);
    const html = toNodeError(
      { status: 418, headers: {}, body: undefined, text: '<html>\n<b>teapot</b>', ambiguous: false },
      w,
    );
    assert.match(html.message, /non-JSON answer: <html> <b>teapot/);
  });
});

describe('alfresco retry policy', () => {
  it('backs off exponentially with jitter, capped', () => {
    const p = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      backoffDelay(1, p, undefined, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(3, p, undefined, () => 1),
      400,
    );
    assert.equal(
      backoffDelay(10, p, undefined, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(3, p, undefined, () => 0.5),
      200,
    );
    assert.ok(backoffDelay(3, p, undefined, () => 0) >= 10, 'never spins');
    assert.equal(backoffDelay(1, p, 700), 700, 'Retry-After wins');
    assert.equal(
      backoffDelay(1, p, 60_000),
      60_000,
      'even above our own step cap (the request refuses asks over maxRetryAfterMs)',
    );
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    const now = Date.parse('2024-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

describe('alfresco redaction', () => {
  it('removes tickets, tokens, passwords and alf_ticket values', () => {
    const text =
      'GET /a?alf_ticket=TICKET_abc123&x=1 Authorization: Basic VElDS0VUX2FiYzEyMw== Bearer eyJhbGciOi.x.y {"password":"s3cret"} TICKET_0f0f';
    const out = redact(text);
    for (const secret of ['abc123', 'VElDS0VUX2FiYzEyMw', 'eyJhbGciOi', 's3cret', '0f0f'])
      assert.ok(!out.includes(secret), out);
    assert.match(out, /x=1/);
  });
});

describe('alfresco multipart body', () => {
  it('streams fields then the file, with an exact Content-Length', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloudsync-mp-'));
    try {
      const path = join(dir, 'f');
      const bytes = Buffer.from('line1\r\n--not-a-boundary\r\nline3');
      writeFileSync(path, bytes);
      const body = multipartBody(
        [
          ['name', 'Résumé ü.txt'],
          ['cm:title', 'Titel'],
        ],
        {
          field: 'filedata',
          filename: 'Résumé ü.txt',
          path,
          size: bytes.length,
          contentType: 'application/octet-stream',
        },
      );
      const chunks: Buffer[] = [];
      for await (const c of body.open()) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      assert.equal(raw.length, body.length);
      const fields: Record<string, string> = {};
      let file = Buffer.alloc(0);
      let filename = '';
      await new Promise<void>((resolve, reject) => {
        const bb = busboy({ headers: { 'content-type': body.contentType } });
        bb.on('field', (k, v) => (fields[k] = v));
        bb.on('file', (_k, s, info) => {
          filename = info.filename ?? '';
          s.on('data', (d: Buffer) => (file = Buffer.concat([file, d])));
        });
        bb.on('close', resolve);
        bb.on('error', reject);
        bb.end(raw);
      });
      assert.deepEqual(fields, { name: 'Résumé ü.txt', 'cm:title': 'Titel' });
      assert.deepEqual(file, bytes);
      assert.equal(filename, 'R_sum_ _.txt', 'the header stays ASCII; the name field carries the real name');
      // A second open gives the same bytes again: that is what makes uploads retryable.
      const again: Buffer[] = [];
      for await (const c of body.open()) again.push(c as Buffer);
      assert.equal(Buffer.concat(again).length, raw.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
