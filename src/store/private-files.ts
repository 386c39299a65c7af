// Every file cloudsync writes under its home goes through here: unpredictable temp names created O_EXCL,
// O_NOFOLLOW opens, and a check that what we append to is a plain file of ours. A symlink or hard link
// planted at any of these names (by another user, or left from a time the home was not private) is never
// followed: the write is refused instead.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

const C = fs.constants;
/** O_NOFOLLOW where the platform has it (not on Windows, where symlinks need privileges to plant). */
const NOFOLLOW = C.O_NOFOLLOW ?? 0;
/** Flags of a fresh private file: never an existing one, never through a link. */
const CREATE_NEW = C.O_WRONLY | C.O_CREAT | C.O_EXCL | NOFOLLOW;

/** Our effective uid, or undefined where the platform has none (Windows): ownership is then not checked. */
export const myUid = (): number | undefined => process.geteuid?.();

/** The error for a name cloudsync writes that holds something it must not write through (exit 2). */
export function unsafeFile(file: string, why: string): UsageError {
  return new UsageError(
    `refusing to write ${file}: ${why}`,
    `cloudsync never writes through a link or into a file it does not own; remove ${file} (after checking who put it there) and retry`,
    'UNSAFE_FILE',
  );
}

/** A fresh temp name beside `file`: hidden, 64 random bits, so nobody can plant something there in advance. */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
}

function explainOpenError(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return unsafeFile(file, 'it is a symbolic link');
  return err;
}

/** Throw unless the open file is a regular file owned by us with no other name (nlink 1). */
export function assertOwnRegularFile(fd: number, file: string): void {
  const st = fs.fstatSync(fd);
  const uid = myUid();
  if (!st.isFile()) throw unsafeFile(file, 'it is not a regular file');
  if (uid !== undefined && st.uid !== uid) throw unsafeFile(file, `it is owned by uid ${st.uid}, not by us`);
  if (st.nlink > 1) throw unsafeFile(file, `it has ${st.nlink} names (a hard link)`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) fs.fchmodSync(fd, st.mode & 0o700);
}

/**
 * Open `file` for appending (journal, log): O_APPEND|O_NOFOLLOW, created 0600, then checked to be a plain
 * file of ours. `read` also opens it for reading (the journal trims a torn tail through the same descriptor).
 */
export function openPrivateAppend(file: string, opts: { read?: boolean } = {}): number {
  const flags = (opts.read ? C.O_RDWR : C.O_WRONLY) | C.O_APPEND | C.O_CREAT | NOFOLLOW;
  let fd: number;
  try {
    fd = fs.openSync(file, flags, 0o600);
  } catch (err) {
    throw explainOpenError(err, file);
  }
  try {
    assertOwnRegularFile(fd, file);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
}

/**
 * Write `data` to `file` atomically and privately: a fresh O_EXCL temp file (mode `mode`, exact whatever the
 * umask), fsync, rename over `file`. rename() replaces a symlink at `file` itself, never its target.
 * `durable: false` skips the fsync, for a file whose loss is harmless: after a power cut it may hold its old
 * content, or (on some file systems) none.
 */
export function writePrivateFileSync(
  file: string,
  data: string | Uint8Array,
  mode = 0o600,
  opts: { durable?: boolean } = {},
): void {
  const tmp = tempNameFor(file);
  let fd: number;
  try {
    fd = fs.openSync(tmp, CREATE_NEW, mode);
  } catch (err) {
    throw explainOpenError(err, tmp);
  }
  try {
    try {
      fs.writeFileSync(fd, data);
      fs.fchmodSync(fd, mode);
      if (opts.durable !== false) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The asynchronous writePrivateFileSync, for large files (state snapshots): `data` may come in pieces, each
 * written as it comes (never all of it held at once).
 */
export async function writePrivateFile(
  file: string,
  data: string | Uint8Array | Iterable<string | Uint8Array>,
  mode = 0o600,
): Promise<void> {
  const tmp = tempNameFor(file);
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(tmp, CREATE_NEW, mode);
  } catch (err) {
    throw explainOpenError(err, tmp);
  }
  try {
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await fh.writeFile(data);
      else for (const piece of data) await fh.writeFile(piece); // from the current position, whole
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

/** Open a new file for writing that must not exist yet (backups): O_EXCL|O_NOFOLLOW, exact `mode`. */
export function createPrivateFile(file: string, mode = 0o600): number {
  try {
    const fd = fs.openSync(file, CREATE_NEW, mode);
    fs.fchmodSync(fd, mode);
    return fd;
  } catch (err) {
    throw explainOpenError(err, file);
  }
}

/**
 * Make `base/segments…` a chain of real directories of ours, creating what is missing 0700. An existing
 * segment that is a symlink, not a directory or someone else's is refused, so nothing below it is written.
 */
export function ensurePrivateDir(base: string, ...segments: string[]): string {
  // lstat first: every lock, owner record and state write asks, and the folders exist nearly always (a mkdir
  // that fails with EEXIST costs a system call and a thrown error per level).
  let dir = base;
  const seen = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (seen === undefined) checkDir(dir, fs.mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined);
  else checkDir(dir, false, seen);
  for (const seg of segments) {
    dir = path.join(dir, seg);
    const st = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (st !== undefined) {
      checkDir(dir, false, st);
      continue;
    }
    let created = true;
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      created = false;
    }
    checkDir(dir, created);
  }
  return dir;
}

function checkDir(dir: string, created: boolean, seen?: fs.Stats): void {
  const st = seen ?? fs.lstatSync(dir);
  const uid = myUid();
  if (st.isSymbolicLink()) throw unsafeFile(dir, 'it is a symbolic link');
  if (!st.isDirectory()) throw unsafeFile(dir, 'it is not a directory');
  if (uid !== undefined && st.uid !== uid && st.uid !== 0)
    throw unsafeFile(dir, `it is owned by uid ${st.uid}, not by us`);
  // mkdir's mode went through the umask, which may only narrow it; make new folders exactly 0700
  if (created && process.platform !== 'win32' && (st.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
}

/**
 * Read a file cloudsync keeps under its home (config, credentials) without following a symlink planted at
 * its name; null when it does not exist.
 */
export function readPrivateFile(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, C.O_RDONLY | NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw unsafeFile(file, 'it is a symbolic link');
    throw err;
  }
  try {
    assertOwnRegularFile(fd, file);
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}
