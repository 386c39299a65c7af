import { otherSide, type Side } from '../connectors/types.js';
import type { MemberState } from '../store/schema.js';
import { FreshPairing } from './reconcile-fresh.js';

/**
 * A member one side lost (deleted or moved out): the set's delete options decide, and a change on the other
 * side beats the delete (what changed is re-created where it was deleted).
 */
export class GoneHandling extends FreshPairing {
  /** `side` lost the member (deleted or moved out): apply the set's delete options to the whole subtree. */
  protected handleGone(m: MemberState, side: Side): void {
    const other = otherSide(side);
    const deleteOther =
      side === 'onprem' ? this.state.set.options.deleteOnCloud : this.state.set.options.deleteOnPrem;
    const path = this.pathOf(m);
    if (!deleteOther) {
      if (side === 'onprem') {
        this.walkGone(m, side, (d) => this.push({ type: 'detach', member: d.key, path: this.pathOf(d) }));
      } else {
        this.walkGone(m, side, (d) =>
          this.push({
            type: 'fail',
            member: d.key,
            path: this.pathOf(d),
            code: 'DELETED_ON_CLOUD',
            details: 'Node deleted on cloud',
            clearSide: 'cloud',
            side: 'cloud',
          }),
        );
      }
      return;
    }
    if (this.mustKeep(m, side)) {
      // A change on the other side beats this delete: re-create the node where it was deleted.
      this.recreate(m, other, side);
      return;
    }
    if (!m[other]) {
      this.forgetSubtree(m, 'deleted');
      return;
    }
    const covers: string[] = [];
    const collect = (d: MemberState) => {
      for (const c of this.childrenOf.get(d.key) ?? []) {
        if (this.presence(c, side).state === 'present') continue; // moved away first; not deleted with it
        covers.push(c.key);
        collect(c);
      }
    };
    collect(m);
    this.push({ type: 'delete', member: m.key, to: other, path, covers });
    for (const c of this.descendants(m)) {
      if (!covers.includes(c.key)) this.visitSync(c);
    }
  }

  /** For every member below `m` (and `m`) gone on `side`, call `fn`; members still present are visited apart. */
  protected walkGone(m: MemberState, side: Side, fn: (d: MemberState) => void): void {
    fn(m);
    for (const c of this.childrenOf.get(m.key) ?? []) {
      if (this.presence(c, side).state === 'present') this.visitSync(c);
      else if (c[side] || c[otherSide(side)]) this.walkGone(c, side, fn);
    }
  }

  /** Must the member survive a delete on `side`? Yes when its other copy, or anything below it, changed or is new. */
  protected mustKeep(m: MemberState, side: Side): boolean {
    const other = otherSide(side);
    const o = this.presence(m, other);
    if (o.state !== 'present') return false;
    if (this.newKeys.has(m.key)) return true;
    if (o.change.kind === 'changed') return true;
    return (this.childrenOf.get(m.key) ?? []).some(
      (c) => this.presence(c, side).state !== 'present' && this.mustKeep(c, side),
    );
  }

  protected recreate(m: MemberState, from: Side, to: Side): void {
    const node = this.current[from].get(m.key) ?? null;
    const parent = this.parentRefFor(m, from, to, node);
    const path = this.pathOf(m);
    if (!parent) {
      this.push({
        type: 'fail',
        member: m.key,
        path,
        code: 'TARGET_FOLDER_NOT_FOUND',
        details: `no ${to} folder to re-create it in`,
        side: to,
      });
      return;
    }
    this.willExist[to].add(m.key);
    const name = node?.name ?? m[from]!.name;
    this.claim(to, this.parentIdOf(parent, to), name);
    if (m.kind === 'folder') this.push({ type: 'mkdir', member: m.key, to, parent, name, path });
    else this.push({ type: 'copy', member: m.key, from, to, parent, name, size: node?.size ?? 0, path });
    this.warnings.push(
      `${path}: deleted on ${to} but changed on ${from}; the change wins and it is re-created`,
    );
    for (const c of this.childrenOf.get(m.key) ?? []) {
      if (this.presence(c, to).state === 'present') {
        this.visitSync(c);
        continue;
      }
      if (this.mustKeep(c, to)) this.recreate(c, from, to);
      else if (c[from])
        this.push({
          type: 'delete',
          member: c.key,
          to: from,
          path: this.pathOf(c),
          covers: this.descendants(c).map((d) => d.key),
        });
      else this.forgetSubtree(c, 'deleted');
    }
  }
}
