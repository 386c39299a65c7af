import type { Readable } from 'node:stream';
import { type RemoteNode, type Side } from '../connectors/types.js';
import { FolderNotEmptyError, NodeError } from '../errors.js';
import type { MemberState, SetState } from '../store/schema.js';
import { wholeBytes } from '../connectors/whole-content.js';
import { hashChecked, hashWhole, SizeCheckedStream } from './size-check.js';
import { contentCopied } from './heap-mode.js';
import type { Action, ParentRef, SetPlan } from './plan.js';
import { deferFreedFolders, orderMoves, plannedDepth } from './apply-order.js';
import { runQueue } from '../work-queue.js';
import { ApplyRecorder, type ApplyDeps, type ApplyOutcome } from './apply-record.js';

export type { ApplyDeps, ApplyOutcome } from './apply-record.js';

/** The order actions run in: state-only first, deletes of files, folders top-down, moves, transfers, folder deletes last. */
function phaseOf(a: Action, kindOf: (key: string) => string | undefined): number {
  switch (a.type) {
    case 'adopt':
    case 'forget':
    case 'fail':
    case 'detach':
      return 0;
    case 'rename-loser':
      return 1;
    case 'delete':
      return kindOf(a.member) === 'folder' ? 7 : 2;
    case 'mkdir':
      return 3;
    case 'move':
      return 4;
    case 'copy':
    case 'update':
      return 5;
    case 'props':
    case 'lock':
      return 6;
  }
}

/**
 * Run a plan: each action's result is committed to the state journal as soon as it succeeds, so a pass killed
 * at any point leaves a state the next pass can trust. A member whose action fails is marked FAILED and the
 * others go on; an unreachable side or lost authentication stops the pass (rethrown).
 */
export async function applyPlan(
  state: SetState,
  plan: SetPlan,
  current: Record<Side, Map<string, RemoteNode>>,
  deps: ApplyDeps,
): Promise<ApplyOutcome> {
  return new Applier(state, plan, current, deps).run();
}

/** Runs the actions against the connectors, phase by phase, with bounded concurrency. */
class Applier extends ApplyRecorder {
  /** keep-both losers after their rename, by the key of the member they were renamed away from. */
  private readonly renamedLosers = new Map<string, RemoteNode>();

  async run(): Promise<ApplyOutcome> {
    const referenced = new Set<string>();
    const locking = new Set<string>();
    for (const a of this.plan.actions) {
      referenced.add(a.member);
      if (a.type === 'lock') locking.add(a.member);
    }
    for (const m of this.plan.added) {
      if (!referenced.has(m.key)) continue;
      this.state.members.push(m);
      if (locking.has(m.key)) this.unrecorded.add(m.key);
    }
    for (const m of this.state.members) this.byKey.set(m.key, m);
    for (const a of this.plan.actions) this.remaining.set(a.member, (this.remaining.get(a.member) ?? 0) + 1);
    // A member with one action (every member of a first sync) needs no count: absent means one.
    for (const [key, n] of this.remaining) if (n === 1) this.remaining.delete(key);
    // A new member is journaled once, when its actions are done (or it failed): not also up front. A pass
    // killed before that leaves no record, and the next one pairs what this one made (same name, equal
    // content: adopted, never a twin) as it would any node found on both sides.
    await this.deps.store.append(this.state.set.id, { op: 'meta', nextKey: this.state.nextKey });
    const phases = new Map<number, Action[]>();
    for (const a of this.plan.actions) {
      const p = phaseOf(a, (k) => this.byKey.get(k)?.kind);
      if (!phases.has(p)) phases.set(p, []);
      phases.get(p)!.push(a);
    }
    const made = plannedDepth(phases.get(3) ?? [], (k) => this.depthOf(k));
    deferFreedFolders(phases, this.byKey, made);
    for (const p of [...phases.keys()].sort((a, b) => a - b)) {
      const list = phases.get(p)!;
      if (p === 3) {
        // Parents before children: one depth level at a time, each level in parallel.
        const levels = new Map<number, Action[]>();
        for (const a of list) {
          const d = made(a);
          if (!levels.has(d)) levels.set(d, []);
          levels.get(d)!.push(a);
        }
        for (const d of [...levels.keys()].sort((a, b) => a - b))
          await this.runAll(levels.get(d)!, this.deps.transfers);
      } else if (p === 7) {
        list.sort((a, b) => this.depthOf(b.member) - this.depthOf(a.member));
        await this.runAll(list, 1);
      } else {
        await this.runAll(
          p === 4 ? orderMoves(list, this.byKey) : list,
          p === 5 || p === 2 || p === 6 ? this.deps.transfers : 1,
        );
      }
      await this.barrier();
      if (this.fatal) throw this.fatal;
      if (this.outcome.interrupted) break;
    }
    return this.outcome;
  }

  protected async runAll(actions: Action[], concurrency: number): Promise<void> {
    await runQueue(actions, concurrency, async (a) => {
      if (this.fatal || this.deps.signal?.aborted) {
        this.outcome.interrupted = this.outcome.interrupted || Boolean(this.deps.signal?.aborted);
        return;
      }
      await this.runOne(a);
    });
  }

  protected async runOne(a: Action): Promise<void> {
    const m = this.byKey.get(a.member);
    if (!m) return;
    if (
      a.type === 'copy' &&
      a.after !== undefined &&
      (a.afterSet === undefined
        ? !this.renamedLosers.has(a.after)
        : !this.deps.renamed?.has(`${a.afterSet}:${a.after}`))
    ) {
      // What it depends on failed (a keep-both loser that could not be renamed): it never was a member. Only
      // the rename counts: the member it was renamed away from may fail otherwise (its own rename clashed,
      // model seed 2301) while the renamed loser still needs its copy.
      await this.finish(
        {
          type: 'forget',
          setId: a.setId,
          member: a.member,
          side: a.side,
          path: a.path,
          reason: 'not renamed',
        },
        m,
      );
      return;
    }
    this.deps.onEvent?.({ event: 'action-start', setId: a.setId, action: a });
    try {
      const bytes = await this.execute(a, m);
      this.outcome.bytes += bytes;
      this.outcome.done.push(a);
      this.deps.onEvent?.({ event: 'action-done', setId: a.setId, action: a, bytes });
      await this.finish(a, m);
    } catch (err) {
      if (err instanceof FolderNotEmptyError && a.type === 'delete') {
        await this.keepFolder(a, m);
        this.deps.onEvent?.({ event: 'warning', setId: a.setId, message: `${a.path}: ${err.message}` });
      } else if (err instanceof NodeError) {
        if (a.type === 'move' && err.code === 'TARGET_FOLDER_NAME_CLASH') this.recordUnappliedRename(m);
        // A create that failed leaves no copy on that side: a record there is of a copy already gone (the
        // create was a re-create), and must not count as a copy the next pass could miss or delete from.
        if ((a.type === 'mkdir' || a.type === 'copy') && m[a.to] && !this.latest[a.to].has(m.key))
          m[a.to] = null;
        await this.failMember(m, err.code, err.message);
        this.outcome.failed.push({ action: a, code: err.code, message: err.message });
        this.deps.onEvent?.({
          event: 'action-failed',
          setId: a.setId,
          action: a,
          code: err.code,
          message: err.message,
        });
      } else {
        this.fatal ??= err;
      }
    }
  }

  /** How deep a member sits in the set's tree (0 for direct members): parents are created first. */
  protected depthOf(key: string): number {
    let d = 0;
    for (let m = this.byKey.get(key); m?.parentKey; m = this.byKey.get(m.parentKey)) d++;
    return d;
  }

  protected parentId(ref: ParentRef, side: Side): string {
    if ('id' in ref) return ref.id;
    const parent = this.byKey.get(ref.member);
    const id = parent && (this.latest[side].get(parent.key)?.id ?? parent[side]?.id);
    if (!id || this.failedKeys.has(ref.member)) {
      throw new NodeError('TARGET_FOLDER_NOT_FOUND', `the ${side} folder to put it in does not exist`);
    }
    return id;
  }

  /** Run one action against the connectors; returns bytes transferred. */
  protected async execute(a: Action, m: MemberState): Promise<number> {
    const c = this.deps.connectors;
    switch (a.type) {
      case 'detach': {
        // A document's kept cloud copy is let go: a folder set it now sits in takes it in after this.
        const kept = this.current.cloud.get(m.key);
        if (m.direct && kept) this.deps.renamed?.set(`${a.setId}:${m.key}`, kept);
        return 0;
      }
      case 'adopt':
      case 'forget':
      case 'fail':
        return 0;
      case 'rename-loser': {
        const id = this.idOf(m, a.on);
        const node = this.current[a.on].get(m.key);
        // The loser leaves without our lock, released first: a kill in between leaves the member unlocked,
        // which the next pass locks again, never an orphan read-only. A documents set's loser becomes
        // nobody's file; a folder set's is a new member, locked again by its own `lock` action once its copy
        // is made (reconcile's keepBoth): killed before that, the rerun finds a writable file and takes it in
        // as new (model emulator seed 722: the lock was carried through the rename and lost with the kill).
        if (a.on === 'onprem' && m.lockedByUs && c.onprem.unlock) await c.onprem.unlock(id);
        // The renamed loser (a new token where a rename bumps the modification time) is what its own member
        // records once copied across.
        const parentId = a.parent ? this.parentId(a.parent, a.on) : (node?.parentId ?? m[a.on]!.parentId!);
        const loser = await c[a.on].move(id, parentId, a.name);
        this.renamedLosers.set(m.key, loser);
        if (m.direct) this.deps.renamed?.set(`${a.setId}:${m.key}`, loser);
        return 0;
      }
      case 'delete':
        await c[a.to].delete(this.idOf(m, a.to), m.kind);
        return 0;
      case 'mkdir': {
        const parentId = this.parentId(a.parent, a.to);
        let node: RemoteNode;
        try {
          node = await c[a.to].createFolder(parentId, a.name, m.props);
        } catch (err) {
          // A folder of that name is already there (our own from a killed pass, or the user's): merge into it.
          const existing = await this.existingChild(err, a.to, parentId, a.name, m.key);
          if (!existing || existing.kind !== 'folder') throw err;
          node = existing;
        }
        this.latest[a.to].set(m.key, node);
        return 0;
      }
      case 'copy': {
        const renamed =
          a.after === undefined
            ? undefined
            : a.afterSet === undefined
              ? this.renamedLosers.get(a.after)
              : this.deps.renamed?.get(`${a.afterSet}:${a.after}`);
        if (renamed) this.latest[a.from].set(m.key, renamed);
        const parentId = this.parentId(a.parent, a.to);
        const { node, hash, bytes } = await this.transfer(m, a.from, a.to, (src) =>
          c[a.to].createFile(
            parentId,
            a.name,
            src,
            { size: a.size, mtimeMs: this.sourceNode(m, a.from)?.mtimeMs },
            m.props,
          ),
        ).catch(async (err) => {
          // A retried create must adopt what the killed pass already made, never make a twin.
          const existing = await this.existingChild(err, a.to, parentId, a.name, m.key);
          if (!existing || existing.kind !== 'file') throw err;
          const [theirs, ours] = await Promise.all([
            hashChecked(await c[a.to].readContent(existing.id), existing.size, `${a.to} ${a.name}`),
            hashChecked(
              await c[a.from].readContent(this.idOf(m, a.from)),
              this.sourceNode(m, a.from)?.size,
              `the ${a.from} copy of ${m.key}`,
            ),
          ]);
          if (theirs !== ours) throw err;
          return { node: existing, hash: ours, bytes: 0 };
        });
        this.latest[a.to].set(m.key, node);
        this.hashes.set(m.key, hash);
        if (c[a.to].flush && bytes > 0) this.unflushed.add(a.to);
        return bytes;
      }
      case 'update': {
        if (a.conflict) {
          // A prior version keeps the loser only if the server really makes one (not on an unversioned node).
          const loser = c[a.conflict.loser];
          const kept =
            loser.capabilities.versions &&
            (loser.keepPriorVersion ? await loser.keepPriorVersion(this.idOf(m, a.conflict.loser)) : true);
          if (!kept) await this.backup(m, a.conflict.loser);
        }
        const targetId = this.idOf(m, a.to);
        await this.recordPlace(m, a.to, targetId);
        const { node, hash, bytes } = await this.transfer(m, a.from, a.to, (src) =>
          c[a.to].updateContent(targetId, src, {
            size: a.size,
            mtimeMs: this.sourceNode(m, a.from)?.mtimeMs,
            comment: a.conflict ? `synced with conflict (${a.conflict.policy})` : 'synced by cloudsync',
          }),
        );
        this.latest[a.to].set(m.key, node);
        this.hashes.set(m.key, hash);
        if (c[a.to].flush) this.unflushed.add(a.to);
        return bytes;
      }
      case 'move': {
        const parentId = this.parentId(a.parent, a.to);
        const id = this.idOf(m, a.to);
        const base = m[a.to];
        if (base && base.id !== id) {
          // The node to move took the member's place (a save by rename): the state learns its identity (only
          // that; what changed stays to be synced) before it moves, or a pass killed right after the move
          // would find neither the recorded node nor one in its place (model seed 1658).
          const known = { ...m, [a.to]: { ...base, id } };
          await this.deps.store.append(this.state.set.id, { op: 'put', member: known });
        }
        const node = await c[a.to].move(id, parentId, a.name);
        this.latest[a.to].set(m.key, node);
        return 0;
      }
      case 'props': {
        const setProps = c[a.to].setProps;
        if (setProps) this.latest[a.to].set(m.key, await setProps.call(c[a.to], this.idOf(m, a.to), a.props));
        return 0;
      }
      case 'lock': {
        const lock = c.onprem.lock;
        const id = this.idOf(m, 'onprem');
        // An editor that saved by rename may keep the old file under another name (a backup, an excluded
        // name): that copy is no longer the member and keeps no lock of ours (model seed 2811).
        if (m.lockedByUs && m.onprem && m.onprem.id !== id) await this.releaseLock(m.onprem.id);
        if (!lock) return 0;
        const claimed = !m.lockedByUs && (await this.recordLockIntent(m));
        if (await lock.call(c.onprem, id)) m.lockedByUs = true;
        // Read-only already (the user's own lock, made since the plan): not ours, recorded so when it settles.
        else if (claimed) delete m.lockedByUs;
        return 0;
      }
    }
  }

  /**
   * An update may write a new node in the target's place (a local file is replaced by rename). If the node
   * moved since the last pass (a document moved out of its folder), the state learns where it is now (only
   * that; its content stays to be synced) before the write, or a pass killed right after it would find
   * neither the recorded node nor one in the recorded place, take the member for deleted there and pull it
   * back beside the written copy (model seed 3596). Where it is now is where this pass put it, if it moved
   * it (`latest`): the place read at the pass's start would record a renamed node under its old name (model
   * seed 4332: renamed, then updated, killed right after the write; the rerun looked for a replacement under
   * the old name, found none, failed the member DELETED_ON_CLOUD and pulled the new node back as a new file).
   */
  protected async recordPlace(m: MemberState, side: Side, id: string): Promise<void> {
    const base = m[side];
    const now = this.latest[side].get(m.key) ?? this.current[side].get(m.key);
    if (!base || !now || now.id !== id) return;
    if (now.parentId === base.parentId && now.name === base.name && base.id === id) return;
    const path = (await this.deps.connectors[side].pathOf(id)) ?? base.path;
    const known = { ...m, [side]: { ...base, id, parentId: now.parentId, name: now.name, path } };
    await this.deps.store.append(this.state.set.id, { op: 'put', member: known });
  }

  protected sourceNode(m: MemberState, side: Side): RemoteNode | undefined {
    return this.latest[side].get(m.key) ?? this.current[side].get(m.key);
  }

  /** Stream `from` → `to` through a hasher, so the recorded hash is of exactly the bytes written. */
  protected async transfer(
    m: MemberState,
    from: Side,
    _to: Side,
    write: (src: Readable) => Promise<RemoteNode>,
  ): Promise<{ node: RemoteNode; hash: string; bytes: number }> {
    const src = await this.deps.connectors[from].readContent(this.idOf(m, from));
    const whole = wholeBytes(src);
    if (whole !== undefined) {
      // A small file read in one piece: checked and hashed as it is, no stream in between.
      try {
        const hash = hashWhole(whole, this.sourceNode(m, from)?.size, `the ${from} copy of ${m.key}`);
        contentCopied(whole.length);
        return { node: await write(src), hash, bytes: whole.length };
      } finally {
        src.destroy();
      }
    }
    const hasher = new SizeCheckedStream(this.sourceNode(m, from)?.size, `the ${from} copy of ${m.key}`);
    // pipe() with the error forwarded by hand: stream.pipeline() builds an AbortError per finished transfer,
    // which showed in the profile of a pass over many small files.
    src.on('error', (err) => hasher.destroy(err));
    const onEvent = this.deps.onEvent;
    if (onEvent) {
      // Progress while a large file moves, not only when it is done; throttled so small files cost nothing.
      let pending = 0;
      let last = Date.now();
      src.on('data', (chunk: Buffer) => {
        pending += chunk.length;
        const now = Date.now();
        if (now - last < 250) return;
        last = now;
        onEvent({ event: 'bytes', setId: this.state.set.id, member: m.key, bytes: pending });
        pending = 0;
      });
    }
    src.on('data', (chunk: Buffer) => contentCopied(chunk.length));
    src.pipe(hasher);
    try {
      const node = await write(hasher);
      return { node, hash: hasher.digest(), bytes: hasher.bytes };
    } finally {
      src.destroy();
    }
  }

  /**
   * After a name clash, the node that holds the name (to adopt it when it is ours), unless it is another
   * member's node: two members never share one node.
   */
  protected async existingChild(
    err: unknown,
    side: Side,
    parentId: string,
    name: string,
    key: string,
  ): Promise<RemoteNode | null> {
    if (!(err instanceof NodeError) || err.code !== 'TARGET_FOLDER_NAME_CLASH') return null;
    const listing = await this.deps.connectors[side].listTree(parentId, { recursive: false });
    const found = listing.nodes.find((n) => n.parentId === parentId && n.name === name) ?? null;
    if (found && this.state.members.some((x) => x.key !== key && !x.detached && x[side]?.id === found.id))
      return null;
    return found;
  }
}
