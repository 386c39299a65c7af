// Shapes shared by the HTTP layer and its callers: requests, responses, replayable bodies, credentials.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** A body that can be produced again for every attempt (a stream cannot be replayed). */
export interface ReplayableBody {
  open(): Readable;
  length: number;
  contentType: string;
}

/** One REST call, relative to the core or auth base. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  api?: 'core' | 'auth';
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  body?: ReplayableBody;
  /** Send no credentials (ticket creation). */
  anonymous?: boolean;
  /** Use exactly this Authorization value, without renewal (logout of a given ticket). */
  authorization?: string;
}

/** A response of any status except those handled here (401, retry-exhausted 5xx). */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON; undefined when the body was empty or not JSON. */
  body: unknown;
  /** Start of a non-JSON body, redacted, for error messages. */
  text?: string;
  /** An earlier attempt may have reached the server and its response was lost. */
  ambiguous: boolean;
}

/** A streaming response: the body is left unread for the caller. */
export interface HttpStreamResponse extends Omit<HttpResponse, 'body'> {
  stream: Readable;
}

/** Supplies and renews credentials; auth.ts implements it. */
export interface Authenticator {
  /** The Authorization header value for the next request. */
  authorization(): Promise<string>;
  /**
   * After a 401 with `failed`: resolves when a retry may succeed, throws AuthError otherwise. `again` is
   * true when this request was already retried after a renewal, so the credentials are plainly refused.
   */
  renew(failed: string, again: boolean): Promise<void>;
}
