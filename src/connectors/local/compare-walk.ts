// The walk of a no-change pass (issue 11): each entry is lstat-ed and compared with the entry the state
// recorded at the same place (parent folder, name) as the walk reads it. An entry seen exactly as recorded
// costs one lstat, one compare and one bit (a file: a number lstat compared on numbers, no string made); a node (with its id and token strings) is built only for what is
// new, changed, moved or renamed. Every guarantee of the listing walk holds: links are never followed, a name
// that is not UTF-8 is listed as such, temp files are cleaned up, cloudsync's own home is skipped.
import type { Dirent } from 'node:fs';
import path from 'node:path';
import type { RecordedTree, RemoteNode, TreeDelta } from '../types.js';
import { toSpecPath } from './names.js';
import { FolderCwd } from './folder-cwd.js';
import { idOf, nodeFromStat } from './node-stat.js';
import { RawLstat, type LstatNumbers } from './raw-lstat.js';
import type { StatNs } from './stat-ns.js';
import {
  decodeName,
  invalidOne,
  joinName,
  readDirNowOrSkip,
  readDirOrSkip,
  realReadDir,
  removeIfStale,
  statEntry,
  type WalkContext,
  type WalkResult,
} from './walk.js';

/** Where the walk saw each recorded entry, so a later lookup by id finds it without walking again. */
export interface ComparePlaces {
  recorded: RecordedTree;
  /** Absolute path of every folder walked, by number. */
  dirs: string[];
  /** Per recorded entry seen as recorded (`same`): the number of its folder in `dirs`. */
  dirOf: Int32Array;
  same: Uint8Array;
}

/** A file's token (local-connector.ts): size + mtime in ns. */
function fileToken(st: StatNs): string {
  return `${st.size}:${st.mtimeNs}`;
}

let raw: RawLstat | undefined;

/**
 * A number lstat (its object reused by the next call); undefined when the entry is gone, null when it cannot
 * be read (statEntry then says why).
 */
function lstatNumbers(abs: string): LstatNumbers | undefined | null {
  try {
    return (raw ??= new RawLstat()).get(abs);
  } catch {
    return null;
  }
}

/**
 * The walk's order of entries, one number each (no array of mixed numbers and objects, grown by copying):
 * a recorded entry's number, or -1 - k for the k-th node of the walk's result (new or changed).
 */
class WalkOrder {
  #at: Int32Array;
  #length = 0;

  constructor(expected: number) {
    this.#at = new Int32Array(expected + 64);
  }

  push(x: number): void {
    if (this.#length === this.#at.length) {
      const more = new Int32Array(this.#at.length * 2);
      more.set(this.#at);
      this.#at = more;
    }
    this.#at[this.#length++] = x;
  }

  map<T>(f: (x: number) => T): T[] {
    const out: T[] = [];
    for (let k = 0; k < this.#length; k++) out.push(f(this.#at[k]!));
    return out;
  }
}

/** The node of a file seen exactly as recorded, as nodeFromStat would build it (same token, so same size/mtime). */
function recordedFile(recorded: RecordedTree, i: number, mode: number): RemoteNode {
  const r = recorded.node(i);
  const colon = r.token.indexOf(':');
  const size = Number(r.token.slice(0, colon));
  const mtimeNs = BigInt(r.token.slice(colon + 1));
  return {
    id: r.id,
    name: r.name,
    kind: 'file',
    parentId: r.parentId,
    size,
    mtimeMs: Number((mtimeNs + 500_000n) / 1_000_000n),
    token: r.token,
    locked: (mode & 0o200) === 0,
    mode: mode & 0o777,
  };
}

/** One folder's entries, compared (synchronous: the working folder is `dirAbs` when `inside`). */
function compareEntries(
  w: CompareWalk,
  entries: Array<Dirent | Dirent<Buffer>>,
  dirAbs: string,
  dirId: string,
  dirRel: string,
  dirNo: number,
  inside: boolean,
): void {
  const {
    ctx,
    recorded,
    n,
    recursive,
    byNumbers,
    same,
    modes,
    dirOf,
    folders,
    order,
    out,
    untracked,
    queue,
  } = w;
  for (const d of entries) {
    const { name, valid } = decodeName(d.name);
    if (!valid) {
      const before = out.nodes.length;
      invalidOne(ctx, dirAbs, dirId, d.name as Buffer, name, out);
      for (let k = before; k < out.nodes.length; k++) order.push(-1 - k);
      continue;
    }
    const tempPid = ctx.temps.pidOf(name);
    if (tempPid !== undefined) {
      removeIfStale(path.join(dirAbs, name), tempPid, w.pidAlive);
      continue;
    }
    if (!d.isFile() && !d.isDirectory()) {
      const reason = d.isSymbolicLink() ? 'symlink' : 'special file';
      out.skipped.push({ path: toSpecPath(ctx.root, joinName(dirAbs, name)), reason, parentId: dirId });
      continue;
    }
    const rel = recorded.needsPath ? (dirRel === '' ? name : `${dirRel}/${name}`) : '';
    if (recorded.ignored(name, d.isDirectory(), rel)) {
      untracked.add(dirId);
      continue;
    }
    // The state recorded a folder's entries together, mostly in the order a walk finds them: the entry
    // after the last one matched is usually this one, found without a lookup (were a place recorded
    // twice, never written so, the later record could be the one found: it is then the one whose entry
    // is there).
    const i = w.hint < n && recorded.isAt(w.hint, dirId, name) ? w.hint : recorded.find(dirId, name);
    if (i >= 0) w.hint = i + 1;
    if (byNumbers && i >= 0 && same[i] === 0 && d.isFile() && recorded.kind(i) === 'file') {
      // A file recorded here: one number lstat, compared with the record on numbers (no BigInt, no id or
      // token string). Not seen so, it is stat-ed again below exactly as before (a changed file only).
      const ns = lstatNumbers(inside ? name : joinName(dirAbs, name));
      if (ns === undefined) continue; // deleted between readdir and lstat: simply not there
      if (ns !== null && ns.isFile() && recorded.isSameFile!(i, ns)) {
        same[i] = 1;
        w.sameCount++;
        modes[i] = ns.mode & 0o7777;
        dirOf[i] = dirNo;
        order.push(i);
        continue;
      }
    }
    // Not seen as recorded (or a folder): its absolute path, made only here.
    const abs = joinName(dirAbs, name);
    const st = statEntry(ctx, abs, dirId, out);
    if (st === undefined) continue;
    const isDir = st.isDirectory();
    let id = '';
    if (
      i >= 0 &&
      same[i] === 0 &&
      recorded.kind(i) === (isDir ? 'folder' : 'file') &&
      recorded.isSame(i, (id = idOf(st)), isDir ? undefined : fileToken(st))
    ) {
      same[i] = 1;
      w.sameCount++;
      modes[i] = Number(st.mode) & 0o7777;
      dirOf[i] = dirNo;
      order.push(i);
      if (isDir) {
        folders.set(i, nodeFromStat(st, name, dirId));
        ctx.remember(id, abs);
        if (recursive) queue.push([abs, id, rel, i]);
      }
      continue;
    }
    const node = nodeFromStat(st, name, dirId);
    if (!isDir && ctx.rememberFile) ctx.rememberFile(node.id, dirAbs, name);
    else ctx.remember(node.id, abs);
    order.push(-1 - (out.nodes.push(node) - 1));
    if (recursive && isDir) queue.push([abs, node.id, rel, -1]);
  }
}

/** What one walk's folders share (one object, so `compareEntries` is one function for every walk). */
interface CompareWalk {
  ctx: WalkContext;
  recorded: RecordedTree;
  n: number;
  recursive: boolean;
  byNumbers: boolean;
  same: Uint8Array;
  modes: Uint16Array;
  dirOf: Int32Array;
  /** Folders seen as recorded: their node (a folder's token changes with its content, so it is kept as seen). */
  folders: Map<number, RemoteNode>;
  order: WalkOrder;
  out: WalkResult;
  untracked: Set<string>;
  pidAlive: Map<number, boolean>;
  // [absolute path, id, set-relative path (only when the set has path excludes),
  //  the folder's recorded entry when seen as recorded, -2 for the root, -1 otherwise]
  queue: Array<[string, string, string, number]>;
  sameCount: number;
  hint: number;
}

/**
 * Walk below `rootAbs` (the folder `root`) comparing with `recorded`. Synchronous fs calls throughout except
 * an injected ReadDir (tests): at 100,000 entries the thread-pool round trips cost more than the calls.
 */
export async function compareFolder(
  ctx: WalkContext,
  root: RemoteNode,
  rootAbs: string,
  recorded: RecordedTree,
  recursive: boolean,
): Promise<{ delta: TreeDelta; places: ComparePlaces }> {
  const n = recorded.count;
  const w: CompareWalk = {
    ctx,
    recorded,
    n,
    recursive,
    byNumbers: recorded.isSameFile !== undefined,
    same: new Uint8Array(n),
    modes: new Uint16Array(n),
    dirOf: new Int32Array(n),
    folders: new Map(),
    order: new WalkOrder(n),
    out: { nodes: [], skipped: [] },
    untracked: new Set(),
    pidAlive: new Map(),
    // Breadth first, like the listing walk, so both give nodes in the same order.
    queue: [[rootAbs, root.id, '', -2]],
    sameCount: 0,
    hint: 0,
  };
  const { same, modes, dirOf, folders, order, out, untracked, queue } = w;
  const dirs: string[] = [];
  const cwd = new FolderCwd();
  /** Per node in out.nodes: its folder's recorded entry (as in the queue). */
  const parents: number[] = [];
  // The real file system (not a ReadDir injected by a test) is read synchronously: the walk then awaits
  // nothing from its first folder to its last, so it goes from folder to folder (one chdir each) and gives
  // the working folder back once, at its end, before anything else of ours runs.
  const now = ctx.readDir === realReadDir;
  try {
    for (let q = 0; q < queue.length; q++) {
      const [dirAbs, dirId, dirRel, dirEntry] = queue[q]!;
      queue[q] = undefined as never; // let walked folders' paths go (dirs keeps the one string each)
      const dirNo = dirs.push(dirAbs) - 1;
      const entries = now
        ? readDirNowOrSkip(ctx, dirAbs, dirId, out)
        : await readDirOrSkip(ctx, dirAbs, dirId, out);
      if (entries === undefined) continue;
      // From here to the end of the folder's entries nothing awaits: lstat names from inside the folder.
      const inside = w.byNumbers && cwd.enter(dirAbs);
      try {
        compareEntries(w, entries, dirAbs, dirId, dirRel, dirNo, inside);
      } finally {
        if (inside && !now) cwd.leave();
      }
      while (parents.length < out.nodes.length) parents.push(dirEntry);
    }
  } finally {
    if (now && w.byNumbers) cwd.leave();
  }
  const sameCount = w.sameCount;
  let all: RemoteNode[] | undefined;
  const nodeAt = (i: number) => folders.get(i) ?? recordedFile(recorded, i, modes[i]!);
  const delta: TreeDelta = {
    root,
    changed: out.nodes.length,
    skipped: out.skipped,
    untracked: [...untracked],
    same,
    sameCount,
    all: () => (all ??= order.map((x) => (x < 0 ? out.nodes[-1 - x]! : nodeAt(x)))),
    changedNodes: out.nodes,
    changedParents: parents,
    nodeAt,
    lockedAt: (i) => recorded.kind(i) === 'file' && (modes[i]! & 0o200) === 0,
  };
  return { delta, places: { recorded, dirs, dirOf, same } };
}
