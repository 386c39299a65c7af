// Request authentication, accepting every credential form the real server does (reference 2.2).
import type { Ctx } from './context.js';
import { ApiError } from './format.js';
import type { User } from './users.js';

/** 401 exactly as ACS sends it, with the Basic challenge so browsers and clients re-prompt. */
export function unauthorized(method: string): ApiError {
  return new ApiError(
    401,
    'framework.exception.ApiDefault',
    `Authentication failed for Web Script org/alfresco/api/ResourceWebScript.${method.toLowerCase()}`,
    { 'WWW-Authenticate': 'Basic realm="Alfresco -default- tenant"' },
  );
}

/** The ticket a request carries, if it authenticates with one (not with a password). */
export function ticketOf(ctx: Ctx): string | undefined {
  const q = ctx.query.get('alf_ticket');
  if (q) return q;
  const h = ctx.req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(h);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+(.+)$/i.exec(h);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return decoded; // `TICKET_x`, the form the docs use
  const userPart = decoded.slice(0, colon);
  // `:TICKET_x`, and `ROLE_TICKET:TICKET_x` in any case (what @alfresco/js-api sends).
  if (userPart === '' || userPart.toUpperCase() === 'ROLE_TICKET') return decoded.slice(colon + 1);
  return undefined;
}

/**
 * Authenticates the request or throws 401. Accepted: `?alf_ticket=`, Basic `TICKET_x`, `:TICKET_x`,
 * `ROLE_TICKET:TICKET_x`, Basic `user:password`, a Bearer JWT of the Identity Service (oidc.ts), and — an
 * emulator convenience the real server only
 * offers with an identity service — `Authorization: Bearer <ticket id>`.
 */
export async function authenticate(ctx: Ctx): Promise<User> {
  const jwt = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (jwt) {
    // An Identity Service token: signature, issuer and expiry are checked on every call, as ACS does.
    const user = await ctx.core.oidc.verify(jwt[1]!);
    if (!user || !user.enabled) throw unauthorized(ctx.method);
    return user;
  }
  const ticket = ticketOf(ctx);
  if (ticket !== undefined) {
    const user = ctx.core.directory.resolve(ticket);
    if (!user) throw unauthorized(ctx.method);
    ctx.ticket = ticket;
    return user;
  }
  const basic = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!.trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = ctx.core.directory.login(decoded.slice(0, colon), decoded.slice(colon + 1));
    if (user) return user;
  }
  throw unauthorized(ctx.method);
}
