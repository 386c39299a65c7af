import { ConfigStore, resolveHome, type ConnectionConfig } from '../config/config.js';
import { CredentialStore } from '../config/credentials.js';
import { openConnector } from '../connectors/index.js';
import { SIDES, type Connector, type Side } from '../connectors/types.js';
import type { EngineContext, EngineEvent } from '../engine/types.js';
import { engineEventLogger } from '../ui/event-log.js';
import { UsageError } from '../errors.js';
import { acquireProfileLock, acquireSetLocks, setsLockedError, type BusySet } from '../store/lock.js';
import { loadInstallation, OwnerRecords } from '../store/owner-records.js';
import { StateStore } from '../store/state-store.js';
import type { Globals } from './runtime.js';

/** How long a command waits for another pass to release a lock before exit 6 (or skipping the set). */
export const LOCK_WAIT_MS = 2000;

/** `<home>` for this run: --home, CLOUDSYNC_HOME, or the platform default. */
export function homeOf(g: Globals): string {
  return resolveHome(g.homeFlag, g.rt.env);
}

/** The state store of the selected profile (no connection needed: list and inspect work offline). */
export function openStore(g: Globals): StateStore {
  return new StateStore(homeOf(g), g.profile);
}

/** Parse a side argument; anything else is a usage error naming the two words. */
export function parseSide(value: string): Side {
  if (value === 'onprem' || value === 'cloud') return value;
  throw new UsageError(`unknown side '${value}'`, 'a side is `onprem` or `cloud`');
}

/** The stored connection of a side, or exit 2 telling the user how to make one. */
export async function requireConnection(g: Globals, side: Side): Promise<ConnectionConfig> {
  const conn = await new ConfigStore(homeOf(g)).getConnection(g.profile, side);
  if (!conn) {
    throw new UsageError(
      `not logged in to ${side}${g.profile === 'default' ? '' : ` (profile ${g.profile})`}`,
      `run \`cloudsync login ${side} <folder|url>\``,
      'NOT_LOGGED_IN',
    );
  }
  return conn;
}

/** Open the connector of one side with its stored credentials; renewed tickets are saved back. */
export async function openSide(
  g: Globals,
  side: Side,
  conn: ConnectionConfig,
  signal?: () => AbortSignal | undefined,
): Promise<Connector> {
  const credentials = new CredentialStore(homeOf(g));
  const stored = (await credentials.get(g.profile, side)) ?? {};
  return openConnector(side, conn, stored, {
    signal,
    home: homeOf(g),
    log: (line) => g.out.debug(`[${side}] ${line}`),
    env: g.rt.env,
    subscriber: `${homeOf(g)}#${g.profile}`,
    onTicketRenewed: (ticket) => {
      // Keep the username next to the new ticket; a failed save only costs a later re-login.
      void Promise.resolve(credentials.set(g.profile, side, { ...stored, ticket })).catch((err: unknown) =>
        g.out.warn(`could not save the renewed ${side} ticket: ${(err as Error).message}`),
      );
    },
    onTokensRenewed: (tokens) => {
      // The refresh token may rotate: the newest one must be on disk before the old one stops working.
      Object.assign(stored, tokens);
      void Promise.resolve(credentials.set(g.profile, side, stored)).catch((err: unknown) =>
        g.out.warn(`could not save the renewed ${side} tokens: ${(err as Error).message}`),
      );
    },
  });
}

/** An engine context over both sides of the profile, and a close() that releases the connectors. */
export interface OpenedContext {
  ctx: EngineContext;
  close(): Promise<void>;
}

/** Build the EngineContext for a command: both connections (exit 2 when one is missing), the store, events. */
export async function openContext(
  g: Globals,
  onEvent?: (e: EngineEvent) => void,
  signal?: () => AbortSignal | undefined,
): Promise<OpenedContext> {
  const conns = {} as Record<Side, ConnectionConfig>;
  for (const side of SIDES) conns[side] = await requireConnection(g, side);
  const connectors = {} as Record<Side, Connector>;
  for (const side of SIDES) connectors[side] = await openSide(g, side, conns[side], signal);
  const home = homeOf(g);
  // Every pass is logged, whatever the output mode: the log file sees each event before the screen does.
  const toLog = g.out.log && engineEventLogger(g.out.log);
  const events =
    toLog && onEvent
      ? (e: EngineEvent) => {
          toLog(e);
          onEvent(e);
        }
      : (toLog ?? onEvent);
  const owner = {
    installation: await loadInstallation(home),
    takeOver: false,
    records: new OwnerRecords(home, g.profile),
    swept: new Set<string>(),
  };
  return {
    ctx: { connectors, store: new StateStore(home, g.profile), home, onEvent: events, owner },
    close: async () => {
      await Promise.allSettled(SIDES.map((s) => connectors[s].close()));
    },
  };
}

/** Run `fn` holding the lock of the profile's set list (create, apply, state import); held elsewhere: exit 6. */
export async function withProfileLock<T>(
  g: Globals,
  fn: () => Promise<T>,
  waitMs = LOCK_WAIT_MS,
): Promise<T> {
  const lock = await acquireProfileLock(homeOf(g), g.profile, { waitMs });
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/**
 * Run `fn` holding the locks of sets (one pass per set at a time). Without `onBusy` every set must be taken
 * (a set another pass holds is exit 6). With it, busy sets are handed to `onBusy` and `fn` runs over the
 * others; exit 6 only when there were sets to lock and none could be taken.
 */
export async function withSetLocks<T>(
  g: Globals,
  ids: readonly string[],
  fn: (held: string[]) => Promise<T>,
  opts: { waitMs?: number; onBusy?: (busy: BusySet[]) => void } = {},
): Promise<T> {
  const locks = await acquireSetLocks(homeOf(g), g.profile, ids, { waitMs: opts.waitMs ?? LOCK_WAIT_MS });
  try {
    if (locks.busy.length > 0 && (!opts.onBusy || locks.held.length === 0)) throw setsLockedError(locks.busy);
    if (locks.busy.length > 0) opts.onBusy!(locks.busy);
    return await fn(locks.held);
  } finally {
    await locks.release();
  }
}

/** Open a context, run, and always close the connectors. Locks are the caller's (withSetLocks). */
export async function withEngine<T>(
  g: Globals,
  onEvent: ((e: EngineEvent) => void) | undefined,
  fn: (ctx: EngineContext) => Promise<T>,
  signal?: () => AbortSignal | undefined,
): Promise<T> {
  const opened = await openContext(g, onEvent, signal);
  try {
    return await fn(opened.ctx);
  } finally {
    await opened.close();
  }
}
