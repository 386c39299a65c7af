// The hand-off between `sync` and a running `watch` of the same profile: a local socket in the profile's
// private state folder (a named pipe on Windows) on which the watch takes pass requests. One JSON line each
// way, both bounded; at most a few clients at once.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CloudsyncError, ExitCode } from '../errors.js';
import { ensurePrivateDir } from './private-files.js';

/** A pass `sync` asks the running watch for. */
export interface WatchRequest {
  setIds: string[];
  dryRun: boolean;
  force: boolean;
  maxDeletePercent?: number;
  transfers?: number;
  timeoutS?: number;
}

/** The watch's answer: the pass result as `sync --json` prints it, or the error that ended the pass. */
export type WatchAnswer =
  | { result: { exitCode: number; [k: string]: unknown } }
  | { error: { code: string; message: string; hint?: string; exitCode: number } };

const MAX_REQUEST = 64 * 1024;
const MAX_ANSWER = 256 * 1024 * 1024;
const REQUEST_WAIT_MS = 5000;
const MAX_CLIENTS = 4;

/** Where the watch of `profile` listens, or null where no such path fits (a socket path is ~100 bytes). */
export function watchSocketPath(home: string, profile: string, platform = process.platform): string | null {
  if (platform === 'win32') {
    const h = createHash('sha256')
      .update(`${path.resolve(home)}\0${profile}`)
      .digest('hex')
      .slice(0, 24);
    return `\\\\.\\pipe\\cloudsync-${h}`;
  }
  const p = path.join(home, 'state', profile, '.watch.sock');
  return Buffer.byteLength(p) <= 100 ? p : null;
}

/** A listening hand-off; close() stops it and removes the socket. */
export interface WatchServer {
  close(): Promise<void>;
}

/**
 * Listen for pass requests. Null when another live watch of the profile already listens (it keeps serving
 * `sync`), or when no socket path fits. A socket left by a watch that died is replaced.
 */
export async function serveWatchRequests(
  home: string,
  profile: string,
  handle: (req: WatchRequest) => Promise<WatchAnswer>,
): Promise<WatchServer | null> {
  const file = watchSocketPath(home, profile);
  if (file === null) return null;
  const pipe = process.platform === 'win32';
  if (!pipe) {
    ensurePrivateDir(home, 'state', profile);
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (st) {
      if (!st.isSocket()) return null; // something else under our name: leave it alone
      if (await probe(file)) return null;
      fs.rmSync(file, { force: true });
    }
  }
  const clients = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    clients.add(sock);
    sock.on('close', () => clients.delete(sock));
    serveOne(sock, handle);
  });
  server.maxConnections = MAX_CLIENTS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (!pipe) fs.chmodSync(file, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // answers already written are flushed by end(); a client still waiting sees its socket close (exit 6)
        for (const c of clients) c.destroySoon();
        if (!pipe) fs.rmSync(file, { force: true });
      }),
  };
}

function serveOne(sock: net.Socket, handle: (req: WatchRequest) => Promise<WatchAnswer>): void {
  let buf = '';
  let done = false;
  sock.setEncoding('utf8');
  sock.setTimeout(REQUEST_WAIT_MS, () => {
    if (!done) sock.destroy();
  });
  sock.on('error', () => undefined);
  sock.on('data', (d: string) => {
    if (done) return;
    buf += d;
    const nl = buf.indexOf('\n');
    if (nl < 0) {
      if (buf.length > MAX_REQUEST) sock.destroy();
      return;
    }
    done = true;
    sock.setTimeout(0);
    const req = parseRequest(buf.slice(0, nl));
    const answer: Promise<WatchAnswer> = req
      ? handle(req).catch((err: unknown) => ({ error: errorOf(err) }))
      : Promise.resolve({ error: { code: 'BAD_REQUEST', message: 'unreadable request', exitCode: 2 } });
    void answer.then((a) => sock.end(JSON.stringify(a) + '\n'));
  });
}

function parseRequest(line: string): WatchRequest | null {
  try {
    const r = JSON.parse(line) as Partial<WatchRequest> & { v?: number };
    if (r.v !== 1 || !Array.isArray(r.setIds) || !r.setIds.every((s) => typeof s === 'string')) return null;
    const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
    return {
      setIds: r.setIds,
      dryRun: r.dryRun === true,
      force: r.force === true,
      maxDeletePercent: num(r.maxDeletePercent),
      transfers: num(r.transfers),
      timeoutS: num(r.timeoutS),
    };
  } catch {
    return null;
  }
}

function errorOf(err: unknown): { code: string; message: string; hint?: string; exitCode: number } {
  if (err instanceof CloudsyncError)
    return { code: err.code, message: err.message, hint: err.hint, exitCode: err.exitCode };
  return { code: 'INTERNAL', message: (err as Error)?.message ?? String(err), exitCode: ExitCode.internal };
}

/** True when something answers on `file` (a live watch). */
function probe(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(file);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Ask the running watch of the profile to do a pass and wait for its answer; null when no watch listens
 * (no socket, a stale one, or one that is not a private socket of this user). A watch that goes away before
 * answering is exit 6: the pass may have run in part, and `sync` again is safe.
 */
export async function askRunningWatch(
  home: string,
  profile: string,
  req: WatchRequest,
): Promise<WatchAnswer | null> {
  const file = watchSocketPath(home, profile);
  if (file === null) return null;
  if (process.platform !== 'win32') {
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    const uid = process.getuid?.();
    if (!st || !st.isSocket() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0)
      return null;
  }
  const sock = net.connect(file);
  sock.setEncoding('utf8');
  const connected = await new Promise<boolean>((resolve) => {
    sock.once('connect', () => resolve(true));
    sock.once('error', () => resolve(false));
  });
  if (!connected) {
    sock.destroy();
    return null;
  }
  return new Promise<WatchAnswer>((resolve, reject) => {
    let buf = '';
    const gone = () =>
      reject(
        new CloudsyncError(
          'the running watch stopped before it answered',
          ExitCode.locked,
          'LOCKED',
          'run `cloudsync sync` again',
        ),
      );
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > MAX_ANSWER) {
        sock.destroy();
        return gone();
      }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      sock.destroy();
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as WatchAnswer);
      } catch {
        gone();
      }
    });
    sock.on('error', gone);
    sock.on('close', gone);
    sock.write(JSON.stringify({ v: 1, ...req }) + '\n');
  });
}
