import fs, { type Dirent } from 'node:fs';
import path from 'node:path';
import type { RemoteNode, SkippedEntry } from '../types.js';
import { errnoOf } from './errno.js';
import { toSpecPath } from './names.js';
import { nodeFromStat } from './node-stat.js';
import { lstatNs, type StatNs } from './stat-ns.js';
import { isPidAlive, type TempNames } from './temp-files.js';
import { runQueue } from '../../work-queue.js';

/** Directories listed at the same time. */
const DIR_WORKERS = 4;

/**
 * Reads a directory; injectable so tests can simulate EACCES even when running as root. Names may come as
 * bytes: a name that is not UTF-8 (old Latin-1 shares) must not turn into a lookalike that names nothing.
 */
export type ReadDir = (dir: string) => Promise<Array<Dirent | Dirent<Buffer>>>;

/**
 * Default ReadDir: the real file system. Names are read as text (a Buffer per name costs more than the lstat
 * that follows); only a folder where one decodes with U+FFFD (not UTF-8, or a real U+FFFD) is read again as
 * bytes, so such a name keeps its bytes. Synchronous underneath: with a warm cache the thread-pool round trip
 * of the async form costs more than the readdir itself (issue 11: the async walk cost ~4x the CPU at 100k).
 */
export const realReadDir: ReadDir = async (dir) => readDirNow(dir);

/** realReadDir's work, synchronous (the compare walk calls it directly: no promise per folder). */
export function readDirNow(dir: string): Array<Dirent | Dirent<Buffer>> {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  for (const d of entries)
    if (d.name.includes('\uFFFD')) return fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  return entries;
}

/** A name as text, and whether it is valid UTF-8 (else its bytes are shown as \xNN escapes). */
export function decodeName(raw: string | Buffer): { name: string; valid: boolean } {
  if (typeof raw === 'string') return { name: raw, valid: true };
  const name = raw.toString('utf8');
  if (Buffer.from(name, 'utf8').equals(raw)) return { name, valid: true };
  let shown = '';
  for (const b of raw)
    shown +=
      b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return { name: shown, valid: false };
}

/** What a walk needs from its connector. */
export interface WalkContext {
  root: string;
  temps: TempNames;
  readDir: ReadDir;
  /** Called for every node seen, so the connector can index id → absolute path. */
  remember(id: string, abs: string): void;
  /** As remember, for a file: entry `name` of the folder at `dirAbs` (kept as those two, node-index.ts). */
  rememberFile?(id: string, dirAbs: string, name: string): void;
  /** True for the folder that is cloudsync's own home: skipped, never a member (issue 9 class 7). */
  isOwnHome?: (st: StatNs) => boolean;
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
  await runQueue(queue, DIR_WORKERS, ([abs, id]) => listOne(ctx, abs, id, recursive, out, queue, pidAlive));
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
  const entries = await readDirOrSkip(ctx, dirAbs, dirId, out);
  if (entries === undefined) return;
  const wanted: string[] = [];
  for (const d of entries) {
    const { name, valid } = decodeName(d.name);
    if (!valid) {
      invalidOne(ctx, dirAbs, dirId, d.name as Buffer, name, out);
      continue;
    }
    const tempPid = ctx.temps.pidOf(name);
    if (tempPid !== undefined) {
      removeIfStale(path.join(dirAbs, name), tempPid, pidAlive);
      continue;
    }
    if (d.isFile() || d.isDirectory()) wanted.push(name);
    else {
      const reason = d.isSymbolicLink() ? 'symlink' : 'special file';
      out.skipped.push({ path: toSpecPath(ctx.root, path.join(dirAbs, name)), reason, parentId: dirId });
    }
  }
  for (const name of wanted) statOne(ctx, dirAbs, dirId, name, recursive, out, queue);
}

/** Read a folder; unreadable (or vanished mid-walk) it is skipped: what was below it is unknown, never "deleted". */
export async function readDirOrSkip(
  ctx: WalkContext,
  dirAbs: string,
  dirId: string,
  out: WalkResult,
): Promise<Array<Dirent | Dirent<Buffer>> | undefined> {
  try {
    return await ctx.readDir(dirAbs);
  } catch (err) {
    return skipUnreadable(ctx, dirAbs, dirId, out, err);
  }
}

/** readDirOrSkip with the real file system, synchronous. */
export function readDirNowOrSkip(
  ctx: WalkContext,
  dirAbs: string,
  dirId: string,
  out: WalkResult,
): Array<Dirent | Dirent<Buffer>> | undefined {
  try {
    return readDirNow(dirAbs);
  } catch (err) {
    return skipUnreadable(ctx, dirAbs, dirId, out, err);
  }
}

function skipUnreadable(
  ctx: WalkContext,
  dirAbs: string,
  dirId: string,
  out: WalkResult,
  err: unknown,
): undefined {
  const reason = errnoOf(err) === 'ENOENT' ? 'vanished while listing' : 'unreadable folder';
  out.skipped.push({ path: toSpecPath(ctx.root, dirAbs), reason, unreadableFolderId: dirId });
  return undefined;
}

/**
 * lstat an entry a directory read named, as both walks do: gone meanwhile is simply not there; one that
 * cannot be read, is (by now) neither a file nor a folder, or is cloudsync's own home is skipped, visibly.
 */
export function statEntry(ctx: WalkContext, abs: string, dirId: string, out: WalkResult): StatNs | undefined {
  let st: StatNs | undefined;
  try {
    st = lstatNs(abs, true); // numbers only (stat-ns.ts); throws as fs.lstatSync does
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined; // deleted between readdir and lstat: simply not there
    out.skipped.push({
      path: toSpecPath(ctx.root, abs),
      reason: `cannot stat (${errnoOf(err) ?? 'error'})`,
      parentId: dirId,
    });
    return undefined;
  }
  if (st === undefined) return undefined; // gone by a second look (stat-ns.ts's first-call check)
  // Re-check the type: the entry may have been replaced between readdir and lstat.
  if (!st.isFile() && !st.isDirectory()) {
    out.skipped.push({
      path: toSpecPath(ctx.root, abs),
      reason: st.isSymbolicLink() ? 'symlink' : 'special file',
      parentId: dirId,
    });
    return undefined;
  }
  if (ctx.isOwnHome !== undefined && st.isDirectory() && ctx.isOwnHome(st)) {
    out.skipped.push({ path: toSpecPath(ctx.root, abs), reason: "cloudsync's own home" });
    return undefined;
  }
  return st;
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
  const abs = joinName(dirAbs, name);
  const st = statEntry(ctx, abs, dirId, out);
  if (st === undefined) return;
  const node = nodeFromStat(st, name, dirId);
  if (node.kind === 'file' && ctx.rememberFile) ctx.rememberFile(node.id, dirAbs, name);
  else ctx.remember(node.id, abs);
  out.nodes.push(node);
  if (recursive && node.kind === 'folder') queue.push([abs, node.id]);
}

/** `dir/name` for a name read from `dir` (never '.', '..' or with a separator): path.join without normalising. */
export function joinName(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

/**
 * An entry whose name is not UTF-8: listed with `invalidName` (so a synced file renamed to such a name is seen
 * renamed, never deleted; the engine fails it INVALID_NAME), never descended into (what is below is unknown).
 */
export function invalidOne(
  ctx: WalkContext,
  dirAbs: string,
  dirId: string,
  raw: Buffer,
  shown: string,
  out: WalkResult,
): void {
  let st: fs.BigIntStats;
  try {
    st = fs.lstatSync(Buffer.concat([Buffer.from(`${dirAbs}${path.sep}`), raw]), { bigint: true });
  } catch {
    out.skipped.push({
      path: toSpecPath(ctx.root, path.join(dirAbs, shown)),
      reason: 'name is not UTF-8',
      parentId: dirId,
    });
    return;
  }
  if (!st.isFile() && !st.isDirectory()) return;
  const node = { ...nodeFromStat(st, shown, dirId), invalidName: true };
  out.nodes.push(node);
  if (node.kind === 'folder')
    out.skipped.push({
      path: toSpecPath(ctx.root, path.join(dirAbs, shown)),
      reason: 'name is not UTF-8',
      unreadableFolderId: node.id,
      parentId: dirId,
    });
}

/** Remove a temp file left by a process that no longer exists (best effort, never fails a listing). */
export function removeIfStale(abs: string, pid: number, cache: Map<number, boolean>): void {
  let alive = cache.get(pid);
  if (alive === undefined) cache.set(pid, (alive = isPidAlive(pid)));
  if (!alive) fs.promises.unlink(abs).catch(() => undefined);
}
