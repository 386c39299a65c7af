// Invariants read through `inspect --json`: every path shown exists on its side (6), and after a pass that
// ran to its end, the two sides are equal for every member that is not FAILED with a documented code or
// DETACHED, and nothing below a synced folder is left out of the set (5).
import type { Side } from '../../src/connectors/types.js';
import { MemberErrorCodes } from '../../src/errors.js';
import { parseJson, type ModelCli } from './cli.js';
import type { ModelSide, Snapshot } from './sides.js';

/** SPEC §3's member error codes (UNKNOWN is not a documented reason). */
export const DOCUMENTED_CODES = new Set<string>(MemberErrorCodes.filter((c) => c !== 'UNKNOWN'));

interface Member {
  onpremPath: string | null;
  cloudPath: string | null;
  direct: boolean;
  status: string;
  errorCode?: string | null;
}
interface Inspect {
  kind: 'folder' | 'documents';
  options: { includeSubfolders: boolean };
  members: Member[];
}

/** A set as the checks see it: its id and whether its name filter drops a path. */
export interface SetView {
  id: string;
  excluded(p: string): boolean;
}

const DEFAULT_EXCLUDED = /(^|\/)(~\$[^/]*|[^/]*\.tmp|\.DS_Store|Thumbs\.db|desktop\.ini)$/;

/** The default excludes plus `*.bak` when the set was created with `--exclude '*.bak'`. */
export function excluder(excludeBak: boolean): (p: string) => boolean {
  return (p) => DEFAULT_EXCLUDED.test(p) || (excludeBak && /\.bak$/.test(p));
}

/** Checks 5 and 6 for every set; `converged`: the last pass ran to its end (no kill, exit 0 or 3). */
export async function checkMembers(
  cli: ModelCli,
  sets: SetView[],
  sides: Record<Side, ModelSide>,
  snaps: Record<Side, Snapshot>,
  converged: boolean,
  /** Filled, when given, with every path some set has as a (non-detached) member, per side. */
  managed?: Record<Side, Set<string>>,
  /** Filled, when given, with every path some set records as a DETACHED copy (let go), per side. */
  detached?: Record<Side, Set<string>>,
  /** Filled, when given, with the set each member path belongs to, per side. */
  owners?: Record<Side, Map<string, string>>,
): Promise<string[]> {
  const out: string[] = [];
  const local = (side: Side, p: string): string => {
    const prefix = sides[side].cliPath('');
    return p.startsWith(prefix) ? p.slice(prefix.length) : p;
  };
  // SPEC: sets never overlap. A node another set has as a member (a document moved into this set's folder,
  // or that set's folder moved in here) stays that set's, with everything below it.
  const inspected = new Map<string, Awaited<ReturnType<ModelCli['run']>>>();
  const owner: Record<Side, Map<string, string>> = { onprem: new Map(), cloud: new Map() };
  // A FAILED member's path may be where its copy was to go, held by another set's member (a name clash with
  // another set's root moved in: model seed 4019): it owns that path only when no other member does.
  const failedAt: [Side, string, string][] = [];
  for (const set of sets) {
    const r = await cli.run(['inspect', set.id, '--json']);
    inspected.set(set.id, r);
    for (const m of parseJson<Inspect>(r)?.members ?? []) {
      if (m.status === 'DETACHED') {
        if (m.onpremPath !== null) detached?.onprem.add(local('onprem', m.onpremPath));
        if (m.cloudPath !== null) detached?.cloud.add(local('cloud', m.cloudPath));
        continue;
      }
      for (const side of ['onprem', 'cloud'] as const) {
        const at = side === 'onprem' ? m.onpremPath : m.cloudPath;
        if (at === null) continue;
        if (m.status === 'FAILED') failedAt.push([side, local(side, at), set.id]);
        else owner[side].set(local(side, at), set.id);
      }
    }
  }
  for (const [side, p, id] of failedAt) if (!owner[side].has(p)) owner[side].set(p, id);
  for (const side of ['onprem', 'cloud'] as const)
    for (const [p, id] of owner[side]) {
      managed?.[side].add(p);
      owners?.[side].set(p, id);
    }
  const ownedElsewhere = (side: Side, p: string, id: string): boolean => {
    for (let q = p; q.length > 0; q = q.includes('/') ? q.slice(0, q.lastIndexOf('/')) : '') {
      const o = owner[side].get(q);
      if (o !== undefined) return o !== id;
    }
    return false;
  };
  for (const set of sets) {
    const mark = out.length;
    const r = inspected.get(set.id)!;
    if (r.code === 2 && /not found|unknown|no sync set/i.test(r.stdout)) continue; // unsynced
    const view = parseJson<Inspect>(r);
    if (r.code !== 0 || !view) {
      out.push(`inspect failed: set ${set.id} exited ${r.code}: ${r.stdout.slice(0, 200)}`);
      continue;
    }
    const byPath: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
    const detachedCloud = new Set(
      view.members
        .filter((m) => m.status === 'DETACHED' && m.cloudPath)
        .map((m) => local('cloud', m.cloudPath!)),
    );
    for (const m of view.members) {
      const paths: Record<Side, string | null> = {
        onprem: m.onpremPath === null ? null : local('onprem', m.onpremPath),
        cloud: m.cloudPath === null ? null : local('cloud', m.cloudPath),
      };
      const label = `${set.id} member ${m.onpremPath ?? m.cloudPath} (${m.status}${m.errorCode ? ` ${m.errorCode}` : ''})`;
      // A SYNCED member exists on both sides; a FAILED one at least where it came from. A DETACHED one is no
      // longer synced: its cloud copy is the partners' to keep, move or delete.
      const missing = (['onprem', 'cloud'] as const).filter((side) => {
        const p = paths[side];
        if (p !== null) byPath[side].add(p);
        return p !== null && !snaps[side].has(p);
      });
      const bad =
        m.status === 'FAILED' ? missing.length === 2 : m.status !== 'DETACHED' && missing.length > 0;
      if (converged && bad)
        out.push(
          `inspect path missing: ${missing.map((s) => `${paths[s]} on ${s}`).join(' and ')}: ${label}`,
        );
      if (!converged) continue;
      if (m.status === 'FAILED' && !DOCUMENTED_CODES.has(m.errorCode ?? ''))
        out.push(`undocumented failure code: ${label}`);
      if (m.status === 'PENDING') out.push(`member PENDING after a completed pass: ${label}`);
      if (m.status !== 'SYNCED' || paths.onprem === null || paths.cloud === null) continue;
      const a = snaps.onprem.get(paths.onprem);
      const b = snaps.cloud.get(paths.cloud);
      if (!a || !b) continue; // reported above
      if (a.kind !== b.kind || (a.kind === 'file' && b.kind === 'file' && a.content !== b.content))
        out.push(`sides differ for a SYNCED member: ${label}: ${paths.onprem} vs ${paths.cloud}`);
    }
    if (!converged || view.kind !== 'folder') continue;
    // Everything below the synced folder (the subfolders' content when they are included) is a member.
    const root = view.members.find((m) => m.direct);
    if (!root || root.status === 'FAILED') continue;
    for (const side of ['onprem', 'cloud'] as const) {
      const rp = side === 'onprem' ? root.onpremPath : root.cloudPath;
      if (rp === null) continue;
      const base = `${local(side, rp)}/`;
      for (const [p, e] of snaps[side]) {
        if (!p.startsWith(base) || e.kind === 'link' || set.excluded(p) || byPath[side].has(p)) continue;
        if (ownedElsewhere(side, p, set.id)) continue;
        if (side === 'cloud' && [...detachedCloud].some((d) => p.startsWith(`${d}/`))) continue; // left to the partners
        if (/(^|\/)\.cloudsync-|\.~save\.tmp$/.test(p)) continue;
        const rel = p.slice(base.length);
        if (!view.options.includeSubfolders && rel.includes('/')) continue;
        if (!view.options.includeSubfolders && e.kind === 'dir') continue;
        out.push(`not a member: ${p} on ${side} is below synced folder ${rp} but no member of set ${set.id}`);
      }
    }
    if (out.length > mark)
      out.push(
        `(inspect ${set.id}: ${view.members.map((m) => `${m.onpremPath ?? '-'} ↔ ${m.cloudPath ?? '-'} ${m.status}${m.errorCode ? ` ${m.errorCode}` : ''}`).join('; ')})`,
      );
  }
  return out;
}
