// The invariants checked after every pass (test/model/README.md lists them). Each check returns the
// violations it saw as one-line messages; the runner stops the case at the first pass that has any.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Side } from '../../src/connectors/types.js';
import type { ModelSide, Snapshot } from './sides.js';

/** What the world looks like right now. */
export interface Observed {
  snaps: Record<Side, Snapshot>;
  /** Files below `<home>/backups/`: path → content. */
  backups: Map<string, string>;
  /** Contents the sides keep as prior versions. */
  kept: string[];
}

/** A version ever written by the user: `superseded` once the user overwrote or deleted bytes holding it. */
export interface Version {
  superseded: boolean;
  /** The op index that wrote it (for messages). */
  op: number;
  /** How many files the user wrote it into (2 for the same new file made on both sides). */
  writes: number;
}

/** Every file below `dir`: absolute-ish relative path → utf8 content. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const e of await readdir(abs, { withFileTypes: true }).catch(() => [])) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(abs, e.name), r);
      else if (e.isFile()) out.set(r, await readFile(path.join(abs, e.name), 'utf8'));
    }
  };
  await walk(dir, '');
  return out;
}

/** Read both sides, the backups and the kept versions. */
export async function observe(sides: Record<Side, ModelSide>, home: string): Promise<Observed> {
  return {
    snaps: { onprem: await sides.onprem.snapshot(), cloud: await sides.cloud.snapshot() },
    backups: await readTree(path.join(home, 'backups')),
    kept: [...(await sides.onprem.kept()), ...(await sides.cloud.kept())],
  };
}

/** cloudsync's temp files, an editor's half-done save, and retry twins. */
export const TEMP = /(^|\/)\.cloudsync-[^/]*\.tmp$/;
const SAVE_TEMP = /\.~save\.tmp$/;
const TWIN = /(-\d+|\s\(\d+\))(\.[^./]*)?$/;

function filesOf(s: Snapshot): [string, string][] {
  const out: [string, string][] = [];
  for (const [p, e] of s) if (e.kind === 'file') out.push([p, e.content]);
  return out;
}

/** 1. No content lost: each version not superseded is in a file on a side, in backups, or kept as a version. */
export function checkNoLoss(versions: Map<string, Version>, o: Observed): string[] {
  const present = new Set<string>([
    ...filesOf(o.snaps.onprem)
      .filter(([p]) => !TEMP.test(p))
      .map(([, c]) => c),
    ...filesOf(o.snaps.cloud)
      .filter(([p]) => !TEMP.test(p))
      .map(([, c]) => c),
    ...o.backups.values(),
    ...o.kept,
  ]);
  const out: string[] = [];
  for (const [content, v] of versions)
    if (!v.superseded && !present.has(content))
      out.push(`content lost: ${content.slice(0, 16)} (written by op ${v.op}) is on no side, in no backup`);
  return out;
}

/**
 * 2. No torn bytes (every file holds one whole version), no twins (a version twice on one side, or a
 * `name-1.ext`), no temp files. `completed`: the last pass ran to its end (a killed one may leave temps).
 */
export function checkIntegrity(
  versions: Map<string, Version>,
  o: Observed,
  completed: boolean,
  /**
   * Versions of a copy cloudsync let go (a file no set had as a member at the end of an earlier completed
   * pass: moved out of every set, a DETACHED copy): that copy is the user's own from then on, and one more
   * file of the version on each side is no twin (the member's copy re-created beside it, or the let-go copy
   * brought back into a set as a new file).
   */
  released?: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const side of ['onprem', 'cloud'] as const) {
    const seen = new Map<string, string>();
    const count = new Map<string, number>();
    for (const [p, c] of filesOf(o.snaps[side])) {
      if (TEMP.test(p)) {
        if (completed) out.push(`temp file left: ${p} on ${side}`);
        continue;
      }
      if (SAVE_TEMP.test(p)) continue;
      if (!versions.has(c)) out.push(`torn bytes: ${side} ${p} holds ${JSON.stringify(c.slice(0, 30))}`);
      if (!completed) continue;
      // The user may have made the version more than once (the same new file on both sides, one then moved).
      const n = (count.get(c) ?? 0) + 1;
      count.set(c, n);
      const before = seen.get(c);
      const allowed = (versions.get(c)?.writes ?? 1) + (released?.has(c) ? 1 : 0);
      if (before !== undefined && n > allowed)
        out.push(`twin: on ${side}, ${before} and ${p} hold the same version ${c.slice(0, 16)}`);
      seen.set(c, p);
      if (TWIN.test(p.slice(p.lastIndexOf('/') + 1))) out.push(`twin name: ${p} on ${side}`);
    }
  }
  // A backup a kill interrupted stays under its partial name (README): never taken for a whole one.
  for (const [p, c] of o.backups)
    if (!versions.has(c) && !p.endsWith('.cloudsync-partial'))
      out.push(`torn bytes: backup ${p} holds ${JSON.stringify(c.slice(0, 30))}`);
  return out;
}

/** Whether two snapshots hold the same entries with the same bytes. */
export function sameSnapshot(a: Snapshot, b: Snapshot): string | undefined {
  for (const [p, e] of a) {
    const f = b.get(p);
    if (!f) return `${p} disappeared`;
    if (f.kind !== e.kind) return `${p} changed kind`;
    if (e.kind === 'file' && f.kind === 'file' && (e.content !== f.content || e.writable !== f.writable))
      return `${p} changed`;
  }
  for (const p of b.keys()) if (!a.has(p)) return `${p} appeared`;
  return undefined;
}

/** Whether two file maps (state folder, backups) are byte-identical. */
export function sameFiles(a: Map<string, string>, b: Map<string, string>): string | undefined {
  for (const [p, c] of a) if (b.get(p) !== c) return `${p} ${b.has(p) ? 'changed' : 'disappeared'}`;
  for (const p of b.keys()) if (!a.has(p)) return `${p} appeared`;
  return undefined;
}

/**
 * 3b. Files a pass deleted below one set's roots (paths that held a file before and hold nothing after, whose
 * bytes are nowhere on that side any more, nor another version of the same file: `line` gives the versions
 * of a file's line of user edits, on either side).
 */
export function deletedBelow(
  before: Snapshot,
  after: Snapshot,
  root: string | ((p: string, content: string) => boolean),
  line: (content: string) => Set<string> = () => new Set(),
): number {
  const inSet = typeof root === 'string' ? (p: string) => p.startsWith(root) : root;
  const still = new Set(filesOf(after).map(([, c]) => c));
  const had = new Set(filesOf(before).map(([, c]) => c));
  // A file moved with its folder (a set root renamed) and updated in the same pass leaves neither its path
  // nor its old bytes: it is the file of that name holding bytes that are new in this pass, not a delete.
  const updatedNames = new Set(
    filesOf(after)
      .filter(([, c]) => !had.has(c))
      .map(([p]) => p.slice(p.lastIndexOf('/') + 1)),
  );
  // Likewise a file renamed and edited on one side in the same pass, while the other side edited it too: it
  // lives on as another version of its line (the conflict's winner), under another name (model seed 1272).
  // A move is not a delete.
  const livesOn = (c: string) => [...line(c)].some((v) => v !== c && still.has(v));
  let n = 0;
  for (const [p, c] of filesOf(before))
    if (
      inSet(p, c) &&
      !TEMP.test(p) &&
      !after.has(p) &&
      !still.has(c) &&
      !livesOn(c) &&
      !updatedNames.has(p.slice(p.lastIndexOf('/') + 1))
    )
      n++;
  return n;
}

/** Files below a root (a set's documents, roughly: what the delete guard counts). */
export function filesBelow(s: Snapshot, root: string, excluded: (p: string) => boolean): number {
  return relFilesBelow(s, root, excluded).size;
}

/**
 * Paths (relative to `root`) of the files below it; with `inSet`, the files it takes wherever they are (those
 * outside `root` keyed by their bytes, unless a file below `root` holds the same).
 */
export function relFilesBelow(
  s: Snapshot,
  root: string,
  excluded: (p: string) => boolean,
  inSet: (p: string, content: string) => boolean = (p) => p.startsWith(root),
): Set<string> {
  const files = filesOf(s).filter(([p, c]) => inSet(p, c) && !TEMP.test(p) && !excluded(p));
  const below = files.filter(([p]) => p.startsWith(root));
  const held = new Set(below.map(([, c]) => c));
  return new Set([
    ...below.map(([p]) => p.slice(root.length)),
    ...files.filter(([p, c]) => !p.startsWith(root) && !held.has(c)).map(([, c]) => `\u0000${c}`),
  ]);
}

/** The first invariant broken in a case. */
export interface Violation {
  /** Index of the op after which it was seen (-1: after `create`). */
  op: number;
  /** Which invariant, e.g. "content lost", "sides differ". */
  invariant: string;
  messages: string[];
}

/** The invariant a message belongs to: the text before its first colon. */
export function invariantOf(message: string): string {
  return message.slice(0, message.indexOf(':') > 0 ? message.indexOf(':') : undefined).trim();
}
