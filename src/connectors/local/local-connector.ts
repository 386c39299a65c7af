import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { FolderNotEmptyError, NodeError, UsageError } from '../../errors.js';
import type {
  BrowseEntry,
  Capabilities,
  ChangeListener,
  Connector,
  Listing,
  RecordedTree,
  RemoteNode,
  TreeDelta,
  WriteOptions,
} from '../types.js';
import { WholeContent } from '../whole-content.js';
import { compareFolder, type ComparePlaces } from './compare-walk.js';
import { browseFolder } from './browse.js';
import { errnoOf, toReadError, toWriteError } from './errno.js';
import {
  assertStrictlyInside,
  assertValidName,
  isInside,
  isPlainPath,
  pathsOverlap,
  realPathOf,
  specSegments,
  toSpecPath,
} from './names.js';
import { NodeIndex } from './node-index.js';
import { idOf, nodeFromStat } from './node-stat.js';
import { TempNames } from './temp-files.js';
import { joinName, realReadDir, removeIfStale, walkFolder, type ReadDir } from './walk.js';
import { placeNoReplace, writeTempFile } from './write-temp.js';
import { startWatch } from './watch.js';
import { fstatNs, type StatNs } from './stat-ns.js';
import { FsSyncer } from './fs-sync.js';
import { FolderHandles } from './folder-handles.js';
import { FewPaths, OwnWrites } from './own-writes.js';
import { assertNoLinkOnTheWay, assertRootReadable, lstatUnderRoot, pathOfFd } from './root-guard.js';
import { removeWriteBits, restoreWriteBits } from './write-bits.js';

/** Options of a LocalConnector. */
export interface LocalConnectorOptions {
  /** Prefix of temp files (default `.cloudsync-`). */
  tempPrefix?: string;
  /** Directory reader, injectable so tests can simulate an unreadable folder while running as root. */
  readDir?: ReadDir;
  /** cloudsync's own home: never a member, never listed (its config, state, lock, log, credentials). */
  ownHome?: string;
}

/** A synchronous (l)stat that answers null for anything that is not there or not reachable. */
function statQuiet(abs: string, follow: boolean): fs.BigIntStats | null {
  try {
    const opts = { bigint: true, throwIfNoEntry: false } as const;
    return (follow ? fs.statSync(abs, opts) : fs.lstatSync(abs, opts)) ?? null;
  } catch {
    return null;
  }
}

/** A file found for a write: its path, and what the lookup already read (its lstat, its folder's id). */
interface FoundFile {
  abs: string;
  st?: fs.BigIntStats;
  parentId?: string;
}

/** Files up to this size are read in one piece (see readContent). */
const SMALL_FILE = 1 << 20;

const lstatBig = (p: string): Promise<fs.BigIntStats> => fs.promises.lstat(p, { bigint: true });

/** The user this process runs as (whoami), read once. */
let userName: string | undefined;

/** A folder on this machine acting as a repository (SPEC §1 `local`): identity by device + inode. */
export class LocalConnector implements Connector {
  readonly kind = 'local' as const;
  readonly capabilities: Capabilities = {
    properties: false,
    locks: true,
    versions: false,
    events: true,
    mtimePrecisionMs: 1,
  };
  readonly address: string;
  readonly #root: string;
  readonly #temps: TempNames;
  readonly #readDir: ReadDir;
  readonly #index = new NodeIndex();
  readonly #watchers = new Set<() => void>();
  /** Paths written since the last flush, while they are few enough to fsync one by one. */
  readonly #unflushed = new FewPaths();
  /** What this process wrote lately, so its watchers do not report our own writes as changes. */
  readonly #own = new OwnWrites();
  readonly #ownHome: string | undefined;
  /** The folders written into lately, held open so the link guard before a write is one system call. */
  readonly #folders: FolderHandles;

  constructor(rootDir: string, opts: LocalConnectorOptions = {}) {
    this.#root = path.resolve(rootDir);
    this.address = this.#root;
    this.#temps = new TempNames(opts.tempPrefix);
    this.#readDir = opts.readDir ?? realReadDir;
    this.#ownHome = opts.ownHome === undefined ? undefined : path.resolve(opts.ownHome);
    this.#folders = new FolderHandles(this.#root, (fresh) => this.#realRoot(fresh));
  }

  /** A member may not be, hold or lie inside cloudsync's own home (exit 2 at `create`). */
  async checkMemberPath(p: string): Promise<string | null> {
    if (this.#ownHome === undefined) return null;
    const real = realPathOf(path.join(this.#root, ...specSegments(p)));
    const home = realPathOf(this.#ownHome);
    if (!pathsOverlap(real, home)) return null;
    throw new UsageError(
      `${p || '.'} ${isInside(real, home) ? 'is inside' : 'holds'} the cloudsync home ${this.#ownHome}: cloudsync would sync its own config, state, lock, log and credentials`,
      'keep the home outside every synced folder: pass another --home (or CLOUDSYNC_HOME), or pick another folder',
      'HOME_INSIDE_SYNCED_FOLDER',
    );
  }

  /** The vanished-root guard: a missing or unreadable root aborts the pass (exit 5) before anything is deleted. */
  async whoami(): Promise<{ user: string; address: string }> {
    await this.#assertRoot();
    // os.userInfo() reads /etc/passwd: once per process, not at every pass of a `watch`.
    userName ??= os.userInfo().username;
    return { user: userName, address: this.#root };
  }

  async resolvePath(p: string): Promise<RemoteNode | null> {
    const segments = specSegments(p);
    // '..' is refused outright, even where it would stay inside: a path in SPEC syntax never needs it.
    if (segments.includes('..'))
      throw new NodeError('INVALID_NAME', `path ${JSON.stringify(p)} may not contain '..'`);
    this.#index.generation++;
    const root = await this.#rootNode();
    let node = root;
    let abs = this.#root;
    for (const seg of segments) {
      if (node.kind !== 'folder') return null;
      abs = path.join(abs, seg);
      const st = await lstatBig(abs).catch(() => null);
      // Symlinks are never followed: a path through one is not something we can sync.
      if (st === null || (!st.isFile() && !st.isDirectory())) return null;
      node = nodeFromStat(st, seg, node.id);
      this.#index.set(node.id, abs);
    }
    return node;
  }

  async pathOf(id: string): Promise<string | null> {
    const abs = await this.#locate(id);
    return abs === null ? null : toSpecPath(this.#root, abs);
  }

  async getNode(id: string): Promise<RemoteNode | null> {
    const abs = await this.#locate(id);
    return abs === null ? null : this.#nodeAt(abs);
  }

  /** The folder a listing starts from (a new index generation), or TARGET_NODE_NO_LONGER_EXISTS. */
  async #folderToWalk(folderId: string): Promise<{ abs: string; root: RemoteNode }> {
    this.#index.generation++;
    const abs = await this.#locate(folderId);
    const root = abs === null ? null : await this.#nodeAt(abs);
    if (abs === null || root === null || root.kind !== 'folder') {
      throw new NodeError(
        'TARGET_NODE_NO_LONGER_EXISTS',
        `folder ${folderId} no longer exists under ${this.#root}`,
      );
    }
    return { abs, root };
  }

  async listTree(folderId: string, opts: { recursive: boolean }): Promise<Listing> {
    const { abs, root } = await this.#folderToWalk(folderId);
    const { nodes, skipped } = await walkFolder(this.#walkContext(), abs, root.id, opts.recursive);
    return { root, nodes, skipped };
  }

  async compareTree(
    folderId: string,
    recorded: RecordedTree,
    opts: { recursive: boolean },
  ): Promise<TreeDelta> {
    const { abs, root } = await this.#folderToWalk(folderId);
    const { delta, places } = await compareFolder(this.#walkContext(), root, abs, recorded, opts.recursive);
    this.#places = places;
    return delta;
  }

  /** Where the last compareTree saw the entries it found as recorded (their ids were never indexed). */
  #places: ComparePlaces | undefined;

  /** The path the last compareTree saw node `id` at, if it saw it there as recorded. */
  #placeOf(id: string): string | undefined {
    const p = this.#places;
    const i = p === undefined ? -1 : p.recorded.numberOf(id);
    if (p === undefined || i < 0 || p.same[i] !== 1) return undefined;
    return joinName(p.dirs[p.dirOf[i]!]!, p.recorded.node(i).name);
  }

  async readContent(id: string): Promise<Readable> {
    const opened = this.#openIndexed(id);
    const abs = opened?.abs ?? (await this.#mustLocate(id));
    try {
      const fd = opened?.fd ?? fs.openSync(abs, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
      const st = opened?.st ?? fs.fstatSync(fd);
      if (!st.isFile()) {
        fs.closeSync(fd);
        throw new NodeError('INVALID_NAME', `${toSpecPath(this.#root, abs)} is not a file`);
      }
      const size = Number(st.size);
      if (size <= SMALL_FILE) {
        // Small files in one read: a stream's open/read/close round trips dominate their cost.
        const buf = Buffer.allocUnsafe(size);
        try {
          let off = 0;
          for (let n = 1; off < size && n > 0; off += n) n = fs.readSync(fd, buf, off, size - off, off);
          return new WholeContent(off === size ? buf : buf.subarray(0, off));
        } finally {
          fs.closeSync(fd);
        }
      }
      return fs.createReadStream('', { fd });
    } catch (err) {
      throw toReadError(err, `cannot read ${toSpecPath(this.#root, abs)}`);
    }
  }

  async createFolder(parentId: string, name: string): Promise<RemoteNode> {
    const abs = await this.#childPath(parentId, name);
    return this.#writing([abs], async () => {
      try {
        await fs.promises.mkdir(abs);
      } catch (err) {
        throw toWriteError(err, `cannot create folder ${toSpecPath(this.#root, abs)}`);
      }
      return this.#indexedNode(abs, parentId);
    });
  }

  async createFile(
    parentId: string,
    name: string,
    content: Readable,
    opts: WriteOptions,
  ): Promise<RemoteNode> {
    const { abs, dir } = await this.#childPlace(parentId, name);
    return this.#writing(
      [abs],
      async () => {
        let tmp: string | undefined;
        let written: StatNs;
        try {
          ({ path: tmp, stat: written } = await writeTempFile(path.dirname(abs), this.#temps, content, {
            mtimeMs: opts.mtimeMs,
          }));
          placeNoReplace(tmp, abs);
          tmp = undefined;
        } catch (err) {
          throw toWriteError(err, `cannot create ${toSpecPath(this.#root, abs)}`);
        } finally {
          if (tmp !== undefined) await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
        }
        // The temp file's own fstat: linking it into place changed none of what a node holds. Indexed as its
        // folder's path and its name (node-index.ts).
        const node = nodeFromStat(written, name, parentId);
        if (dir === undefined) return this.#indexed(node, abs);
        this.#index.setIn(node.id, dir, name);
        return node;
      },
      opts.volatile,
    );
  }

  async updateContent(id: string, content: Readable, opts: WriteOptions): Promise<RemoteNode> {
    const found = this.#fileInHeldFolder(id) ?? { abs: await this.#mustLocate(id) };
    return this.#writing([found.abs], () => this.#replaceContent(id, found, content, opts), opts.volatile);
  }

  async #replaceContent(
    id: string,
    found: FoundFile,
    content: Readable,
    opts: WriteOptions,
  ): Promise<RemoteNode> {
    const { abs } = found;
    const what = (): string => `cannot update ${toSpecPath(this.#root, abs)}`;
    let tmp: string | undefined;
    let written: StatNs;
    try {
      // Synchronous, like the rest of the write (write-temp.ts): a thread-pool round trip per call cost more
      // than the call itself (issue 11: ~0.1 ms of CPU per updated file with the rename below). The lookup's
      // own lstat of the file serves when it made one.
      const old = found.st ?? fs.lstatSync(abs, { bigint: true });
      if (!old.isFile()) throw new NodeError('INVALID_NAME', `${what()}: not a file`);
      // Keep the old mode, so a file cloudsync locked (no write bits) stays locked with its new content.
      ({ path: tmp, stat: written } = await writeTempFile(path.dirname(abs), this.#temps, content, {
        mtimeMs: opts.mtimeMs,
        mode: Number(old.mode) & 0o7777,
      }));
      fs.renameSync(tmp, abs);
      tmp = undefined;
    } catch (err) {
      throw toWriteError(err, what());
    } finally {
      if (tmp !== undefined) await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    }
    this.#index.delete(id); // new inode, new id: the engine re-keys
    // The temp file's own fstat (a rename changes none of what a node holds), and the folder's id as its
    // held handle gave it; without one, both by path as before.
    if (found.parentId === undefined) return this.#indexedNode(abs);
    return this.#indexed(nodeFromStat(written, path.basename(abs), found.parentId), abs);
  }

  /**
   * File `id` where the index (or the last compare walk) saw it, checked through its folder's held handle
   * (folder-handles.ts: the link guard in one system call) and one lstat of the file, which the update
   * reuses; undefined when any of that does not hold, and the full lookup decides.
   */
  #fileInHeldFolder(id: string): FoundFile | undefined {
    const abs = this.#index.get(id) ?? this.#placeOf(id);
    if (abs === undefined) return undefined;
    const parentId = this.#folders.check(path.dirname(abs));
    if (parentId === undefined) return undefined;
    let st: fs.BigIntStats | undefined;
    try {
      st = fs.lstatSync(abs, { bigint: true, throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    return st !== undefined && !st.isSymbolicLink() && idOf(st) === id ? { abs, st, parentId } : undefined;
  }

  async move(id: string, newParentId: string, newName: string): Promise<RemoteNode> {
    const from = await this.#mustLocate(id);
    if (from === this.#root) throw new NodeError('INVALID_NAME', 'cannot move the root folder');
    const to = await this.#childPath(newParentId, newName);
    if (to === from) return this.#indexedNode(from);
    return this.#writing([from, to], async () => this.#moveTo(from, to, id));
  }

  async #moveTo(from: string, to: string, id: string): Promise<RemoteNode> {
    const what = `cannot move ${toSpecPath(this.#root, from)} to ${toSpecPath(this.#root, to)}`;
    try {
      // Check, then rename. Not link + unlink: a kill between those two would leave one file under two
      // names, which identity by inode cannot tell apart. The window between the check and the rename is
      // microseconds (documented).
      const existing = statQuiet(to, false);
      if (existing !== null && idOf(existing) !== id) {
        throw new NodeError('TARGET_FOLDER_NAME_CLASH', `${toSpecPath(this.#root, to)} already exists`);
      }
      // The same file already under the new name (a hard link): finish by dropping the old name, since
      // rename() between two links of one file does nothing. A case-only rename of a folder just renames.
      if (existing !== null && !existing.isDirectory()) fs.unlinkSync(from);
      else fs.renameSync(from, to);
    } catch (err) {
      throw toWriteError(err, what);
    }
    this.#index.moveTree(from, to);
    return this.#indexedNode(to);
  }

  async delete(id: string): Promise<void> {
    const abs = await this.#locate(id);
    if (abs === null) return; // already gone: deleting is idempotent
    if (abs === this.#root)
      throw new NodeError('TARGET_NODE_ACCESS_DENIED', 'refusing to delete the root folder');
    return this.#writing([abs], async () => this.#deleteAt(abs, id));
  }

  async #deleteAt(abs: string, id: string): Promise<void> {
    const what = `cannot delete ${toSpecPath(this.#root, abs)}`;
    try {
      // A file or an empty folder, never a tree (SPEC §3 folder deletes): rmdir fails on anything left inside,
      // even entries no listing shows. unlink ignores the file's mode, so locked (read-only) files go too.
      const st = fs.lstatSync(abs);
      if (st.isDirectory()) fs.rmdirSync(abs);
      else fs.unlinkSync(abs);
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT') return;
      if (code === 'ENOTEMPTY' || code === 'EEXIST')
        throw new FolderNotEmptyError(`${toSpecPath(this.#root, abs)} still holds something; kept`);
      throw toWriteError(err, what);
    }
    this.#index.delete(id);
  }

  /** Remove every write bit. True when the owner could write before, i.e. this call made the lock. */
  async lock(id: string): Promise<boolean> {
    const abs = await this.#mustLocate(id);
    return this.#writing([abs], () =>
      removeWriteBits(abs).catch((err: unknown) => {
        throw toWriteError(err, `cannot lock ${toSpecPath(this.#root, abs)}`);
      }),
    );
  }

  /** Remove the temp files in the folder whose writing process is gone (a killed pass's leftovers). */
  async sweepTemps(folderId: string): Promise<void> {
    const abs = await this.#mustLocate(folderId);
    const alive = new Map<number, boolean>();
    for (const name of await fs.promises.readdir(abs)) {
      const pid = this.#temps.pidOf(name);
      if (pid !== undefined) removeIfStale(path.join(abs, name), pid, alive);
    }
  }

  /** Give back the write bits the umask allows (at least the owner's). */
  async unlock(id: string): Promise<void> {
    const abs = await this.#mustLocate(id);
    await this.#writing([abs], () =>
      restoreWriteBits(abs).catch((err: unknown) => {
        throw toWriteError(err, `cannot unlock ${toSpecPath(this.#root, abs)}`);
      }),
    );
  }

  async watch(folderId: string, onChange: ChangeListener): Promise<() => void> {
    const abs = await this.#mustLocate(folderId);
    this.#own.active = true;
    const stop = startWatch(abs, this.#root, this.#temps, this.#own, onChange);
    const stopOnce = (): void => {
      if (this.#watchers.delete(stopOnce)) stop();
      this.#own.active = this.#watchers.size > 0;
    };
    this.#watchers.add(stopOnce);
    return stopOnce;
  }

  async browse(p: string): Promise<BrowseEntry[]> {
    await this.#assertRoot();
    return browseFolder(this.#root, p, this.#temps);
  }

  async close(): Promise<void> {
    for (const stop of [...this.#watchers]) stop();
    this.#syncer?.close();
    this.#syncer = undefined;
    this.#folders.release();
  }

  // ---- internals ----

  /**
   * Run one write to `paths`, remembered as ours so our watchers do not take it for a new change, and made
   * durable by the next flush unless `volatile` (WriteOptions).
   */
  async #writing<T>(paths: string[], fn: () => Promise<T>, volatile = false): Promise<T> {
    for (const p of paths) {
      this.#own.begin(p);
      if (!volatile) this.#unflushed.note(p);
    }
    try {
      return await fn();
    } finally {
      for (const p of paths) this.#own.end(p);
    }
  }

  async #assertRoot(): Promise<void> {
    await assertRootReadable(this.#root, this.#readDir);
  }

  /** The root as a node; follows a symlinked root (the user chose it), never anything below. */
  async #rootNode(): Promise<RemoteNode> {
    await this.#assertRoot();
    const st = fs.statSync(this.#root, { bigint: true });
    const node = nodeFromStat(st, path.basename(this.#root), null);
    this.#index.set(node.id, this.#root);
    return node;
  }

  /** Stat `abs` into a node with its parent id (null for the root); null when it is gone or not ours. */
  async #nodeAt(abs: string, parentId?: string): Promise<RemoteNode | null> {
    if (abs === this.#root) return this.#rootNode();
    const dir = path.dirname(abs);
    // The root may itself be a symlink the user chose, so it is stat-ed, everything below lstat-ed.
    // Synchronous: two stats are cheaper than two thread-pool round trips.
    const st = statQuiet(abs, false);
    const parent = parentId === undefined ? statQuiet(dir, dir === this.#root) : null;
    if (st === null || (parentId === undefined && parent === null) || (!st.isFile() && !st.isDirectory()))
      return null;
    return nodeFromStat(st, path.basename(abs), parentId ?? idOf(parent!));
  }

  /** `node`, just written at `abs`, indexed. */
  #indexed(node: RemoteNode, abs: string): RemoteNode {
    this.#index.set(node.id, abs);
    return node;
  }

  /** The node just written at `abs`, indexed; `parentId`: the folder it was written into, just located. */
  async #indexedNode(abs: string, parentId?: string): Promise<RemoteNode> {
    const node = await this.#nodeAt(abs, parentId);
    if (node === null)
      throw new NodeError('TARGET_NODE_NO_LONGER_EXISTS', `${abs} vanished right after writing it`);
    this.#index.set(node.id, abs);
    return node;
  }

  /** Where node `id` is now: the indexed path if it still has that inode, else one full walk of the root. */
  async #locate(id: string): Promise<string | null> {
    const hinted = this.#index.get(id) ?? this.#placeOf(id);
    if (hinted !== undefined && hinted !== this.#root && isInside(this.#root, hinted)) {
      // The link guard and the identity check on one lstat of the node (root-guard.ts).
      const st = lstatUnderRoot(this.#root, hinted, (fresh) => this.#realRoot(fresh));
      if (st !== undefined && idOf(st) === id) return hinted;
    } else if (hinted !== undefined) {
      assertNoLinkOnTheWay(this.#root, hinted);
      if (await this.#hasId(hinted, id)) return hinted;
    }
    // Concurrent misses share one walk of the root: a lookup must never answer "gone" while the walk that
    // would find it is still running (documents sets look up all their members at once).
    if (this.#walking === undefined) {
      if (this.#index.walkedAt === this.#index.generation) return null; // nothing new listed since the last walk
      this.#index.walkedAt = this.#index.generation;
      this.#walking = (async () => {
        const root = await this.#rootNode();
        this.#index.set(root.id, this.#root);
        await walkFolder(this.#walkContext(), this.#root, root.id, true);
      })().finally(() => (this.#walking = undefined));
    }
    await this.#walking;
    const found = this.#index.get(id);
    if (found !== undefined) assertNoLinkOnTheWay(this.#root, found);
    return found !== undefined && (await this.#hasId(found, id)) ? found : null;
  }

  /**
   * Open file `id` where the index says it is, checked in fewer system calls than #locate + open (a first
   * sync reads every file once): opened without following a last link (O_NONBLOCK: a FIFO planted there
   * cannot block the open), its identity from the descriptor, and the kernel's path of the descriptor equal
   * to that path under the root's real path, i.e. no link on the way (what lstatUnderRoot checks). Anything
   * else, or no /proc: undefined, and the caller takes the full lookup, which finds it or says why not.
   */
  #openIndexed(id: string): { abs: string; fd: number; st: StatNs } | undefined {
    const abs = this.#index.get(id);
    if (abs === undefined || abs === this.#root || !isInside(this.#root, abs)) return undefined;
    const C = fs.constants;
    let fd: number;
    try {
      fd = fs.openSync(abs, C.O_RDONLY | (C.O_NOFOLLOW ?? 0) | (C.O_NONBLOCK ?? 0));
    } catch {
      return undefined;
    }
    try {
      const st = fstatNs(fd);
      if (st.isFile() && idOf(st) === id) {
        const real = pathOfFd(fd);
        const rest = abs.slice(this.#root.length);
        if (
          real !== undefined &&
          (real === this.#realRoot(false) + rest || real === this.#realRoot(true) + rest)
        )
          return { abs, fd, st };
      }
    } catch {
      // not readable as expected: the full lookup decides
    }
    fs.closeSync(fd);
    return undefined;
  }

  /** The root's real path (it may be a link the user chose), read again whenever it no longer matches. */
  #realRoot(fresh: boolean): string {
    if (fresh || this.#realRootSeen === undefined) {
      try {
        this.#realRootSeen = fs.realpathSync.native(this.#root);
      } catch {
        this.#realRootSeen = this.#root; // gone: nothing below it resolves either, the walk decides
      }
    }
    return this.#realRootSeen;
  }

  #realRootSeen: string | undefined;

  /** A full walk of the root in flight, shared by every lookup that missed the index meanwhile. */
  #walking: Promise<void> | undefined;

  /**
   * syncfs() of the file system holding the root (coreutils `sync -f`): one flush for every file written
   * since the last one. A failing flush is an error: the engine then records nothing it cannot vouch for.
   */
  async flush(): Promise<void> {
    this.#folders.release(); // held only for a batch of writes, never across passes of a watch
    // A few writes (a pass after one edit): fsync each path and its folder; spawning a process costs far more.
    if (this.#unflushed.fsyncEach()) return;
    this.#syncer ??= new FsSyncer(this.#root);
    await this.#syncer.sync();
  }

  /** The `sync -f` helper of this root (fs-sync.ts), started at the first flush of many files. */
  #syncer: FsSyncer | undefined;

  rememberPath(id: string, specPath: string): void {
    if (this.#index.get(id) !== undefined) return;
    const abs = path.join(this.#root, ...specPath.split('/').filter(Boolean));
    if (isInside(this.#root, abs)) this.#index.set(id, abs);
  }

  async #mustLocate(id: string): Promise<string> {
    const abs = await this.#locate(id);
    if (abs === null)
      throw new NodeError('TARGET_NODE_NO_LONGER_EXISTS', `node ${id} no longer exists under ${this.#root}`);
    return abs;
  }

  async #hasId(abs: string, id: string): Promise<boolean> {
    const st = statQuiet(abs, abs === this.#root);
    return st !== null && idOf(st) === id && isInside(this.#root, abs);
  }

  /** Where folder `id` is, when its held handle (folder-handles.ts) says it is still there; else undefined. */
  #heldFolder(id: string): string | undefined {
    const abs = this.#index.get(id) ?? this.#placeOf(id);
    return abs !== undefined && this.#folders.check(abs, id) !== undefined ? abs : undefined;
  }

  /** Validated absolute path for a new child `name` of folder `parentId`, guaranteed inside the root. */
  async #childPath(parentId: string, name: string): Promise<string> {
    return (await this.#childPlace(parentId, name)).abs;
  }

  /** As #childPath, with the folder's path when the child's path is that and its name (to index it so). */
  async #childPlace(parentId: string, name: string): Promise<{ abs: string; dir?: string }> {
    assertValidName(name);
    const parent = this.#heldFolder(parentId) ?? (await this.#locate(parentId));
    if (parent === null)
      throw new NodeError(
        'TARGET_FOLDER_NOT_FOUND',
        `folder ${parentId} no longer exists under ${this.#root}`,
      );
    // `name` is one plain entry (checked above): below a folder path with no `.`, `..` or empty segment (as
    // every path the walks and lookups make), joining is appending; path.join's normalize scanned the whole
    // path again, twice per copied file with the temp file's (issue 11).
    const plain = isPlainPath(parent);
    const abs = plain ? joinName(parent, name) : path.join(parent, name);
    assertStrictlyInside(this.#root, abs);
    return plain ? { abs, dir: parent } : { abs };
  }

  #walkContext() {
    // The home as it is now (it may be created or moved after the connector): skipped wherever it shows up
    const home = this.#ownHome === undefined ? undefined : statQuiet(this.#ownHome, true);
    return {
      root: this.#root,
      temps: this.#temps,
      readDir: this.#readDir,
      remember: (id: string, abs: string) => this.#index.set(id, abs),
      rememberFile: (id: string, dirAbs: string, name: string) => this.#index.setIn(id, dirAbs, name),
      isOwnHome: home?.isDirectory() ? (st: StatNs) => st.ino === home.ino && st.dev === home.dev : undefined,
    };
  }
}
