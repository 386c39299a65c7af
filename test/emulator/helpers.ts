// Small HTTP client for the emulator tests (global fetch), plus shared assertions.
import assert from 'node:assert/strict';
import type { Emulator } from '../support/emulator/index.js';

/** ACS date format: millisecond precision, `+0000` without a colon. */
export const DATE_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;

/** A response with the body already read. */
export interface Res {
  status: number;
  headers: Headers;
  buf: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Request options. */
export interface ReqOpts {
  json?: unknown;
  body?: RequestInit['body'];
  headers?: Record<string, string>;
  /** Overrides the client's Authorization header ('' sends none). */
  auth?: string;
}

/** Basic header value for `x` (user:password or a ticket form). */
export function basic(x: string): string {
  return `Basic ${Buffer.from(x).toString('base64')}`;
}

/** A client bound to one emulator and one credential. */
export class Api {
  constructor(
    readonly emu: Emulator,
    readonly auth: string,
  ) {}

  /** Logs in with POST /tickets and returns a client using the `ROLE_TICKET:` Basic form. */
  static async login(emu: Emulator, user: string, password: string): Promise<Api> {
    const res = await new Api(emu, '').authApi('POST', '/tickets', { json: { userId: user, password } });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    return new Api(emu, basic(`ROLE_TICKET:${res.json.entry.id as string}`));
  }

  /** Request against the core API (`path` starts with /). */
  core(method: string, path: string, o: ReqOpts = {}): Promise<Res> {
    return this.raw(method, this.emu.coreUrl() + path, o);
  }

  /** Request against the authentication API. */
  authApi(method: string, path: string, o: ReqOpts = {}): Promise<Res> {
    return this.raw(method, this.emu.authUrl() + path, o);
  }

  /** Request to an absolute URL. */
  async raw(method: string, url: string, o: ReqOpts = {}): Promise<Res> {
    const headers: Record<string, string> = { ...o.headers };
    const auth = o.auth ?? this.auth;
    if (auth) headers.Authorization = auth;
    let body = o.body;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(url, { method, headers, body });
    const buf = Buffer.from(await r.arrayBuffer());
    const isJson = (r.headers.get('content-type') ?? '').startsWith('application/json');
    return {
      status: r.status,
      headers: r.headers,
      buf,
      json: isJson && buf.length ? JSON.parse(buf.toString()) : undefined,
    };
  }

  /** Multipart upload to POST /nodes/{parent}/children; `fields` are sent as form fields. */
  upload(
    parentId: string,
    filename: string | null,
    data: string | Buffer,
    fields: Record<string, string> = {},
    query = '',
  ): Promise<Res> {
    const form = new FormData();
    const blob = new Blob([data], { type: 'text/plain' });
    if (filename === null) form.append('filedata', 'no-file-name');
    else form.append('filedata', blob, filename);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    return this.core('POST', `/nodes/${parentId}/children${query}`, { body: form });
  }
}

/** Asserts the ACS error envelope and returns the error object. */
export function assertError(res: Res, status: number, errorKey?: string | RegExp): Record<string, unknown> {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.buf.toString()}`);
  assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
  const e = res.json.error;
  assert.equal(e.statusCode, status);
  assert.match(e.briefSummary, /^\d{8} /);
  assert.equal(e.descriptionURL, 'https://api-explorer.alfresco.com');
  assert.match(e.stackTrace, /^For security reasons the stack trace is no longer displayed/);
  if (typeof errorKey === 'string') assert.equal(e.errorKey, errorKey);
  else if (errorKey) assert.match(e.errorKey, errorKey);
  return e;
}

/** Asserts the fields the spec marks required on Node, and the date format. */
export function assertNode(n: Record<string, unknown>): void {
  for (const k of [
    'id',
    'name',
    'nodeType',
    'isFolder',
    'isFile',
    'createdAt',
    'createdByUser',
    'modifiedAt',
    'modifiedByUser',
  ])
    assert.ok(k in n, `node entry lacks ${k}: ${JSON.stringify(n)}`);
  assert.match(n.createdAt as string, DATE_RE);
  assert.match(n.modifiedAt as string, DATE_RE);
  for (const u of [n.createdByUser, n.modifiedByUser] as Array<Record<string, unknown>>) {
    assert.equal(typeof u.id, 'string');
    assert.equal(typeof u.displayName, 'string');
  }
}
