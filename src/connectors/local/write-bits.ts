import fs from 'node:fs';

/**
 * Lock a file the local way (SPEC §3): remove every write bit. Returns whether the owner could write before,
 * so the caller knows if this call made the lock (only such locks are released on unsync). Folders are never
 * locked: a read-only folder would stop the user (and cloudsync) from creating anything in it.
 */
export async function removeWriteBits(abs: string): Promise<boolean> {
  const st = await fs.promises.lstat(abs);
  if (!st.isFile()) return false;
  if ((st.mode & 0o222) !== 0) await fs.promises.chmod(abs, st.mode & 0o7777 & ~0o222);
  return (st.mode & 0o200) !== 0;
}

/** Unlock: give back the write bits a new file would get under the process umask, at least the owner's. */
export async function restoreWriteBits(abs: string): Promise<void> {
  const st = await fs.promises.lstat(abs);
  if (!st.isFile()) return;
  const writeBits = (0o666 & ~process.umask() & 0o222) | 0o200;
  await fs.promises.chmod(abs, (st.mode & 0o7777) | writeBits);
}
