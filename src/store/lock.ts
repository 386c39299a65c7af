import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockedError, UsageError } from '../errors.js';
import { ensurePrivateDir } from './private-files.js';

/** What a lock file (profile or set) holds: enough to tell a live holder from a stale one, and to tell the user. */
interface LockInfo {
  pid: number;
  startedAt: string;
  host: string;
  /**
   * The holder's process start time (Linux: `/proc/<pid>/stat` field 22, clock ticks since boot), so a pid
   * the kernel has since given to another process is not mistaken for the holder. Absent elsewhere.
   */
  procStart?: string;
}

/** A held lock (of a profile or of one set). */
export interface ProfileLock {
  /** Remove the lock file if it is still ours. */
  release(): Promise<void>;
}

/** An unparseable lock file younger than this may be one being written: treat it as held, not garbage. */
const GARBAGE_GRACE_MS = 2000;

/**
 * Take the lock of one profile's set list (`<home>/state/<profile>/.lock`): commands that add or remove sets
 * (create, apply, state import) take it so two of them cannot create overlapping sets. Passes do not: they
 * take the lock of each set they run (acquireSetLocks). A lock held by a live process is waited for up to
 * `waitMs`, then LockedError (exit 6). A lock of a dead process (or garbage) is taken over; two processes
 * racing for the same stale lock cannot both win.
 */
export async function acquireProfileLock(
  home: string,
  profile: string,
  opts: { waitMs?: number; pollMs?: number } = {},
): Promise<ProfileLock> {
  ensurePrivateDir(home, 'state', profile);
  const file = path.join(home, 'state', profile, '.lock');
  const got = await lockFile(file, lockText(), Date.now() + (opts.waitMs ?? 2000), opts.pollMs ?? 100);
  if ('holder' in got) throw lockedError(file, got.holder, 'this profile');
  return got;
}

/** A set another process holds: its id and who holds it (for the message). */
export interface BusySet {
  id: string;
  holder: string;
}

/** The locks of several sets: those taken (release them with release()) and those another process holds. */
export interface SetLocks {
  held: string[];
  busy: BusySet[];
  release(): Promise<void>;
}

/**
 * Take the locks of sets (`<home>/state/<profile>/.<id>.lock`), one pass per set at a time (SPEC §4). Locks
 * are taken in id order, each waited for until the shared deadline (`waitMs` from now), so two processes
 * wanting overlapping sets never wait on each other in a cycle; a set still held by a live process at the
 * deadline is returned in `busy` and the caller decides (skip it, or exit 6). Stale locks are taken over.
 */
export async function acquireSetLocks(
  home: string,
  profile: string,
  ids: readonly string[],
  opts: { waitMs?: number; pollMs?: number } = {},
): Promise<SetLocks> {
  ensurePrivateDir(home, 'state', profile);
  const deadline = Date.now() + (opts.waitMs ?? 2000);
  const mine = lockText();
  const held: { id: string; lock: ProfileLock }[] = [];
  const busy: BusySet[] = [];
  try {
    for (const id of [...new Set(ids)].sort()) {
      if (!/^[A-Za-z0-9_-]+$/.test(id))
        throw new UsageError(`invalid sync set id "${id}"`, 'run `cloudsync list`');
      const got = await lockFile(
        path.join(home, 'state', profile, `.${id}.lock`),
        mine,
        deadline,
        opts.pollMs ?? 100,
      );
      if ('holder' in got) busy.push({ id, holder: describeHolder(got.holder) });
      else held.push({ id, lock: got });
    }
  } catch (err) {
    await Promise.all(held.map((h) => h.lock.release()));
    throw err;
  }
  return {
    held: held.map((h) => h.id),
    busy,
    release: async () => {
      await Promise.all(held.map((h) => h.lock.release()));
    },
  };
}

/** The LockedError (exit 6) for sets another pass holds. */
export function setsLockedError(busy: BusySet[]): LockedError {
  const list = busy.map((b) => `${b.id} (${b.holder})`).join(', ');
  return new LockedError(
    `another cloudsync pass holds the lock of ${busy.length === 1 ? 'set' : 'sets'} ${list}`,
    'wait for it to finish and retry; if no cloudsync is running, remove the .<id>.lock file in the state folder',
  );
}

/** This process's host name and /proc start time: read once, they do not change while it runs. */
let self: { host: string; procStart: string | undefined } | undefined;

function lockText(): string {
  self ??= { host: os.hostname(), procStart: readProcStat(process.pid)?.start };
  return JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), ...self });
}

/** Take one lock file, waiting for a live holder until `deadline`; the holder when it is still held then. */
async function lockFile(
  file: string,
  mine: string,
  deadline: number,
  pollMs: number,
): Promise<ProfileLock | { holder: LockInfo | null }> {
  for (;;) {
    if (createExclusive(file, mine)) return holdLock(file, mine);
    const current = readText(file);
    if (current !== null) {
      const holder = parseLock(current);
      const stale = holder ? isDead(holder) : isOldGarbage(file);
      if (stale && takeOver(file, current, mine)) return holdLock(file, mine);
      if (Date.now() >= deadline) return { holder };
    }
    await new Promise((r) => setTimeout(r, current === null ? 0 : pollMs));
  }
}

/**
 * Create the lock with its full content in one step: write a private temp file, then link() it to the lock
 * name, which fails with EEXIST when the lock exists (O_EXCL semantics). Unlike open('wx') + write, nobody
 * ever sees an empty lock file that could be mistaken for garbage. Synchronous, like every step on these
 * small files: one `watch` takes and releases a lock per pass, and each asynchronous call is a thread-pool
 * round trip costing several times the system call it waits for.
 */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
  // 'wx': O_EXCL, so a symlink planted at the name fails the create instead of being followed
  fs.writeFileSync(tmp, content, { flag: 'wx', mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
      // no hard links on this file system: plain O_EXCL create
      try {
        fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    throw err;
  } finally {
    removeQuiet(tmp);
  }
}

/** Remove a file that may already be gone. */
function removeQuiet(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Replace the stale lock `staleText` by ours. Takers first claim this very stale lock with an O_EXCL claim
 * file named after its content, so exactly one of them replaces it; a claimer that died is itself taken over
 * by a claim one level deeper. The winner re-reads the lock to check it is still the stale one, then renames
 * its own lock over it. Returns false when someone else is taking over (the caller goes on waiting).
 */
function takeOver(file: string, staleText: string, mine: string): boolean {
  let claim = `${file}.takeover-${createHash('sha256').update(staleText).digest('hex').slice(0, 16)}`;
  const claimText = JSON.stringify({
    pid: process.pid,
    host: os.hostname(),
    procStart: readProcStat(process.pid)?.start,
  });
  for (;;) {
    try {
      fs.writeFileSync(claim, claimText, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const claimer = parseLock(readText(claim) ?? '');
      // an unreadable claim may be one still being written: only an old one counts as abandoned
      if (claimer ? !isDead(claimer) : !isOldGarbage(claim)) return false;
      claim = `${claim}-${claimer?.pid ?? 'x'}`;
    }
  }
  try {
    if (readText(file) !== staleText) return false;
    const tmp = `${file}.${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, mine, { flag: 'wx', mode: 0o600 });
    fs.renameSync(tmp, file);
    return readText(file) === mine;
  } finally {
    removeQuiet(claim);
  }
}

/** Locks this process holds (file → content), released synchronously at exit by one listener for all. */
const heldLocks = new Map<string, string>();

function releaseAllSync(): void {
  for (const [file, mine] of heldLocks) {
    try {
      if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
    } catch {
      // already gone: nothing to release
    }
  }
  heldLocks.clear();
}

/** The held lock: release() and a synchronous best-effort release when the process exits. */
function holdLock(file: string, mine: string): ProfileLock {
  if (heldLocks.size === 0) process.on('exit', releaseAllSync);
  heldLocks.set(file, mine);
  return {
    async release() {
      if (heldLocks.delete(file) && heldLocks.size === 0) process.off('exit', releaseAllSync);
      if (readText(file) === mine) removeQuiet(file);
    },
  };
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 ? (v as LockInfo) : null;
  } catch {
    return null;
  }
}

/**
 * A holder is dead when it ran on this host and its process is gone (another host's pid cannot be checked).
 * With `/proc` (Linux) a zombie counts as dead, and so does a live process whose start time is not the
 * holder's: the pid was reused. Locks written without a start time are compared with the time the lock was
 * taken (a process started after it cannot be its holder). Elsewhere only "the pid exists" is known.
 */
export function isDead(holder: LockInfo): boolean {
  if (holder.host !== undefined && holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return false;
  const proc = readProcStat(holder.pid);
  // proc === null: not in /proc, which may hide other users' processes (hidepid): kill(0) below decides
  if (proc) {
    if (proc.state === 'Z' || proc.state === 'X') return true;
    if (holder.procStart !== undefined) return holder.procStart !== proc.start;
    const lockedAt = Date.parse(holder.startedAt);
    const started = procStartMs(proc.start);
    // 2 s of slack: the boot time is known to the second, the start time to the clock tick
    return started !== undefined && Number.isFinite(lockedAt) && started > lockedAt + 2000;
  }
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * State and start time of a process from `/proc/<pid>/stat`: null when /proc exists but the pid does not,
 * undefined without /proc (not Linux). The name field may hold spaces and parentheses: fields are counted
 * after its last ')'.
 */
export function readProcStat(pid: number): { state: string; start: string } | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    return fs.existsSync('/proc/self/stat') ? null : undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19]
  const state = fields[0];
  const start = fields[19];
  return state && start ? { state, start } : undefined;
}

/** Clock ticks per second of /proc times: 100 on every Linux build in use (USER_HZ). */
const USER_HZ = 100;

/** A /proc start time (ticks since boot) as ms since the epoch, from the boot time in /proc/stat. */
function procStartMs(ticks: string): number | undefined {
  try {
    const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1];
    return btime === undefined ? undefined : Number(btime) * 1000 + (Number(ticks) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

function isOldGarbage(file: string): boolean {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st !== undefined && Date.now() - st.mtimeMs > GARBAGE_GRACE_MS;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function describeHolder(holder: LockInfo | null): string {
  return holder ? `pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}` : 'an unknown process';
}

function lockedError(file: string, holder: LockInfo | null, what: string): LockedError {
  return new LockedError(
    `another cloudsync command holds the lock of ${what} (${describeHolder(holder)})`,
    `wait for it to finish and retry; if no cloudsync is running, remove ${file}`,
  );
}
