import type { StatNs } from './stat-ns.js';
import type { RemoteNode } from '../types.js';

/**
 * Node identity from a bigint stat: device + inode + birth time, stable across rename and move on one file
 * system. The birth time matters: ext4 hands a freed inode straight to the next new file, and without it a
 * new file would inherit the identity (and pairing) of one just deleted. Where the file system records no
 * birth time it is 0 and identity is device + inode alone.
 */
export function idOf(st: StatNs): string {
  // join, not a template: a template of this length is a chain of cons strings (~130 B more per id, held for
  // every node of a listing and every member: ~14 MB at 100k files); join makes one flat string.
  return st.birthtimeNs > 0n ? [st.dev, st.ino, st.birthtimeNs].join(':') : [st.dev, st.ino].join(':');
}

/**
 * Build the RemoteNode for a stat. The token is size + mtime in ns and deliberately leaves ctime out: a
 * chmod (our lock) or a rename changes ctime, and neither must look like a content change.
 */
export function nodeFromStat(st: StatNs, name: string, parentId: string | null): RemoteNode {
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
    token: isDir ? ['dir', st.mtimeNs].join(':') : [size, st.mtimeNs].join(':'), // flat strings, as idOf
    // Locking (SPEC §3, local) means "no owner write bit"; folders are never locked.
    locked: isDir ? false : (Number(st.mode) & 0o200) === 0,
    mode: Number(st.mode) & 0o777,
  };
}
