// Tickets: login, logout, and the session that renews an expired ticket in the middle of a pass.
import { AuthError, UnreachableError } from '../../errors.js';
import { briefSummary } from './errors.js';
import { AlfrescoHttp, type Authenticator } from './http.js';
import { addSecret } from './redact.js';
import {
  loginHint,
  type AlfrescoConnectionOptions,
  type AlfrescoCredentials,
  type AlfrescoHooks,
} from './options.js';

/** `Authorization` value for a ticket: the documented `Basic base64(TICKET_…)` form. */
export function ticketAuthorization(ticket: string): string {
  return `Basic ${Buffer.from(ticket, 'utf8').toString('base64')}`;
}

/** `POST …/authentication/versions/1/tickets` over an existing client; AuthError on refusal. */
export async function createTicket(
  http: AlfrescoHttp,
  username: string,
  password: string,
): Promise<{ ticket: string; user: string }> {
  addSecret(password);
  const res = await http.request({
    method: 'POST',
    api: 'auth',
    path: 'tickets',
    json: { userId: username, password },
    anonymous: true,
  });
  const entry = (res.body as { entry?: { id?: unknown; userId?: unknown } } | undefined)?.entry;
  if (res.status === 201 || res.status === 200) {
    if (typeof entry?.id !== 'string') {
      throw new UnreachableError(`${http.endpoint.origin} answered the login without a ticket`);
    }
    addSecret(entry.id);
    return { ticket: entry.id, user: typeof entry.userId === 'string' ? entry.userId : username };
  }
  const hint = loginHint(http.opts.side);
  if (res.status === 400 || res.status === 401 || res.status === 403) {
    throw new AuthError(`login failed for ${username}`, `check the user name and password, then ${hint}`);
  }
  if (res.status === 501) {
    throw new AuthError(
      'ticket login is disabled on this server (SSO enforced)',
      'log in with --token-stdin',
    );
  }
  if (res.status === 404) {
    throw new UnreachableError(
      `no Alfresco authentication API at ${http.endpoint.authBase}`,
      'check the server URL (https://host[:port] or https://host[:port]/alfresco)',
    );
  }
  throw new AuthError(`login failed for ${username}: HTTP ${res.status} ${briefSummary(res)}`, hint);
}

/**
 * Supplies the Authorization header and renews an expired ticket once, from username/password when the
 * CLI passed them (it merges CLOUDSYNC_<SIDE>_USERNAME/_PASSWORD into the credentials).
 */
export class TicketSession implements Authenticator {
  private current?: string;
  private renewing?: Promise<void>;
  private http?: AlfrescoHttp;

  constructor(
    private readonly opts: AlfrescoConnectionOptions,
    private readonly creds: AlfrescoCredentials,
    private readonly hooks: AlfrescoHooks,
  ) {
    // Whatever a server echoes back of these is masked in every output from now on.
    for (const secret of [creds.token, creds.ticket, creds.password]) addSecret(secret);
    if (creds.token) this.current = `Bearer ${creds.token}`;
    else if (creds.ticket) this.current = ticketAuthorization(creds.ticket);
  }

  /** The client used for logins; set once by the connector (the client needs the session, too). */
  attach(http: AlfrescoHttp): void {
    this.http = http;
  }

  async authorization(): Promise<string> {
    if (this.renewing) await this.renewing;
    if (this.current) return this.current;
    if (!this.canLogin()) {
      throw new AuthError(`not logged in to ${this.opts.url}`, loginHint(this.opts.side));
    }
    await this.renew('', false);
    return this.current!;
  }

  async renew(failed: string, again: boolean): Promise<void> {
    // Refused right after a renewal: the credentials themselves are refused (and no request loops).
    if (again) throw this.expired();
    // Another request renewed while this one was in flight: just retry with the new ticket.
    if (failed && this.current && failed !== this.current) return;
    if (this.renewing) return this.renewing;
    if (this.creds.token || !this.canLogin()) throw this.expired();
    this.renewing = (async () => {
      const { ticket } = await createTicket(this.http!, this.creds.username!, this.creds.password!);
      this.current = ticketAuthorization(ticket);
      this.hooks.onTicketRenewed?.(ticket);
    })().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private canLogin(): boolean {
    return Boolean(this.creds.username && this.creds.password && this.http);
  }

  private expired(): AuthError {
    const what = this.creds.token ? 'token rejected or expired' : 'ticket expired or revoked';
    return new AuthError(`${this.opts.url}: ${what}`, loginHint(this.opts.side));
  }
}

/** Logs in once and returns the ticket; the CLI stores it and never the password. */
export async function alfrescoLogin(
  opts: AlfrescoConnectionOptions,
  username: string,
  password: string,
): Promise<{ ticket: string; user: string }> {
  const http = new AlfrescoHttp(opts);
  try {
    return await createTicket(http, username, password);
  } finally {
    http.close();
  }
}

/** `DELETE tickets/-me-`; a ticket that is already invalid (401/404) counts as logged out. */
export async function alfrescoLogout(
  opts: AlfrescoConnectionOptions,
  creds: AlfrescoCredentials,
): Promise<void> {
  if (!creds.ticket) return; // bearer tokens are revoked at the identity provider, not here
  addSecret(creds.ticket);
  const http = new AlfrescoHttp(opts);
  try {
    const res = await http.request({
      method: 'DELETE',
      api: 'auth',
      path: 'tickets/-me-',
      authorization: ticketAuthorization(creds.ticket),
    });
    if (res.status >= 300 && res.status !== 401 && res.status !== 404) {
      throw new UnreachableError(`logout failed: HTTP ${res.status} ${briefSummary(res)}`);
    }
  } finally {
    http.close();
  }
}
