import fs, { type Dirent } from 'node:fs';
import path from 'node:path';
import type { RemoteNode, SkippedEntry } from '../types.js';
import { errnoOf } from './errno.js';
import { toSpecPath } from './names.js';
import { nodeFromStat } from './node-stat.js';
import { isPidAlive, type TempNames } from './temp-files.js';

/** Directories listed at the same time. */
const DIR_WORKERS = 4;

/** Reads a directory; injectable so tests can simulate EACCES even when running as root. */
export type ReadDir = (dir: string) => Promise<Dirent[]>;

/** Default ReadDir: the real file system. */
export const realReadDir: ReadDir = (dir) => fs.promises.readdir(dir, { withFileTypes: true });

/** What a walk needs from its connector. */
export interface WalkContext {
  root: string;
  temps: TempNames;
  readDir: ReadDir;
  /** Called for every node seen, so the connector can index id → absolute path. */
  remember(id: string, abs: string): void;
}

/** Result of walking below one folder (the folder itself excluded). */
export interface WalkResult {
  nodes: RemoteNode[];
  skipped: SkippedEntry[];
}

/**
 * List everything below `dirAbs` (whose id is `dirId`). Directories are read by a few workers at once; each
 * directory's entries are then lstat-ed synchronously (see statOne), which keeps a no-change pass over many
 * files fast.
 */
export async function walkFolder(
  ctx: WalkContext,
  dirAbs: string,
  dirId: string,
  recursive: boolean,
): Promise<WalkResult> {
  const out: WalkResult = { nodes: [], skipped: [] };
  const queue: Array<[string, string]> = [[dirAbs, dirId]];
  const pidAlive = new Map<number, boolean>();
  let active = 0;
  let failure: unknown;

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (failure === undefined && active < DIR_WORKERS && queue.length > 0) {
        const [abs, id] = queue.shift()!;
        active++;
        listOne(ctx, abs, id, recursive, out, queue, pidAlive)
          .catch((err: unknown) => (failure ??= err))
          .finally(() => {
            active--;
            pump();
          });
      }
      if (active === 0) resolve();
    };
    pump();
  });
  if (failure !== undefined) throw failure;
  return out;
}

/** List one directory's entries into `out`; subfolders go on `queue` when recursive. */
async function listOne(
  ctx: WalkContext,
  dirAbs: string,
  dirId: string,
  recursive: boolean,
  out: WalkResult,
  queue: Array<[string, string]>,
  pidAlive: Map<number, boolean>,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await ctx.readDir(dirAbs);
  } catch (err) {
    // Unreadable (or vanished mid-walk): what we knew below it is unknown, never "deleted".
    const reason = errnoOf(err) === 'ENOENT' ? 'vanished while listing' : 'unreadable folder';
    out.skipped.push({ path: toSpecPath(ctx.root, dirAbs), reason, unreadableFolderId: dirId });
    return;
  }
  const wanted: Dirent[] = [];
  for (const d of entries) {
    const tempPid = ctx.temps.pidOf(d.name);
    if (tempPid !== undefined) {
      removeIfStale(path.join(dirAbs, d.name), tempPid, pidAlive);
      continue;
    }
    if (d.isFile() || d.isDirectory()) wanted.push(d);
    else {
      const reason = d.isSymbolicLink() ? 'symlink' : 'special file';
      out.skipped.push({ path: toSpecPath(ctx.root, path.join(dirAbs, d.name)), reason, parentId: dirId });
    }
  }
  for (const d of wanted) statOne(ctx, dirAbs, dirId, d.name, recursive, out, queue);
}

/**
 * lstat one entry. Synchronous on purpose: with a warm cache an lstat is a few microseconds, and the
 * thread-pool round trip of the async form cost twice the whole walk (measured: 10,000 files in ~100 ms
 * against ~230 ms).
 */
function statOne(
  ctx: WalkContext,
  dirAbs: string,
  dirId: string,
  name: string,
  recursive: boolean,
  out: WalkResult,
  queue: Array<[string, string]>,
): void {
  const abs = path.join(dirAbs, name);
  let st: fs.BigIntStats;
  try {
    st = fs.lstatSync(abs, { bigint: true });
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return; // deleted between readdir and lstat: simply not there
    out.skipped.push({
      path: toSpecPath(ctx.root, abs),
      reason: `cannot stat (${errnoOf(err) ?? 'error'})`,
      parentId: dirId,
    });
    return;
  }
  // Re-check the type: the entry may have been replaced between readdir and lstat.
  if (!st.isFile() && !st.isDirectory()) {
    out.skipped.push({
      path: toSpecPath(ctx.root, abs),
      reason: st.isSymbolicLink() ? 'symlink' : 'special file',
      parentId: dirId,
    });
    return;
  }
  const node = nodeFromStat(st, name, dirId);
  ctx.remember(node.id, abs);
  out.nodes.push(node);
  if (recursive && node.kind === 'folder') queue.push([abs, node.id]);
}

/** Remove a temp file left by a process that no longer exists (best effort, never fails a listing). */
function removeIfStale(abs: string, pid: number, cache: Map<number, boolean>): void {
  let alive = cache.get(pid);
  if (alive === undefined) cache.set(pid, (alive = isPidAlive(pid)));
  if (!alive) fs.promises.unlink(abs).catch(() => undefined);
}
