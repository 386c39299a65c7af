import { otherSide, type RemoteNode, type Side, type SyncedProps } from '../connectors/types.js';
import type { MemberState } from '../store/schema.js';
import type { SideChange } from './detect.js';
import type { Action, ParentRef } from './plan.js';
import { conflictName, decideWinner } from './conflict.js';
import type { ReconcileInput, ReconcileResult } from './reconcile-base.js';
import { GoneHandling } from './reconcile-gone.js';
import { snapshotOf } from './reconcile-base.js';
import { memberSettled } from './quiet.js';

export { snapshotOf, type ReconcileInput, type ReconcileResult } from './reconcile-base.js';

/**
 * Both sides' changes + the set's options and conflict policy → a plan (plain data). Nothing is changed here.
 * Rules (SPEC §3, §4): pairing by identity; a change beats a delete; equal content is not a conflict; the
 * losing bytes of a conflict are kept; names already taken fail the member without touching the other node.
 */
export async function reconcile(input: ReconcileInput): Promise<ReconcileResult> {
  return new Reconciler(input).run();
}

/** The walk over every member, parents first, and the merge of two sides that both still have the node. */
class Reconciler extends GoneHandling {
  async run(): Promise<ReconcileResult> {
    const memberCount = this.state.members.filter((m) => !m.detached).length;
    for (const m of this.state.members) this.index(m);
    for (const side of ['onprem', 'cloud'] as const) {
      for (const [key, ch] of this.input.changes[side].byMember) {
        const node = ch.kind === 'gone' ? null : ch.node;
        if (node) {
          this.current[side].set(key, node);
          this.keyById[side].set(node.id, key);
        } else if (ch.kind === 'gone') {
          // A gone member's id must not shadow a new node that now carries it (an id reused by the system).
          const id = this.byKey.get(key)![side]?.id;
          if (id !== undefined && this.keyById[side].get(id) === key) this.keyById[side].delete(id);
        }
      }
    }
    await this.addFresh();
    this.followArriving();
    await this.findTouched();
    await this.findMovedAway();
    for (const m of this.state.members.concat(this.added)) {
      if (!m.parentKey || !this.byKey.has(m.parentKey)) continue;
      const list = this.childrenOf.get(m.parentKey);
      if (list) list.push(m);
      else this.childrenOf.set(m.parentKey, [m]);
    }
    this.markLeaving();
    this.forgetVanishedDetached();
    const roots = this.state.members
      .concat(this.added)
      .filter((m) => !m.parentKey || !this.byKey.has(m.parentKey));
    for (const m of roots) await this.visit(m);
    for (;;) {
      while (this.pendingVisits.length > 0) await this.visit(this.pendingVisits.shift()!);
      if (this.deferred.size === 0) break;
      this.runDeferred(); // waiting for a folder never visited: planned now, failing as they would have
    }
    this.keepFoldersHoldingFailed();
    for (const side of ['onprem', 'cloud'] as const) {
      for (const s of this.input.views[side].skipped)
        this.warnings.push(`${side}: skipped ${s.path} (${s.reason})`);
    }
    return {
      plan: {
        setId: this.state.set.id,
        actions: this.actions,
        added: this.added,
        warnings: this.warnings,
        memberCount,
      },
      current: this.current,
      spilled: this.spilled,
    };
  }

  /**
   * A folder gone on one side whose other copy holds a member this plan fails (its move out clashed, model
   * seed 4324): that member stays where it is, so the folder cannot be deleted there (the apply found it
   * holding the file and left it PENDING for the next pass to re-create). A change beats a delete: the
   * folder is kept and re-created on the side that deleted it, in this pass (its parents too, when their
   * deletes were planned as well).
   */
  private keepFoldersHoldingFailed(): void {
    let failed: Set<string> | undefined;
    for (const a of this.actions) if (a.type === 'fail') (failed ??= new Set()).add(a.member);
    if (!failed) return;
    const busy = new Set<string>(); // members with an action that moves or deletes a copy
    for (const a of this.actions)
      if (a.type === 'delete' || a.type === 'move') busy.add(`${a.to}:${a.member}`);
    for (const side of ['onprem', 'cloud'] as const) {
      const idOn = (m: MemberState) => this.current[side].get(m.key) ?? m[side] ?? undefined;
      const deletes = this.actions.filter(
        (a) => a.type === 'delete' && a.to === side && this.byKey.get(a.member)?.kind === 'folder',
      );
      if (deletes.length === 0) continue;
      // The folders on `side` something stays in: a failed member's, then every kept folder's parent.
      const staying = new Set<string>();
      for (const key of failed) {
        const node = this.current[side].get(key);
        if (node?.parentId && !busy.has(`${side}:${key}`)) staying.add(node.parentId);
      }
      const kept = new Set<Action>();
      for (let grew = true; grew;) {
        grew = false;
        for (const d of deletes) {
          const f = this.byKey.get(d.member)!;
          const at = idOn(f);
          if (kept.has(d) || !at || !staying.has(at.id)) continue;
          kept.add(d);
          if (at.parentId) staying.add(at.parentId);
          grew = true;
        }
      }
      if (kept.size === 0) continue;
      const rest = this.actions.filter((a) => !kept.has(a));
      this.actions.length = 0;
      this.actions.push(...rest);
      const other = otherSide(side);
      const folders = [...kept].map((d) => this.byKey.get(d.member)!);
      // Parents first: a child's mkdir goes into its re-created parent.
      folders.sort((a, b) => this.pathOf(a).split('/').length - this.pathOf(b).split('/').length);
      for (const f of folders) {
        this.warnings.push(
          `${this.pathOf(f)}: deleted on ${other} but it holds a file that stays (see its failure); it is re-created`,
        );
        this.wontExist[other].delete(f.key);
        this.planCreate(f, side, other);
      }
      this.runDeferred();
      // One that cannot be re-created (a name taken there, no folder to put it in) fails, recorded where its
      // one copy is: its copy on `other` is gone.
      const keys = new Set(folders.map((f) => f.key));
      for (const a of this.actions)
        if (a.type === 'fail' && keys.has(a.member) && !a.clearSide) a.clearSide = other;
    }
  }

  /**
   * A detached copy deleted (or moved out) on the cloud leaves nothing to keep apart: its record goes, so a
   * node later put in its place is new. Judged only where its folder was listed.
   */
  private forgetVanishedDetached(): void {
    if (this.state.set.kind !== 'folder') return;
    const view = this.input.views.cloud;
    for (const m of this.state.members) {
      const s = m.detached ? m.cloud : null;
      if (!s?.parentId || !view.nodes.has(s.parentId) || view.unreadable.has(s.parentId)) continue;
      if (view.detachedPresent.has(s.id)) continue;
      this.visited.add(m.key);
      this.push({
        type: 'forget',
        member: m.key,
        path: this.pathOf(m),
        reason: 'its detached cloud copy is gone',
      });
    }
  }

  /**
   * Nodes (by side) that leave their folder this pass, so their names free up for others: moved or renamed
   * away, taken by another set, or files deleted by this pass (file deletes run before moves and creates).
   */
  protected markLeaving(): void {
    for (const side of ['onprem', 'cloud'] as const) {
      const other = otherSide(side);
      const deletes =
        side === 'onprem' ? this.state.set.options.deleteOnCloud : this.state.set.options.deleteOnPrem;
      for (const [key, ch] of this.input.changes[side].byMember) {
        const m = this.byKey.get(key)!;
        if (!m[other]) continue;
        if (ch.kind === 'changed' && (ch.moved || ch.renamed)) this.leaving[other].add(m[other]!.id);
        // Gone to another set: the set it joined moves the other copy away (it applies first, see pass.ts).
        else if (ch.kind === 'gone' && m[side] && this.input.outgoing?.has(`${side}:${m[side].id}`))
          this.leaving[other].add(m[other]!.id);
        else if (ch.kind === 'gone' && deletes && m.kind === 'file' && !this.mustKeep(m, side))
          this.leaving[other].add(m[other]!.id);
      }
    }
  }

  /**
   * Members gone on one side whose other copy only looks changed (touched: a new mtime, the same bytes as at
   * the last sync): for change-beats-delete they are unchanged. Hashes are read only for these.
   */
  protected async findTouched(): Promise<void> {
    for (const side of ['onprem', 'cloud'] as const) {
      const other = otherSide(side);
      for (const [key, ch] of this.input.changes[side].byMember) {
        if (ch.kind !== 'gone') continue;
        const m = this.byKey.get(key)!;
        const oc = this.input.changes[other].byMember.get(key);
        if (!m.hash || oc?.kind !== 'changed' || !oc.content || oc.moved || oc.renamed || oc.props) continue;
        if ((await this.input.hashOf(other, oc.node.id)) === m.hash) this.touchedOnly.add(key);
      }
    }
  }

  protected async visit(m: MemberState): Promise<void> {
    if (m.detached) {
      if (this.childrenOf.has(m.key)) await this.detachLeftBehind(m);
      return;
    }
    if (this.visited.has(m.key)) return;
    this.visited.add(m.key);
    await this.visitMember(m);
    this.runDeferred(m.key);
  }

  /**
   * A detached copy is left alone, and so is what it holds. A member below it that is not detached was left so
   * by a pass killed while it detached the subtree (one record per member; model seed 3723): it is detached
   * now like the rest, unless its on-prem copy is still in the set (moved out of the folder first), which is
   * visited where it is. The cloud copies below a detached folder are not listed: they are not asked.
   */
  private async detachLeftBehind(m: MemberState): Promise<void> {
    for (const c of this.childrenOf.get(m.key) ?? []) {
      if (c.detached) {
        await this.detachLeftBehind(c);
      } else if (!this.visited.has(c.key)) {
        if (this.leavesSet(c) || this.presence(c, 'onprem').state === 'present') {
          await this.visit(c);
          continue;
        }
        this.visited.add(c.key);
        this.wontExist.onprem.add(c.key);
        this.push({ type: 'detach', member: c.key, path: this.pathOf(c) });
        await this.detachLeftBehind(c);
      }
    }
  }

  private async visitMember(m: MemberState): Promise<void> {
    if (this.settled(m)) {
      // Nothing to merge (the common case: 99% of a 1% edit pass); its children may still have changed.
      for (const child of this.childrenOf.get(m.key) ?? []) await this.visit(child);
      return;
    }
    const on = this.presence(m, 'onprem');
    const cl = this.presence(m, 'cloud');
    const bad = this.current.onprem.get(m.key)?.invalidName
      ? 'onprem'
      : this.current.cloud.get(m.key)?.invalidName
        ? 'cloud'
        : null;
    if (bad) {
      // Renamed to a name that is not UTF-8: it is still there (never a delete), but no side can be given
      // that name. It stays FAILED until renamed.
      this.push({
        type: 'fail',
        member: m.key,
        path: this.pathOf(m),
        code: 'INVALID_NAME',
        details: `the ${bad} name ${this.current[bad].get(m.key)!.name} is not valid UTF-8; rename it`,
        side: otherSide(bad),
      });
      return;
    }
    const slot = (side: Side) => (m[side] ? `${side}:${m[side]!.id}` : '');
    const held = this.input.blocked?.get(slot('onprem')) ?? this.input.blocked?.get(slot('cloud'));
    if (
      held !== undefined ||
      this.input.blocked?.has(slot('onprem')) ||
      this.input.blocked?.has(slot('cloud'))
    ) {
      // Its move into another set cannot be applied: it stays in this set, untouched, and says why, recorded
      // where its copies are now (outside this set's folders: found by id; model seed 616).
      if (held) {
        for (const side of ['onprem', 'cloud'] as const) {
          const s = m[side];
          if (!s || !this.input.locate || (side === 'onprem' ? on : cl).state !== 'gone') continue;
          const node = await this.input.locate(side, s.id);
          if (node && node.kind === m.kind) this.current[side].set(m.key, node);
        }
        this.push({
          type: 'fail',
          member: m.key,
          path: this.pathOf(m),
          code: held.code,
          details: held.details,
          held: true,
        });
      }
      // Files held with it (or it, held quietly) that were edited meanwhile: never SYNCED with two contents.
      // They fail with the folder's reason; the edit goes across with the move (model seed 1176).
      const files =
        m.kind === 'file' ? (held ? [] : [m]) : this.descendants(m).filter((d) => d.kind === 'file');
      for (const d of files) {
        if (!(await this.editedWhileHeld(d))) continue;
        const why = held ?? this.heldFolder(d);
        this.push({
          type: 'fail',
          member: d.key,
          path: this.pathOf(d),
          code: why?.code ?? 'TARGET_FOLDER_NOT_FOUND',
          details: `edited while the move of its folder into another set waits${why ? `: ${why.details}` : ''}`,
          held: true,
        });
      }
      return;
    }
    const outgoing = (side: Side) => m[side] && this.input.outgoing?.has(slot(side));
    if (outgoing('onprem') || outgoing('cloud')) {
      this.push({ type: 'forget', member: m.key, path: this.pathOf(m), reason: 'moved to another sync set' });
      // What was below it went along (forgotten here too) or stayed in this set (visited where it is).
      for (const child of this.childrenOf.get(m.key) ?? []) await this.visit(child);
      return;
    }
    if (on.state !== 'present' && cl.state !== 'present') {
      this.forgetSubtree(m, 'deleted on both sides');
      return;
    }
    if (on.state === 'gone') return this.handleGone(m, 'onprem');
    if (cl.state === 'gone') return this.handleGone(m, 'cloud');
    if (on.state === 'present' && cl.state === 'absent') {
      if (m.errorCode === 'DELETED_ON_CLOUD' && !m.requested) {
        // Waits for request-sync, subtree too; a rename or move on-prem meanwhile is still recorded, and so is
        // a node that replaced it (a save by rename, or a new file put where it was moved out from: model seed
        // 4714, the new file was claimed as the member's and recorded nowhere).
        if (
          on.change.kind === 'changed' &&
          (on.change.moved || on.change.renamed || on.change.node.id !== m.onprem?.id)
        )
          this.push({
            type: 'fail',
            member: m.key,
            path: this.pathOf(m),
            code: 'DELETED_ON_CLOUD',
            details: m.errorDetails ?? 'Node deleted on cloud',
            clearSide: 'cloud',
          });
      } else this.planCreate(m, 'onprem', 'cloud');
    } else if (on.state === 'absent' && cl.state === 'present') {
      this.planCreate(m, 'cloud', 'onprem');
    } else if (on.state === 'present' && cl.state === 'present') {
      await this.merge(m, on.change, cl.change);
    }
    for (const child of this.childrenOf.get(m.key) ?? []) await this.visit(child);
  }

  /** memberSettled (quiet.ts), and nothing of this pass made it different: not new, not moving sets. */
  private settled(m: MemberState): boolean {
    if (this.newKeys.has(m.key) || this.pairedNow.has(m.key)) return false;
    if (!memberSettled(m, this.input.changes, this.state.set.options.lockOnPrem)) return false;
    const { outgoing, blocked } = this.input;
    if (this.synthetic.size === 0 && !outgoing?.size && !blocked?.size) return true;
    for (const side of ['onprem', 'cloud'] as const) {
      if (this.synthetic.has(`${side}:${m.key}`)) return false;
      const slot = `${side}:${m[side]!.id}`;
      if (outgoing?.has(slot) || blocked?.has(slot)) return false;
    }
    return true;
  }

  protected planCreate(m: MemberState, from: Side, to: Side): void {
    const node = this.current[from].get(m.key) ?? null;
    const name = node?.name ?? m[from]!.name;
    const parent = this.parentRefFor(m, from, to, node);
    const path = this.pathOf(m);
    if (!parent) {
      if (this.deferToParent(m, from, node, () => this.planCreate(m, from, to))) return;
      // The parent has no copy on `to` and none is coming (it failed, or waits for request-sync). The node
      // is still a member (a new one is recorded, never silently left out) and is retried every pass.
      this.push({
        type: 'fail',
        member: m.key,
        path,
        code: 'TARGET_FOLDER_NOT_FOUND',
        details: m.direct
          ? `the ${to} folder to put it in does not exist`
          : `its folder has no ${to} copy (see the folder's own failure)`,
        side: to,
      });
      return;
    }
    const parentId = this.parentIdOf(parent, to);
    if (this.nameTaken(to, parentId, name)) {
      this.failNameClash(m, path, name, to);
      return;
    }
    this.claim(to, parentId, name);
    this.willExist[to].add(m.key);
    if (m.kind === 'folder') {
      this.push({ type: 'mkdir', member: m.key, to, parent, name, path });
    } else {
      this.push({
        type: 'copy',
        member: m.key,
        from,
        to,
        parent,
        name,
        size: node?.size ?? m[from]!.size,
        path,
      });
    }
    this.maybeLock(m, to === 'onprem');
  }

  /** lock-onprem: lock a file created on-prem now (a new node), or one not locked yet. */
  protected maybeLock(m: MemberState, createdOnPrem: boolean): void {
    if (!this.state.set.options.lockOnPrem || m.kind !== 'file') return;
    // What is there now decides: a save by rename replaced our locked file with an unlocked one.
    const node = this.current.onprem.get(m.key);
    if (!createdOnPrem && (node ? node.locked : m.lockedByUs)) return;
    this.push({ type: 'lock', member: m.key, path: this.pathOf(m) });
  }

  /** Both copies exist: combine content, location and metadata changes. */
  protected async merge(m: MemberState, oc: SideChange, cc: SideChange): Promise<void> {
    const path = this.pathOf(m);
    const onNode = oc.kind === 'changed' ? oc.node : this.current.onprem.get(m.key);
    const clNode = cc.kind === 'changed' ? cc.node : this.current.cloud.get(m.key);
    const requested = m.requested === true;
    const paired = this.pairedNow.has(m.key);
    const onContent =
      !paired &&
      ((oc.kind === 'changed' && oc.content && !(await this.sameBytes(m, 'onprem', oc))) ||
        (requested && m.kind === 'file'));
    const clContent =
      !paired && cc.kind === 'changed' && cc.content && !(await this.sameBytes(m, 'cloud', cc));
    let acted = false;
    let onLoserRenamed = false;
    let placed = false; // keep-both already put both versions where they belong: no move after it
    if (onContent && clContent && !requested) {
      const [ho, hc] = await Promise.all([
        this.input.hashOf('onprem', onNode!.id),
        this.input.hashOf('cloud', clNode!.id),
      ]);
      // A side whose bytes still equal the last synced ones did not really change (its token moved for a
      // rename or a metadata edit): the other side's edit is no conflict.
      const onlyOn = ho !== hc && m.hash !== undefined && hc === m.hash;
      const onlyCl = ho !== hc && m.hash !== undefined && ho === m.hash;
      if (onlyOn || onlyCl) {
        this.push({
          type: 'update',
          member: m.key,
          from: onlyOn ? 'onprem' : 'cloud',
          to: onlyOn ? 'cloud' : 'onprem',
          size: (onlyOn ? onNode : clNode)?.size ?? 0,
          path,
        });
        acted = true;
      } else if (ho !== hc) {
        const winner = decideWinner(this.state.set.options.conflict, onNode!, clNode!);
        const loser = otherSide(winner);
        const size = (winner === 'onprem' ? onNode : clNode)!.size;
        if (this.state.set.options.conflict === 'keep-both') {
          // The loser's node is renamed away: when the merged location changes its side, the winner's copy
          // is made there directly (a move of the renamed node would find nothing to move).
          const place = this.locationOf(m, oc, cc, requested);
          const into =
            place?.to === loser && !this.nameTaken(loser, place.parentId, place.name) ? place : null;
          placed = this.keepBoth(m, loser, (loser === 'onprem' ? onNode : clNode)!, size, into);
          if (into) placed = true;
          onLoserRenamed = loser === 'onprem';
        } else {
          this.push({
            type: 'update',
            member: m.key,
            from: winner,
            to: loser,
            size,
            path,
            conflict: { policy: this.state.set.options.conflict, loser },
          });
        }
        acted = true;
      } else {
        m.hash = ho;
      }
    } else if (onContent) {
      this.push({
        type: 'update',
        member: m.key,
        from: 'onprem',
        to: 'cloud',
        size: onNode?.size ?? 0,
        path,
      });
      acted = true;
    } else if (clContent) {
      this.push({
        type: 'update',
        member: m.key,
        from: 'cloud',
        to: 'onprem',
        size: clNode?.size ?? 0,
        path,
      });
      acted = true;
    }
    if (!placed) acted = this.mergeLocation(m, oc, cc, requested) || acted;
    acted = this.mergeProps(m, oc, cc, onNode ?? null, clNode ?? null) || acted;
    // Our lock is re-applied when it went missing: an editor that saves by rename replaces the locked file.
    if (
      m.kind === 'file' &&
      this.state.set.options.lockOnPrem &&
      onNode &&
      (!onNode.locked || onLoserRenamed)
    ) {
      this.push({ type: 'lock', member: m.key, path: this.pathOf(m) });
      acted = true;
    }
    if (!acted && (m.status !== 'SYNCED' || oc.kind === 'changed' || cc.kind === 'changed' || requested)) {
      if (m.status === 'FAILED' && !this.sameLocation(m, onNode ?? null, clNode ?? null)) {
        // A rename that failed (a name clash) is still not applied: the member keeps failing, visibly, until
        // the name is free or a side renames it again. Adopting it would record two different names as synced.
        this.push({
          type: 'fail',
          member: m.key,
          path,
          code: m.errorCode ?? 'TARGET_FOLDER_NAME_CLASH',
          details: m.errorDetails ?? 'the two sides hold it under different names',
        });
        return;
      }
      // Both sides already agree (or a failure went away): record it.
      this.push({ type: 'adopt', member: m.key, path });
    }
  }

  /** Do both copies have the same name and (for indirect members) the same parent member? */
  protected sameLocation(m: MemberState, onNode: RemoteNode | null, clNode: RemoteNode | null): boolean {
    const on = onNode ?? m.onprem;
    const cl = clNode ?? m.cloud;
    if (!on || !cl) return true;
    if (on.name !== cl.name) return false;
    if (m.direct) return true;
    const onParent = on.parentId ? this.keyById.onprem.get(on.parentId) : undefined;
    const clParent = cl.parentId ? this.keyById.cloud.get(cl.parentId) : undefined;
    return onParent === clParent;
  }

  /**
   * A token that moved together with a rename, a move or a metadata edit may not mean new bytes (an Alfresco
   * token carries modifiedAt, which those move too): the bytes are hashed and compared with the last synced
   * ones, so a rename stays a rename. A token change alone is a content change and needs no hash.
   */
  protected async sameBytes(m: MemberState, side: Side, ch: SideChange): Promise<boolean> {
    if (ch.kind !== 'changed' || m.hash === undefined) return false;
    // A FAILED member's record may hold a rename that was never applied, with the token from before it (a
    // server whose renames move the token): its bytes are compared too.
    if (!(ch.renamed || ch.moved || ch.props || m.status === 'FAILED')) return false;
    if (ch.node.size !== m[side]?.size) return false;
    return (await this.input.hashOf(side, ch.node.id)) === m.hash;
  }

  /**
   * keep-both: the loser is renamed on its side (a name no other node holds there or on the winner's side) and
   * becomes a member of its own, copied to the winner's side in this same pass; the winner's bytes take the
   * original name on the loser's side. A documents set has fixed membership: there the renamed loser stays on
   * its side only.
   */
  protected keepBoth(
    m: MemberState,
    loser: Side,
    loserNode: RemoteNode,
    size: number,
    into: { parent: ParentRef; parentId: string | undefined; name: string } | null,
  ): boolean {
    const winner = otherSide(loser);
    const path = this.pathOf(m);
    // Moved in from another set by the winner's side: the loser's copy still sits in the set it left. Both
    // versions go where the move took the node (the loser under its conflict name), all in this set.
    const movedBy = this.arrived.get(m.key);
    let destKey = movedBy === winner ? this.destinationFor(m, winner, loser) : undefined;
    const pid = loserNode.parentId;
    if (!destKey && !m.direct && pid && !this.keyById[loser].has(pid)) {
      // Moved out of every set on the loser's side while the winner moved it within the set (findMovedAway):
      // the loser comes back into the set beside the winner's bytes, never renamed where it sits outside
      // (model seed 2247).
      const back = into && 'member' in into.parent ? into.parent.member : (m.parentKey ?? undefined);
      if (back && this.byKey.get(back)?.[loser]) destKey = back;
    }
    const destId = destKey ? this.byKey.get(destKey)![loser]!.id : undefined;
    const name = this.freeConflictName(m, loser, destId ? { ...loserNode, parentId: destId } : loserNode);
    const dest: ParentRef | undefined = destKey ? { member: destKey } : undefined;
    this.push({
      type: 'rename-loser',
      member: m.key,
      on: loser,
      name,
      path,
      ...(dest ? { parent: dest } : {}),
    });
    // Otherwise the winner's bytes go where the merged location is on the loser's side (`into`: the winner
    // renamed or moved it), else where the loser's node is now (it may have moved).
    if (!dest && into) this.claim(loser, into.parentId, into.name);
    this.push({
      type: 'copy',
      member: m.key,
      from: winner,
      to: loser,
      parent:
        dest ?? into?.parent ?? (loserNode.parentId ? { id: loserNode.parentId } : this.sameParent(m, loser)),
      name: dest ? (this.current[winner].get(m.key)?.name ?? loserNode.name) : (into?.name ?? loserNode.name),
      size,
      path,
    });
    // Our lock on an on-prem loser is released before its rename (apply's rename-loser): its new member is
    // locked again by a `lock` action of its own after its copy (maybeLock sees the node unlocked).
    const unlocked = loser === 'onprem' && m.lockedByUs ? { locked: false } : {};
    const renamed: RemoteNode = destId
      ? { ...loserNode, ...unlocked, name, parentId: destId }
      : { ...loserNode, ...unlocked, name };
    if (m.direct) {
      // Fixed membership: not this set's. Where it lands inside a synced folder, that set takes it in.
      this.spilled.push({ side: loser, node: renamed, after: { setId: this.state.set.id, member: m.key } });
      return false;
    }
    const here = loserNode.parentId ? this.keyById[loser].get(loserNode.parentId) : undefined;
    const lm = this.newMember('file', destKey ?? here ?? m.parentKey);
    const dir = destKey
      ? this.byKey.get(destKey)![loser]!.path
      : m[loser]!.path.split('/').slice(0, -1).join('/');
    lm[loser] = snapshotOf(renamed, dir ? `${dir}/${name}` : name);
    this.current[loser].set(lm.key, renamed);
    this.keyById[loser].set(renamed.id, lm.key);
    this.requires.set(lm.key, m.key);
    this.planCreate(lm, loser, winner);
    return destKey !== undefined;
  }

  /** The folder member (with a copy on `loser`) that holds `m`'s `winner` node now, if this set has one. */
  protected destinationFor(m: MemberState, winner: Side, loser: Side): string | undefined {
    const pid = this.current[winner].get(m.key)?.parentId;
    const key = pid ? this.keyById[winner].get(pid) : undefined;
    return key && this.byKey.get(key)?.[loser] ? key : undefined;
  }

  /** The keep-both name for the loser, unused on both sides (two conflicts within a second get " 2", " 3"...). */
  protected freeConflictName(m: MemberState, loser: Side, loserNode: RemoteNode): string {
    const winner = otherSide(loser);
    const here = loserNode.parentId ?? undefined;
    const there = m[winner]?.parentId ?? undefined;
    for (let n = 1; ; n++) {
      const name = conflictName(loserNode.name, loser, this.input.now, n);
      // A name this pass deletes is not free: the loser's rename may run before that delete (model seed 1959).
      const taken =
        this.nameTaken(loser, here, name, undefined, true) ||
        this.nameTaken(winner, there, name, undefined, true);
      if (!taken) return name;
    }
  }

  protected sameParent(m: MemberState, side: Side): { id: string } {
    return { id: m[side]!.parentId ?? this.state.set.target.id };
  }

  /**
   * Where the two sides' locations of `m` merge to, when they differ: the side `to` to change, the folder
   * (`parent`, and its id when known) and the name it must have there. null: nothing to move.
   */
  protected locationOf(
    m: MemberState,
    oc: SideChange,
    cc: SideChange,
    requested: boolean,
  ): { to: Side; parent: ParentRef; parentId: string | undefined; name: string } | null {
    const onMoved = oc.kind === 'changed' && (oc.moved || oc.renamed);
    const clMoved = cc.kind === 'changed' && (cc.moved || cc.renamed);
    if (!onMoved && !clMoved && !requested) return null;
    const loc = (side: Side, ch: SideChange) => {
      const node = ch.kind === 'changed' ? ch.node : this.current[side].get(m.key);
      const pid = node?.parentId ?? m[side]?.parentId ?? null;
      // A parent this set does not know (a member moving in from another set) must never look unchanged.
      const parentKey = m.direct ? null : pid ? (this.keyById[side].get(pid) ?? `?${pid}`) : m.parentKey;
      return { parentKey, name: node?.name ?? m[side]!.name, node };
    };
    const on = loc('onprem', oc);
    const cl = loc('cloud', cc);
    if (on.parentKey === cl.parentKey && on.name === cl.name) return null;
    let winner: Side;
    if (onMoved && clMoved) winner = this.state.set.options.conflict === 'onprem-wins' ? 'onprem' : 'cloud';
    else winner = onMoved || (requested && !clMoved) ? 'onprem' : 'cloud';
    const to = otherSide(winner);
    const w = winner === 'onprem' ? on : cl;
    // A direct member stays where it is on `to` (moved there this pass too, maybe): only its name travels
    // (model seed 847: its old folder may be gone).
    const here = m.direct ? (to === 'onprem' ? on : cl).node?.parentId : undefined;
    const parent: ParentRef =
      w.parentKey && !w.parentKey.startsWith('?')
        ? { member: w.parentKey }
        : { id: here ?? m[to]!.parentId ?? this.state.set.target.id };
    return { to, parent, parentId: this.parentIdOf(parent, to), name: w.name };
  }

  /**
   * A file held in this set whose bytes changed on a side since the last sync: seen here, or (its copy in the
   * other set's folder) found by id. A copy found so is where the member is recorded.
   */
  private async editedWhileHeld(m: MemberState): Promise<boolean> {
    let edited = false;
    for (const side of ['onprem', 'cloud'] as const) {
      const p = this.presence(m, side);
      const base = m[side];
      if (p.state === 'present') {
        const c = p.change;
        edited ||= c.kind === 'changed' && c.content && !(await this.sameBytes(m, side, c));
      } else if (p.state === 'gone' && base && this.input.locate) {
        const node = await this.input.locate(side, base.id);
        if (!node || node.kind !== 'file') continue;
        this.current[side].set(m.key, node);
        if (node.token === base.token) continue;
        // A move may change the token without new bytes (Alfresco's carries modifiedAt): bytes decide.
        if (node.size !== base.size || m.hash === undefined) edited = true;
        else edited ||= (await this.input.hashOf(side, node.id)) !== m.hash;
      }
    }
    return edited;
  }

  /** Why the nearest folder above `m` whose move into another set cannot be applied is held (null: quietly). */
  private heldFolder(
    m: MemberState,
  ): { code: 'TARGET_FOLDER_NAME_CLASH' | 'TARGET_FOLDER_NOT_FOUND'; details: string } | null {
    for (let up = m.parentKey ? this.byKey.get(m.parentKey) : undefined; up;) {
      for (const side of ['onprem', 'cloud'] as const) {
        const why = up[side] ? this.input.blocked?.get(`${side}:${up[side].id}`) : undefined;
        if (why) return why;
      }
      up = up.parentKey ? this.byKey.get(up.parentKey) : undefined;
    }
    return null;
  }

  /** Apply `locationOf`: a move on the side that did not move (or a name clash there). */
  protected mergeLocation(m: MemberState, oc: SideChange, cc: SideChange, requested: boolean): boolean {
    const place = this.locationOf(m, oc, cc, requested);
    if (!place) return false;
    const { to, parent, parentId, name } = place;
    const w = { name };
    const path = this.pathOf(m);
    const folder = 'member' in parent ? parent.member : null;
    if (folder && this.goneThere(folder, to)) {
      // Moved into a folder that has no copy on `to` (deleted there and kept on this side): held where the
      // user put it, FAILED, and moved once the folder is back (`request-sync`) (model seed 1042).
      this.push({
        type: 'fail',
        member: m.key,
        path,
        code: 'TARGET_FOLDER_NOT_FOUND',
        details: `its new folder has no ${to} copy (see the folder's own failure)`,
        side: to,
        held: true,
      });
      return true;
    }
    if (this.nameTaken(to, parentId, w.name, m[to]!.id)) {
      this.failNameClash(m, path, w.name, to);
      return true;
    }
    this.claim(to, parentId, w.name);
    // Both paths on the side being changed: where the node is, and where it goes.
    const fromPath = m[to]!.path;
    const dir =
      'member' in parent
        ? this.byKey.get(parent.member)?.[to]?.path
        : fromPath.split('/').slice(0, -1).join('/');
    const toPath = dir ? `${dir}/${w.name}` : w.name;
    this.push({ type: 'move', member: m.key, to, parent, name: w.name, path: toPath, fromPath });
    return true;
  }

  protected mergeProps(
    m: MemberState,
    oc: SideChange,
    cc: SideChange,
    onNode: RemoteNode | null,
    clNode: RemoteNode | null,
  ): boolean {
    const onP = oc.kind === 'changed' && oc.props;
    const clP = cc.kind === 'changed' && cc.props;
    if (!onP && !clP) return false;
    // Cloud wins a metadata conflict unless the policy says otherwise.
    const from: Side =
      onP && clP
        ? this.state.set.options.conflict === 'onprem-wins'
          ? 'onprem'
          : 'cloud'
        : onP
          ? 'onprem'
          : 'cloud';
    const to = otherSide(from);
    const props: SyncedProps = { ...((from === 'onprem' ? onNode : clNode)?.props ?? {}) };
    if (!this.input.properties[to]) return false; // the other side cannot hold them; kept in state only
    // A property the winner no longer has (set to null, or its aspect removed) is removed on the other side:
    // setProps merges, so the removal must be said with null.
    const before = { ...m[from]?.props, ...(to === 'onprem' ? onNode : clNode)?.props };
    for (const key of Object.keys(before)) if (!(key in props) && before[key] !== null) props[key] = null;
    this.push({ type: 'props', member: m.key, to, props, path: this.pathOf(m) });
    return true;
  }
}
