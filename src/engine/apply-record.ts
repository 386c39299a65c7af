import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { otherSide, type Connector, type RemoteNode, type Side } from '../connectors/types.js';
import { NodeError, type MemberErrorCode } from '../errors.js';
import { createPrivateFile, ensurePrivateDir } from '../store/private-files.js';
import type { StateStore } from '../store/state-store.js';
import type { MemberState, SetState } from '../store/schema.js';
import type { Action, SetPlan } from './plan.js';
import { snapshotOf } from './reconcile.js';
import { hangsOff } from './paths.js';
import type { EngineEvent } from './types.js';

/** Suffix of a backup still being written. */
export const PARTIAL = '.cloudsync-partial';

/**
 * Content writes between two flush barriers (one syncfs each): bounds what a power cut can make the next
 * pass re-check, against the fixed cost of a flush.
 */
const FLUSH_EVERY = 1024;

/** What apply needs besides the plan. */
export interface ApplyDeps {
  connectors: Record<Side, Connector>;
  store: StateStore;
  home: string;
  now: () => Date;
  transfers: number;
  onEvent?: (e: EngineEvent) => void;
  signal?: AbortSignal;
  /**
   * Shared by the sets of a pass: what a documents set let go of (keep-both losers after their rename, kept
   * copies of detached documents), by `${setId}:${key}`; a folder set that holds them takes them in after.
   */
  renamed?: Map<string, RemoteNode>;
}

/** The outcome of applying one set's plan. */
export interface ApplyOutcome {
  done: Action[];
  failed: { action: Action; code: MemberErrorCode; message: string }[];
  bytes: number;
  interrupted: boolean;
}

/**
 * The state side of apply: what each successful action changed is recorded on its member and journaled,
 * content writes wait for a flush barrier before they are recorded, failures mark the member FAILED, and
 * conflict losers are kept under `<home>/backups/` before they are overwritten. The executor (apply.ts)
 * builds on this.
 */
export class ApplyRecorder {
  protected readonly byKey = new Map<string, MemberState>();

  /** Actions still to run per member, for members with more than one (absent: one). */
  protected readonly remaining = new Map<string, number>();

  protected readonly failedKeys = new Set<string>();

  protected readonly latest: Record<Side, Map<string, RemoteNode>> = { onprem: new Map(), cloud: new Map() };

  protected readonly hashes = new Map<string, string>();

  protected readonly outcome: ApplyOutcome = { done: [], failed: [], bytes: 0, interrupted: false };

  protected fatal: unknown;

  constructor(
    protected readonly state: SetState,
    protected readonly plan: SetPlan,
    protected readonly current: Record<Side, Map<string, RemoteNode>>,
    protected readonly deps: ApplyDeps,
  ) {}

  protected idOf(m: MemberState, side: Side): string {
    const id = this.latest[side].get(m.key)?.id ?? this.current[side].get(m.key)?.id ?? m[side]?.id;
    if (!id) throw new NodeError('TARGET_NODE_NO_LONGER_EXISTS', `no ${side} copy of ${m.key}`);
    return id;
  }

  /**
   * Keep the losing bytes of a conflict under `<home>/backups/` before they are overwritten (never skipped).
   * The backup keeps the loser's permission bits (0600 when its side has none), and is created O_EXCL and
   * O_NOFOLLOW in folders checked to be real folders of ours: a planted link is never written through.
   */
  protected async backup(m: MemberState, loser: Side): Promise<void> {
    const when = this.deps.now();
    const memberPath = m[loser]?.path || m[loser]?.name || m.key;
    const segments = [
      'backups',
      this.state.set.id,
      when.toISOString().replace(/[:.]/g, '-'),
      loser,
      ...memberPath.split('/').filter((s) => s !== '' && s !== '.' && s !== '..'),
    ];
    const file = join(this.deps.home, ...segments);
    const node = this.latest[loser].get(m.key) ?? this.current[loser].get(m.key);
    try {
      const content = await this.deps.connectors[loser].readContent(this.idOf(m, loser));
      let fd: number;
      // Written under a partial name and renamed once whole: a pass killed meanwhile leaves a
      // `*.cloudsync-partial` (the loser is still intact on its side; the rerun keeps it again), never a torn
      // backup under the real name.
      const partial = `${file}${PARTIAL}`;
      try {
        ensurePrivateDir(this.deps.home, ...segments.slice(0, -1));
        fd = createPrivateFile(partial, node?.mode ?? 0o600);
      } catch (err) {
        content.destroy();
        throw err;
      }
      await pipeline(content, createWriteStream('', { fd }));
      await rename(partial, file);
    } catch (err) {
      throw new NodeError(
        'UNKNOWN',
        `could not keep the losing ${loser} copy before overwriting it: ${(err as Error).message}`,
      );
    }
    const record = {
      memberKey: m.key,
      side: loser,
      memberPath,
      file,
      time: when.toISOString(),
      reason: `conflict: ${otherSide(loser)} won`,
    };
    this.state.backups.push(record);
    await this.deps.store.append(this.state.set.id, { op: 'backup', backup: record });
  }

  /** Record what one successful action changed, and settle the member once all its actions are done. */
  protected async finish(a: Action, m: MemberState): Promise<void> {
    const setId = this.state.set.id;
    switch (a.type) {
      case 'delete':
      case 'forget': {
        // A file that leaves the set on-prem (moved out) keeps no lock of ours; one moving to another set
        // takes its lock along.
        const leavesAlone = a.type === 'delete' ? a.to === 'cloud' : a.reason !== 'moved to another sync set';
        if (leavesAlone && m.lockedByUs && m.onprem) await this.releaseLock(m.onprem.id);
        const gone = a.type === 'delete' ? [a.member, ...a.covers] : [a.member];
        this.state.members = this.state.members.filter((x) => !gone.includes(x.key));
        for (const key of gone) {
          this.byKey.delete(key);
          await this.deps.store.append(setId, { op: 'del', key });
        }
        return;
      }
      case 'detach': {
        if (m.lockedByUs && m.onprem) await this.releaseLock(m.onprem.id);
        m.detached = true;
        // The cloud copy may have been moved or renamed meanwhile: the detached record says where it is.
        const node = this.current.cloud.get(m.key);
        if (node && m.cloud) {
          m.cloud = { ...m.cloud, id: node.id, parentId: node.parentId, name: node.name };
          this.settleParent(m);
        }
        await this.commit(m);
        return;
      }
      case 'fail':
        if (a.clearSide) {
          m[a.clearSide] = null;
          // The copy that is left may have been moved meanwhile: record where it is now.
          const side = otherSide(a.clearSide);
          const node = this.latest[side].get(m.key) ?? this.current[side].get(m.key);
          const was = m[side];
          if (node && was) m[side] = { ...was, id: node.id, parentId: node.parentId, name: node.name };
          this.settleParent(m);
        } else if (a.held) {
          // Held in this set while its copies sit elsewhere: `inspect` shows where they are.
          for (const side of ['onprem', 'cloud'] as const) {
            const node = this.latest[side].get(m.key) ?? this.current[side].get(m.key);
            const was = m[side];
            if (node && was) m[side] = { ...was, id: node.id, parentId: node.parentId, name: node.name };
          }
        } else {
          // A rename that could not be applied to the other side is still where the user put it: `inspect`
          // shows it under its new name (its content is not recorded as synced).
          this.recordUnappliedRename(m);
        }
        await this.failMember(m, a.code, a.details);
        return;
      case 'rename-loser':
        // The loser now lives under its conflict name as an unpaired node; the next pass syncs it as new.
        m[a.on] = null;
        this.latest[a.on].delete(m.key);
        this.current[a.on].delete(m.key);
        await this.commit(m);
        break;
      case 'mkdir':
      case 'copy': {
        // A created node is recorded at once, even if a later action of the member fails: no orphan twins.
        const to = a.to;
        // Its path on `to` is relative to that side's connection root, unrelated to the source path: taken
        // from where it was created, so refreshPaths (which still checks it) finds nothing to record again.
        const node = this.latest[to].get(m.key)!;
        // Re-created on-prem (a change beat its move out of every set): the copy that left keeps no lock of
        // ours, as if it had been let go alone (model seed 1328).
        const was = m[to];
        if (to === 'onprem' && was && was.id !== node.id && m.lockedByUs) await this.releaseLock(was.id);
        m[to] = snapshotOf(node, this.createdPath(a, to, node.name));
        // The plan's name is the same text: kept instead of the connector's (which may be a slice of the
        // node's whole path, holding all of it).
        if (a.name === node.name) m[to]!.name = a.name;
        if (m.kind === 'folder') this.folderKeys?.[to].set(m[to]!.id, m.key);
        const hash = this.hashes.get(m.key);
        if (hash) m.hash = hash;
        break;
      }
      default:
        break;
    }
    if (this.failedKeys.has(m.key)) {
      // It stays FAILED, but a node an action of this pass replaced (an update writes a new node on some
      // sides) is where its copy is now: a stale id would read as a delete next pass.
      let moved = false;
      for (const side of ['onprem', 'cloud'] as const) {
        const node = this.latest[side].get(m.key);
        const was = m[side];
        if (node && was && node.id !== was.id) {
          m[side] = { ...was, id: node.id };
          moved = true;
        }
      }
      // Its bytes were copied across all the same (a keep-both winner whose rename clashed, model seed 2301):
      // the source's content is in sync, recorded so (its place stays as recorded), or the next pass would
      // copy the same bytes again.
      const src =
        a.type === 'copy' ? (this.latest[a.from].get(m.key) ?? this.current[a.from].get(m.key)) : undefined;
      const from = a.type === 'copy' ? m[a.from] : null;
      if (a.type === 'copy' && src && from && src.id === from.id)
        m[a.from] = { ...from, token: src.token, size: src.size, mtimeMs: src.mtimeMs };
      if (moved || a.type === 'mkdir' || a.type === 'copy' || a.type === 'rename-loser') await this.commit(m);
      return;
    }
    const left = (this.remaining.get(m.key) ?? 1) - 1;
    if (left > 0 || this.remaining.has(m.key)) this.remaining.set(m.key, left);
    if (left > 0) {
      if (a.type === 'move') {
        // Its other actions (an update) are still to come: the state learns where both copies are now (a
        // user's move on one side, ours on the other), not their content, so a pass killed before the rest
        // finds them where they are (model emulator seed 281: the update replaced the moved node and the rerun
        // looked for it at its old place, failing two members TARGET_FOLDER_NAME_CLASH).
        for (const side of ['onprem', 'cloud'] as const) {
          const node = this.latest[side].get(m.key) ?? this.current[side].get(m.key);
          const was = m[side];
          if (node && was) m[side] = { ...was, id: node.id, parentId: node.parentId, name: node.name };
        }
        this.settleParent(m);
        await this.commit(m);
      }
      if (a.type === 'mkdir' || a.type === 'copy' || a.type === 'rename-loser') await this.commit(m);
      return;
    }
    for (const side of ['onprem', 'cloud'] as const) {
      const node = this.latest[side].get(m.key) ?? this.current[side].get(m.key);
      const was = m[side];
      if (!node || !was) continue;
      m[side] = snapshotOf(node, was.path);
      if (was.name === node.name) m[side]!.name = was.name; // the text it held (see finish's create)
    }
    const hash = this.hashes.get(m.key);
    if (hash) m.hash = hash;
    this.settleParent(m);
    const props = this.latest.cloud.get(m.key)?.props ?? this.latest.onprem.get(m.key)?.props;
    if (props) m.props = props;
    else if (this.current.cloud.get(m.key)?.props) m.props = this.current.cloud.get(m.key)!.props;
    m.status = 'SYNCED';
    delete m.errorCode;
    delete m.errorDetails;
    delete m.errorTime;
    delete m.requested;
    m.lastSyncAt = this.syncTime();
    // Settled: its record now holds what `latest` and `hashes` kept for it (its ids, its hash). Dropped, so
    // a first sync does not hold every created node twice until the pass ends.
    this.latest.onprem.delete(m.key);
    this.latest.cloud.delete(m.key);
    this.hashes.delete(m.key);
    await this.commit(m);
  }

  /** The time recorded as a member's last sync: one string per millisecond, not one per member. */
  protected syncTime(): string {
    const now = this.deps.now();
    if (now.getTime() !== this.lastTime?.ms) this.lastTime = { ms: now.getTime(), iso: now.toISOString() };
    return this.lastTime.iso;
  }

  private lastTime: { ms: number; iso: string } | undefined;

  /** Where a node just created on `to` is, relative to that side's root ('' when unknown: refreshPaths asks). */
  protected createdPath(a: Action & { type: 'mkdir' | 'copy' }, to: Side, name: string): string {
    const ref = a.parent;
    let dir: string | undefined;
    if ('member' in ref) {
      dir = this.byKey.get(ref.member)?.[to]?.path;
      if (!dir) return '';
    } else {
      if (to !== 'cloud' || ref.id !== this.state.set.target.id) return '';
      dir = this.state.set.target.path;
    }
    // The plan's path for it is that same text when nothing moved meanwhile: shared, not built again (a
    // first sync of 100,000 files kept 100,000 equal strings twice over until its end).
    if (hangsOff(a.path, dir, name)) return a.path;
    return dir ? `${dir}/${name}` : name;
  }

  /**
   * A folder delete found the folder still holding something (created or moved in after the plan, or never
   * synced): it stays, and its copy on the deleting side is re-created by the next pass (a change beats a
   * delete, SPEC §3).
   */
  protected async keepFolder(a: Action & { type: 'delete' }, m: MemberState): Promise<void> {
    m[otherSide(a.to)] = null;
    m.status = 'PENDING';
    this.remaining.set(m.key, 0);
    await this.commit(m);
  }

  /** A moved member now hangs under the folder member its node sits in (SPEC §3: every move updates state). */
  protected settleParent(m: MemberState): void {
    if (m.direct) return;
    for (const side of ['onprem', 'cloud'] as const) {
      const parentId = (this.latest[side].get(m.key) ?? this.current[side].get(m.key))?.parentId;
      const key = parentId ? this.folderKeyOf(side, parentId) : undefined;
      if (key !== undefined && key !== m.key) {
        m.parentKey = key;
        return;
      }
    }
  }

  /** The folder member whose node on `side` is `id` (folders keep their id when moved; new ones are added). */
  protected folderKeyOf(side: Side, id: string): string | undefined {
    if (!this.folderKeys) {
      this.folderKeys = { onprem: new Map(), cloud: new Map() };
      for (const f of this.byKey.values()) {
        if (f.kind !== 'folder') continue;
        for (const s of ['onprem', 'cloud'] as const) {
          const fid = this.latest[s].get(f.key)?.id ?? f[s]?.id;
          if (fid) this.folderKeys[s].set(fid, f.key);
        }
      }
    }
    return this.folderKeys[side].get(id);
  }

  private folderKeys: Record<Side, Map<string, string>> | undefined;

  /** Give back the write bits of an on-prem file that is no longer synced (best effort: it may be gone). */
  protected async releaseLock(id: string): Promise<void> {
    await this.deps.connectors.onprem.unlock?.(id).catch(() => undefined);
  }

  /**
   * A rename or move that could not be applied (a name clash) leaves the node where the user put it: its
   * record follows it there (a direct member anywhere, an indirect one within its folder, or anywhere in the
   * set when it has one copy only), so the next pass sees no new change and keeps the member FAILED instead
   * of trying the same move again.
   */
  protected recordUnappliedRename(m: MemberState): void {
    let settle = false;
    const nodeOn = (side: Side) => this.latest[side].get(m.key) ?? this.current[side].get(m.key);
    // A copy moved to another folder stays recorded where it was (an indirect member with two copies): the
    // next pass sees that move again. The other side's rename is then left unrecorded too, so that pass
    // weighs both moves again as this one did and fails the same way (model seed 4432: the cloud's rename,
    // recorded, no longer counted, and the next pass applied the on-prem move instead: a pass late).
    const stays = (['onprem', 'cloud'] as const).some((side) => {
      const node = nodeOn(side);
      const was = m[side];
      return !!node && !!was && node.parentId !== was.parentId && !m.direct && !!m[otherSide(side)];
    });
    for (const side of ['onprem', 'cloud'] as const) {
      // What an action of this pass made of it (an update that replaced the node) beats what was read.
      const node = nodeOn(side);
      const was = m[side];
      if (!node || !was) continue;
      // A member with one copy only (its other one waits for its folder) is wherever that copy is, in any
      // folder of the set (model seed 508): there is no other copy whose folder it would leave.
      const alone = !m[otherSide(side)];
      if (node.parentId === was.parentId && stays) m[side] = { ...was, id: node.id };
      else if (node.parentId === was.parentId) m[side] = { ...was, id: node.id, name: node.name };
      else if (m.direct || alone) m[side] = { ...was, id: node.id, parentId: node.parentId, name: node.name };
      settle ||= alone && node.parentId !== was.parentId;
    }
    if (settle) this.settleParent(m);
  }

  protected async failMember(m: MemberState, code: MemberErrorCode, details: string): Promise<void> {
    this.failedKeys.add(m.key);
    m.status = 'FAILED';
    m.errorCode = code;
    m.errorDetails = details;
    m.errorTime = this.deps.now().toISOString();
    delete m.requested;
    await this.commit(m);
  }

  /**
   * lock-onprem: our lock is journaled before the chmod that makes it, so a pass killed in between leaves a
   * writable file recorded as locked by us (the next pass locks it; unsync's chmod u+w is harmless), never a
   * read-only file nothing records as ours, which unsync would leave read-only for good (model seed 582).
   * A member new this pass is recorded only once both its copies are (a pairing found them equal, or its copy
   * was made and flushed in an earlier phase): a record of one copy would read as a delete on the other side.
   * False when nothing was recorded (the lock is then journaled after it is made, as before).
   */
  protected async recordLockIntent(m: MemberState): Promise<boolean> {
    if (!this.byKey.has(m.key) || (this.unrecorded.has(m.key) && !(m.onprem && m.cloud))) return false;
    // Content still waiting for its flush is made durable first: the record never gets ahead of its bytes.
    if (this.unflushed.size > 0 || this.held.size > 0) await this.barrier();
    m.lockedByUs = true;
    this.unrecorded.delete(m.key);
    await this.deps.store.append(this.state.set.id, { op: 'put', member: m });
    return true;
  }

  /** Members new this pass with a lock to make, not journaled yet. */
  protected readonly unrecorded = new Set<string>();

  protected async commit(m: MemberState): Promise<void> {
    if (!this.byKey.has(m.key)) return;
    if (this.unflushed.size > 0 || this.flushing !== undefined) {
      // Content written since the last barrier may not be on disk yet: the record waits for the barrier,
      // so state never claims a write a power cut could still undo (a kill loses nothing: the next pass
      // adopts the equal content it finds). While a flush runs too: a member whose content was written
      // just before that flush began (and so is not among its held records) commits after the barrier has
      // cleared `unflushed`; its record waits for the next barrier, which first waits for this flush.
      this.held.add(m);
      if (this.held.size >= FLUSH_EVERY) await this.barrier();
      return;
    }
    this.unrecorded.delete(m.key);
    await this.deps.store.append(this.state.set.id, { op: 'put', member: m });
  }

  /** Sides with content written since their last flush, and the member records waiting for it. */
  protected readonly unflushed = new Set<Side>();

  protected readonly held = new Set<MemberState>();

  protected flushing: Promise<void> | undefined;

  /** Flush the written sides (one barrier for many files), then write the records that waited for it. */
  protected async barrier(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.unflushed.size === 0 && this.held.size === 0) return;
    const sides = [...this.unflushed];
    const members = [...this.held];
    this.unflushed.clear();
    this.held.clear();
    this.flushing = (async () => {
      for (const side of sides) await this.deps.connectors[side].flush?.();
      // The records that waited for this flush, in one write of the journal.
      const recs = members
        .filter((m) => this.byKey.has(m.key))
        .map((m) => ({ op: 'put' as const, member: m }));
      if (this.unrecorded.size > 0) for (const m of members) this.unrecorded.delete(m.key);
      await this.deps.store.appendMany(this.state.set.id, recs);
    })().finally(() => (this.flushing = undefined));
    await this.flushing;
  }
}
