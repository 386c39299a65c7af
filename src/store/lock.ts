import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockedError } from '../errors.js';
import { ensurePrivateDir } from './private-files.js';

/** What a profile lock file holds: enough to tell a live holder from a stale one, and to tell the user. */
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

/** A held profile lock. */
export interface ProfileLock {
  /** Remove the lock file if it is still ours. */
  release(): Promise<void>;
}

/** An unparseable lock file younger than this may be one being written: treat it as held, not garbage. */
const GARBAGE_GRACE_MS = 2000;

/**
 * Take the lock of one profile (`<home>/state/<profile>/.lock`): one pass per profile at a time (SPEC §4).
 * A lock held by a live process is waited for up to `waitMs`, then LockedError (exit 6). A lock of a dead
 * process (or garbage) is taken over; two processes racing for the same stale lock cannot both win.
 */
export async function acquireProfileLock(
  home: string,
  profile: string,
  opts: { waitMs?: number; pollMs?: number } = {},
): Promise<ProfileLock> {
  const waitMs = opts.waitMs ?? 2000;
  const pollMs = opts.pollMs ?? 100;
  const dir = path.join(home, 'state', profile);
  const file = path.join(dir, '.lock');
  ensurePrivateDir(home, 'state', profile);
  const mine = JSON.stringify({
    pid: process.pid,
    startedAt: new Date().toISOString(),
    host: os.hostname(),
    procStart: readProcStat(process.pid)?.start,
  });
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await createExclusive(file, mine)) return holdLock(file, mine);
    const current = await readText(file);
    if (current !== null) {
      const holder = parseLock(current);
      const stale = holder ? isDead(holder) : await isOldGarbage(file);
      if (stale && (await takeOver(file, current, mine))) return holdLock(file, mine);
      if (Date.now() >= deadline) throw lockedError(file, holder);
    }
    await new Promise((r) => setTimeout(r, current === null ? 0 : pollMs));
  }
}

/**
 * Create the lock with its full content in one step: write a private temp file, then link() it to the lock
 * name, which fails with EEXIST when the lock exists (O_EXCL semantics). Unlike open('wx') + write, nobody
 * ever sees an empty lock file that could be mistaken for garbage.
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
  // 'wx': O_EXCL, so a symlink planted at the name fails the create instead of being followed
  await fs.promises.writeFile(tmp, content, { flag: 'wx', mode: 0o600 });
  try {
    await fs.promises.link(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
      // no hard links on this file system: plain O_EXCL create
      try {
        await fs.promises.writeFile(file, content, { flag: 'wx', mode: 0o600 });
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    throw err;
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

/**
 * Replace the stale lock `staleText` by ours. Takers first claim this very stale lock with an O_EXCL claim
 * file named after its content, so exactly one of them replaces it; a claimer that died is itself taken over
 * by a claim one level deeper. The winner re-reads the lock to check it is still the stale one, then renames
 * its own lock over it. Returns false when someone else is taking over (the caller goes on waiting).
 */
async function takeOver(file: string, staleText: string, mine: string): Promise<boolean> {
  let claim = `${file}.takeover-${createHash('sha256').update(staleText).digest('hex').slice(0, 16)}`;
  const claimText = JSON.stringify({
    pid: process.pid,
    host: os.hostname(),
    procStart: readProcStat(process.pid)?.start,
  });
  for (;;) {
    try {
      await fs.promises.writeFile(claim, claimText, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const claimer = parseLock((await readText(claim)) ?? '');
      // an unreadable claim may be one still being written: only an old one counts as abandoned
      if (claimer ? !isDead(claimer) : !(await isOldGarbage(claim))) return false;
      claim = `${claim}-${claimer?.pid ?? 'x'}`;
    }
  }
  try {
    if ((await readText(file)) !== staleText) return false;
    const tmp = `${file}.${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
    await fs.promises.writeFile(tmp, mine, { flag: 'wx', mode: 0o600 });
    await fs.promises.rename(tmp, file);
    return (await readText(file)) === mine;
  } finally {
    await fs.promises.rm(claim, { force: true });
  }
}

/** The held lock: release() and a synchronous best-effort release when the process exits. */
function holdLock(file: string, mine: string): ProfileLock {
  const releaseSync = (): void => {
    try {
      if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
    } catch {
      // already gone: nothing to release
    }
  };
  process.on('exit', releaseSync);
  return {
    async release() {
      process.off('exit', releaseSync);
      if ((await readText(file)) === mine) await fs.promises.rm(file, { force: true });
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

async function isOldGarbage(file: string): Promise<boolean> {
  const st = await fs.promises.stat(file).catch(() => null);
  return st !== null && Date.now() - st.mtimeMs > GARBAGE_GRACE_MS;
}

async function readText(file: string): Promise<string | null> {
  return fs.promises.readFile(file, 'utf8').catch(() => null);
}

function lockedError(file: string, holder: LockInfo | null): LockedError {
  const who = holder
    ? `pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}`
    : 'an unknown process';
  return new LockedError(
    `another cloudsync pass holds the lock of this profile (${who})`,
    `wait for it to finish and retry; if no cloudsync is running, remove ${file}`,
  );
}
