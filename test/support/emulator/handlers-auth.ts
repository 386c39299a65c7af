// Authentication API (tickets) and GET /people/{personId}.
import { type Ctx, type Route, me, readJson, sendEntry, finish } from './context.js';
import { ApiError, err } from './format.js';

async function createTicket(ctx: Ctx): Promise<void> {
  const body = (await readJson(ctx)) as Record<string, unknown> | undefined;
  const userId = body?.userId;
  const password = body?.password;
  if (typeof userId !== 'string' || typeof password !== 'string' || !userId)
    throw err.invalid('Invalid login details: userId and password are required');
  const user = ctx.core.directory.login(userId, password);
  if (!user) throw new ApiError(403, 'Login failed', 'Login failed');
  sendEntry(ctx, 201, { id: ctx.core.directory.issue(user.id), userId: user.id });
}

function validateTicket(ctx: Ctx): void {
  // With password auth there is no ticket yet; the real server creates one for the session.
  const id = ctx.ticket ?? ctx.core.directory.issue(me(ctx).id);
  sendEntry(ctx, 200, { id, userId: me(ctx).id });
}

function deleteTicket(ctx: Ctx): void {
  if (ctx.ticket) ctx.core.directory.revoke(ctx.ticket);
  finish(ctx, 204, {});
}

function getPerson(ctx: Ctx): void {
  const id = ctx.params.personId === '-me-' ? me(ctx).id : ctx.params.personId!;
  const user = ctx.core.directory.find(id);
  if (!user) throw err.notFound(id);
  sendEntry(ctx, 200, ctx.core.directory.person(user.id));
}

/** Routes of the authentication API plus people. */
export const authRoutes: Route[] = [
  { api: 'auth', method: 'POST', path: '/tickets', handler: createTicket, anonymous: true },
  { api: 'auth', method: 'GET', path: '/tickets/-me-', handler: validateTicket },
  { api: 'auth', method: 'DELETE', path: '/tickets/-me-', handler: deleteTicket },
  { api: 'core', method: 'GET', path: '/people/{personId}', handler: getPerson },
];
