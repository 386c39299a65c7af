// Deterministic test trees for the benchmark: N files in nested folders (10-30 files per folder), a
// realistic size mix (most small, a few up to 3 MiB, a few empty) plus one ~50 MiB file, a folder holding
// exactly 500 files for the rename pass, and the 1% edits applied to each side for the incremental pass.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { bytesFor, prng } from './util.js';

export interface FileSpec {
  rel: string;
  size: number;
  seed: number;
  /** mtime in seconds since the epoch. */
  mtime: number;
}

export interface TreeSpec {
  files: FileSpec[];
  /** Every folder, root-relative, parents first. */
  dirs: string[];
  /** The folder holding exactly RENAME_FILES files (in subfolders) renamed by the rename pass. */
  renameDir: string;
  renameTo: string;
  totalBytes: number;
}

export const RENAME_FILES = 500;
export const BIG_FILE_BYTES = 50 * 1024 * 1024;
const EXT = ['.txt', '.docx', '.pdf', '.png', '.csv', '.md', '.xlsx', '.jpg', '.json', '.pptx'];
const FANOUT = 6;

/** Size mix (mean ~10 KB): 3% empty, 68% 50 B-4 KiB, 25.5% 4-32 KiB, 3.3% 32-256 KiB, 0.2% 256 KiB-3 MiB (log-uniform inside each band). */
function pickSize(r: () => number): number {
  const u = r();
  const logUniform = (lo: number, hi: number): number =>
    Math.round(Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo))));
  if (u < 0.03) return 0;
  if (u < 0.71) return logUniform(50, 4096);
  if (u < 0.965) return logUniform(4096, 32 * 1024);
  if (u < 0.998) return logUniform(32 * 1024, 256 * 1024);
  return logUniform(256 * 1024, 3 * 1024 * 1024);
}

/** The layout of a tree of `count` files (count includes the big file and the 500-file rename folder). */
export function planTree(count: number, seed: number): TreeSpec {
  const r = prng(seed);
  const files: FileSpec[] = [];
  const dirs: string[] = [];
  const baseTime = Date.UTC(2024, 0, 1) / 1000;
  let n = 0;
  const addFile = (dir: string, size: number): void => {
    const ext = EXT[Math.floor(r() * EXT.length)]!;
    const rel = `${dir}/doc-${String(n).padStart(6, '0')}${ext}`;
    files.push({
      rel,
      size,
      seed: (seed * 1_000_003 + n) >>> 0,
      mtime: baseTime - Math.floor(r() * 86400 * 365),
    });
    n++;
  };
  // The rename folder: 20 subfolders x 25 files.
  const renameDir = 'projects/archive-2019';
  dirs.push('projects', renameDir);
  for (let p = 0; p < 20; p++) {
    const d = `${renameDir}/part-${String(p).padStart(2, '0')}`;
    dirs.push(d);
    for (let i = 0; i < RENAME_FILES / 20; i++) addFile(d, pickSize(r));
  }
  // The big file.
  dirs.push('media');
  files.push({ rel: 'media/big-video.bin', size: BIG_FILE_BYTES, seed: seed ^ 0xb16, mtime: baseTime });
  n++;
  // Everything else: folders in a FANOUT-ary tree, each holding 10-30 files.
  const folderPaths: string[] = [];
  let k = 0;
  while (n < count) {
    const parent = k < FANOUT ? 'data' : folderPaths[Math.floor(k / FANOUT) - 1]!;
    if (k === 0) dirs.push('data');
    const p = `${parent}/folder-${String(k).padStart(5, '0')}`;
    folderPaths.push(p);
    dirs.push(p);
    const want = Math.min(10 + Math.floor(r() * 21), count - n);
    for (let i = 0; i < want; i++) addFile(p, pickSize(r));
    k++;
  }
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  return { files, dirs, renameDir, renameTo: 'projects/archive-2019-renamed', totalBytes };
}

/** Write the tree under root (root must not exist or be empty). Bounded parallelism. */
export async function writeTree(root: string, spec: TreeSpec): Promise<void> {
  await fsp.mkdir(root, { recursive: true });
  for (const d of spec.dirs) await fsp.mkdir(path.join(root, d), { recursive: true });
  const LIMIT = 16;
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < spec.files.length) {
      const f = spec.files[i++]!;
      const p = path.join(root, f.rel);
      await fsp.writeFile(p, f.size ? bytesFor(f.seed, f.size) : Buffer.alloc(0));
      await fsp.utimes(p, f.mtime, f.mtime);
    }
  };
  await Promise.all(Array.from({ length: LIMIT }, worker));
  // Folder mtimes too, so every copy of the tree starts identical.
  for (const d of [...spec.dirs].reverse())
    await fsp.utimes(path.join(root, d), 1_700_000_000, 1_700_000_000);
}

export interface Edit {
  side: 'a' | 'b';
  rel: string;
  size: number;
  seed: number;
}

/** 1% of the files edited on each side (disjoint, so no conflicts), the big file excluded; same for every tool. */
export function planEdits(spec: TreeSpec, seed: number): Edit[] {
  const r = prng(seed ^ 0xed17);
  const candidates = spec.files.filter((f) => f.size < BIG_FILE_BYTES);
  const per = Math.max(1, Math.round(spec.files.length * 0.01));
  const chosen = new Set<number>();
  const edits: Edit[] = [];
  for (const side of ['a', 'b'] as const) {
    let guard = 0;
    let made = 0;
    while (made < per && guard++ < candidates.length * 10) {
      const idx = Math.floor(r() * candidates.length);
      if (chosen.has(idx)) continue;
      chosen.add(idx);
      const f = candidates[idx]!;
      // 60% keep the size (content changes only), 40% grow by 1-20%+1 byte.
      const size = r() < 0.6 ? f.size : Math.floor(f.size * (1.01 + r() * 0.19)) + 1;
      edits.push({ side, rel: f.rel, size, seed: (f.seed ^ 0x5eed) >>> 0 });
      made++;
    }
  }
  return edits;
}

/** Apply the edits: A-side edits under aRoot, B-side edits under bRoot (in place: same inode, new bytes). */
export async function applyEdits(aRoot: string, bRoot: string, edits: Edit[]): Promise<void> {
  for (const e of edits) {
    const p = path.join(e.side === 'a' ? aRoot : bRoot, e.rel);
    await fsp.writeFile(p, bytesFor(e.seed, e.size));
  }
}

export function editContent(e: Edit): Buffer {
  return bytesFor(e.seed, e.size);
}
