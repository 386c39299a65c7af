// The user's half of a model run: applies one user operation to a side, after checking that it still makes
// sense there (a replayed or shrunk sequence may name paths that are gone: then the op is skipped), and
// records which versions the user deliberately superseded (overwrote or deleted while seeing their bytes).
import type { Side } from '../../src/connectors/types.js';
import type { Op } from './ops.js';
import type { Version } from './oracle.js';
import type { ModelSide, Snapshot } from './sides.js';

/** Every version ever written and the sides it was written to. */
export class World {
  readonly versions = new Map<string, Version>();
  /**
   * The sets' roots, per set [on-prem prefix, cloud prefix] (a folder set's `A/`, a documents set's file
   * prefix): run-case.ts fills the same array as the passes' context.
   */
  roots: [string, string][] = [];
  constructor(readonly sides: Record<Side, ModelSide>) {}

  /** Is `p` on `on` inside a set (below a folder set's root, or one of a documents set's files)? */
  private inSet(on: Side, p: string): boolean {
    const i = on === 'onprem' ? 0 : 1;
    return this.roots.some((r) => p.startsWith(r[i]!));
  }

  /** Record a new version (written by op `op`; -1 for the setup). */
  wrote(content: string, op: number): void {
    const v = this.versions.get(content);
    if (v) v.writes++;
    else this.versions.set(content, { superseded: false, op, writes: 1 });
  }

  /** The bytes a user write or save replaced, for each version it wrote (edits of one file). */
  readonly replaced = new Map<string, string>();

  /**
   * The versions of one file's line: every version descending by user edits from the first version of the
   * file `content` is in (both sides' edits of one file, the conflict's loser and winner, are one line).
   */
  lineOf(content: string): Set<string> {
    let first = content;
    for (let n = 0; this.replaced.has(first) && n < 10_000; n++) first = this.replaced.get(first)!;
    const out = new Set<string>([first]);
    const todo = [first];
    const next = new Map<string, string[]>();
    for (const [v, old] of this.replaced) next.set(old, [...(next.get(old) ?? []), v]);
    while (todo.length)
      for (const v of next.get(todo.pop()!) ?? [])
        if (!out.has(v)) {
          out.add(v);
          todo.push(v);
        }
    return out;
  }

  /** Versions of a copy cloudsync let go (oracle.ts `checkIntegrity`): recorded after completed passes. */
  readonly released = new Set<string>();

  private supersedeBelow(s: Snapshot, p: string): void {
    for (const [q, e] of s)
      if (e.kind === 'file' && (q === p || q.startsWith(`${p}/`))) {
        const v = this.versions.get(e.content);
        if (v) v.superseded = true;
      }
  }

  /** Versions of the lines of the files below `p` on `on` that are in no other file, only kept as versions. */
  private async historyOnlyKept(on: Side, s: Snapshot, p: string): Promise<string[]> {
    const below = (q: string) => q === p || q.startsWith(`${p}/`);
    const lines = new Set<string>();
    for (const [q, e] of s)
      if (e.kind === 'file' && below(q)) for (const v of this.lineOf(e.content)) lines.add(v);
    if (lines.size === 0) return [];
    const kept = new Set([...(await this.sides.onprem.kept()), ...(await this.sides.cloud.kept())]);
    const inFiles = new Set<string>();
    for (const [q, e] of s) if (e.kind === 'file' && !below(q)) inFiles.add(e.content);
    const other = on === 'onprem' ? this.sides.cloud : this.sides.onprem;
    for (const [, e] of await other.snapshot()) if (e.kind === 'file') inFiles.add(e.content);
    return [...lines].filter((v) => kept.has(v) && !inFiles.has(v) && this.versions.has(v));
  }

  /** Apply a user op; false when it was skipped (its paths no longer fit, or the side refused it). */
  async apply(op: Op, index: number): Promise<boolean> {
    if (!('on' in op)) throw new Error(`not a user op: ${op.k}`);
    const side = this.sides[op.on];
    if (op.k === 'symlink' && side.label !== 'local') return false;
    const s = await side.snapshot();
    // A keep-both loser's name carries the time of its pass: a replay at another time finds it by pattern.
    if ('path' in op) op.path = byConflictPattern(s, op.path);
    if (op.k === 'mv') op.from = byConflictPattern(s, op.from);
    const parentOk = (p: string) => {
      for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
        const e = s.get(p.slice(0, i));
        if (e && e.kind !== 'dir') return false;
      }
      return true;
    };
    const kind = (p: string) => s.get(p)?.kind;
    switch (op.k) {
      case 'write':
        if (kind(op.path) === 'dir' || kind(op.path) === 'link' || !parentOk(op.path)) return false;
        break;
      case 'save':
      case 'touch':
        if (kind(op.path) !== 'file') return false;
        break;
      case 'rm':
        if (!s.has(op.path)) return false;
        break;
      case 'mv':
        if (!s.has(op.from) || s.has(op.to) || op.to.startsWith(`${op.from}/`) || !parentOk(op.to))
          return false;
        break;
      case 'mkdir':
      case 'symlink':
        if (s.has(op.path) || !parentOk(op.path)) return false;
        break;
    }
    // A node deleted on a side that keeps prior versions (Alfresco) takes them along (to the trashcan): the
    // user deleted them too (model emulator seed 245: a conflict's loser kept as a prior version of a node
    // the user then deleted).
    // So does a save by rename there: the editor's new node replaces the old one, deleted with its versions
    // (model emulator seed 263).
    const keptBefore = op.k === 'rm' || op.k === 'save' ? await side.kept() : [];
    // A file deleted on a side that keeps no versions takes the versions its other copy keeps (a conflict's
    // loser kept as a prior version of the cloud node) along when the delete reaches that copy: the user
    // deleted the file's history too (model emulator seed 407). Versions of its line held nowhere but as
    // kept versions are superseded with it.
    // A move out of every set is, for sync, a delete of the file's other copy (delete options on): its kept
    // versions go along with it, as for a delete (model emulator seed 745: an onprem-wins conflict's loser
    // kept as a prior version of the cloud node, then the file moved out of its set on-prem: the cloud node
    // went to the trashcan with its versions).
    const leaves = op.k === 'mv' && this.inSet(op.on, op.from) && !this.inSet(op.on, op.to);
    const history =
      op.k === 'rm'
        ? await this.historyOnlyKept(op.on, s, op.path)
        : leaves
          ? await this.historyOnlyKept(op.on, s, op.from)
          : [];
    try {
      switch (op.k) {
        case 'write':
          await side.write(op.path, op.content);
          break;
        case 'save':
          await side.save(op.path, op.content);
          break;
        case 'rm':
          await side.rm(op.path);
          break;
        case 'mv':
          await side.mv(op.from, op.to);
          break;
        case 'mkdir':
          await side.mkdir(op.path);
          break;
        case 'touch':
          await side.touch(op.path);
          break;
        case 'symlink':
          await side.symlink(op.path, op.target);
          break;
      }
    } catch {
      return false; // e.g. an edit in place of a file locked read-only by --lock-onprem: the editor says no
    }
    if (op.k === 'write' || op.k === 'save') {
      this.wrote(op.content, index);
      const old = s.get(op.path);
      if (old?.kind === 'file' && !this.replaced.has(op.content)) this.replaced.set(op.content, old.content);
      this.supersedeBelow(s, op.path); // the user saw the bytes they overwrote
    }
    if (op.k === 'rm') this.supersedeBelow(s, op.path);
    for (const c of history) this.versions.get(c)!.superseded = true;
    if (keptBefore.length > 0) {
      const keptAfter = new Set(await side.kept());
      for (const c of keptBefore) {
        const v = this.versions.get(c);
        if (v && !keptAfter.has(c)) v.superseded = true;
      }
    }
    return true;
  }
}

const CONFLICT_TIME = /\d{4}-\d\d-\d\d \d\d-\d\d-\d\d/;

/**
 * `p`, or the one path of `s` that differs from it only in the time of a conflict name (`a (conflict onprem
 * 2026-11-30 10-36-52).txt`): saved cases name keep-both losers by the time of the pass that made them (model
 * seed 1959 did not replay).
 */
export function byConflictPattern(s: ReadonlyMap<string, unknown>, p: string): string {
  if (s.has(p) || !p.includes(' (conflict ') || !CONFLICT_TIME.test(p)) return p;
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${p.split(CONFLICT_TIME).map(escape).join(CONFLICT_TIME.source)}$`);
  const hits = [...s.keys()].filter((q) => re.test(q)).sort();
  return hits.length === 1 ? hits[0]! : p;
}
