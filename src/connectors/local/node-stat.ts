import type { BigIntStats } from 'node:fs';
import type { RemoteNode } from '../types.js';

/** Node identity from a bigint stat: device + inode, stable across rename and move on one file system. */
export function idOf(st: BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * Build the RemoteNode for a stat. The token is size + mtime in ns and deliberately leaves ctime out: a
 * chmod (our lock) or a rename changes ctime, and neither must look like a content change.
 */
export function nodeFromStat(st: BigIntStats, name: string, parentId: string | null): RemoteNode {
  const isDir = st.isDirectory();
  const size = isDir ? 0 : Number(st.size);
  return {
    id: idOf(st),
    name,
    kind: isDir ? 'folder' : 'file',
    parentId,
    size,
    // Rounded, not truncated: utimes() goes through a double and may store 678 ms as 677.999999 ms.
    mtimeMs: Number((st.mtimeNs + 500_000n) / 1_000_000n),
    token: isDir ? `dir:${st.mtimeNs}` : `${size}:${st.mtimeNs}`,
    // Locking (SPEC §3, local) means "no owner write bit"; folders are never locked.
    locked: isDir ? false : (Number(st.mode) & 0o200) === 0,
  };
}
