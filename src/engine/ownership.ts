import { Readable } from 'node:stream';
import type { Connector, RemoteNode } from '../connectors/types.js';
import type { Installation, OwnerRecord } from '../store/owner-records.js';
import type { SetState } from '../store/schema.js';

/** Every marker name starts so: sync excludes it on both sides (DEFAULT_EXCLUDES). */
export const OWNER_MARKER_PREFIX = '.cloudsync-owner.';

/** What the marker file in a set's cloud target folder says: who passed last, and when. */
export interface OwnerMarker {
  installation: string;
  host: string;
  setId: string;
  pass: number;
  at: string;
}

/** How a pass relates to one set's marker. */
export type OwnerVerdict =
  | {
      ok: true;
      marker: OwnerMarker | null;
      markerNode: RemoteNode | null;
      /** This home's record as the check read it (null: none); the stamp of the same pass starts from it. */
      record?: OwnerRecord | null;
    }
  | { ok: false; code: 'OWNED_ELSEWHERE' | 'OWNER_COPIED_HOME'; message: string; hint: string };

/** Codes of a set refused because another installation (or another copy of this home) owns it: exit 2. */
export const OWNER_CODES: readonly string[] = ['OWNED_ELSEWHERE', 'OWNER_COPIED_HOME'];

/** The engine's view of ownership: this installation, its records, and whether this run takes sets over. */
export interface OwnerContext {
  installation: Installation;
  takeOver: boolean;
  records: {
    get(setId: string): Promise<OwnerRecord | undefined>;
    put(setId: string, rec: OwnerRecord): Promise<void>;
    /** Note the marker's id and token after a stamp, beside the record (no fsync); without it, put. */
    note?(setId: string, rec: OwnerRecord): Promise<void>;
    remove?(setId: string): Promise<void>;
  };
  /** Sets whose cloud target this process already swept of killed marker writes (once per process is enough). */
  swept?: Set<string>;
  /**
   * `watch` only: when this process last stamped each set's marker (ms since the epoch). With it, a pass
   * that changes things rewrites the marker only once this process's last stamp of the set is
   * WATCH_STAMP_MS old; the first pass of the process stamps each set even when it changes nothing.
   * Without it (a one-shot `sync`), every pass that changes things stamps.
   */
  stamped?: Map<string, number>;
}

/**
 * How old `watch`'s last stamp of a set must be before a pass that changes things stamps it again. Every
 * pass still reads the marker: a copy of the home that stamps is refused at the watch's next pass; what
 * the interval changes is only which copy is refused (the copy, when the watch stamped last; else the
 * watch). Rewriting the fsynced record and the marker costs an edit ~3 ms of CPU (about a quarter of it);
 * once a minute keeps a busy watch's marker fresh while an edit pays for it at most once a minute
 * (issue 11, test/bench/RESULTS.md perf-watch7).
 */
export const WATCH_STAMP_MS = 60 * 1000;

/** A rewrite of a marker nobody else touched is needed only this often when a pass changes nothing. */
const RESTAMP_MS = 60 * 60 * 1000;

/**
 * The marker's name, in the set's cloud target folder: named after the set's name, the key sets files use,
 * so two homes that each created the set from the same file (two CI runners) find the same marker.
 */
export function markerName(state: SetState): string {
  const safe = state.set.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  return `${OWNER_MARKER_PREFIX}${safe}.json`;
}

/** Find and read the set's marker (null when there is none, or it is unreadable as a marker). */
async function readMarker(
  cloud: Connector,
  state: SetState,
  rec: OwnerRecord | undefined,
  known?: Pick<OwnerMarker, 'installation' | 'host'>,
): Promise<{ node: RemoteNode; marker: OwnerMarker | null } | null> {
  // Where it was written (only a hint, checked by id): a local side finds it without walking the whole root.
  if (rec?.markerId && cloud.rememberPath) {
    const dir = state.set.target.path;
    cloud.rememberPath(rec.markerId, dir === '' ? markerName(state) : `${dir}/${markerName(state)}`);
  }
  let node = rec?.markerId ? await cloud.getNode(rec.markerId) : null;
  if (!node || node.name !== markerName(state) || node.parentId !== state.set.target.id) {
    const dir = await cloud.pathOf(state.set.target.id);
    if (dir === null) return null;
    node = await cloud.resolvePath(dir === '' ? markerName(state) : `${dir}/${markerName(state)}`);
  }
  if (!node || node.kind !== 'file') return null;
  // Untouched since this home wrote it: its content is what we wrote (one request per pass, not two).
  if (known && rec?.markerToken && rec.at && node.token === rec.markerToken)
    return { node, marker: { ...known, setId: state.set.id, pass: rec.pass, at: rec.at } };
  if (node.size > 64 * 1024) return { node, marker: null };
  let text = '';
  for await (const chunk of await cloud.readContent(node.id)) text += String(chunk);
  try {
    const v = JSON.parse(text) as Partial<OwnerMarker>;
    const ok = typeof v.installation === 'string' && typeof v.pass === 'number' && typeof v.at === 'string';
    return { node, marker: ok ? (v as OwnerMarker) : null };
  } catch {
    return { node, marker: null };
  }
}

/**
 * Check who owns a set before a pass touches it. Another installation's marker refuses the set; so does a
 * marker of this installation newer than this home's record (a copied home whose other copy runs). A
 * take-over (the run's `--take-over`, or a record left by `state import`) claims it instead.
 */
export async function checkOwner(
  cloud: Connector,
  state: SetState,
  owner: OwnerContext,
): Promise<OwnerVerdict> {
  const rec = await owner.records.get(state.set.id);
  const self = { installation: owner.installation.id, host: owner.installation.host };
  const found = await readMarker(cloud, state, rec, self);
  const marker = found?.marker ?? null;
  const markerNode = found?.node ?? null;
  const record = rec ?? null;
  if (!marker || owner.takeOver || rec?.takeOver) return { ok: true, marker, markerNode, record };
  const { installation } = owner;
  const claim = `\`cloudsync sync ${state.set.id} --take-over\``;
  // A marker of ours naming another set id: a set of that name we unsynced and created again.
  if (marker.installation === installation.id && marker.setId !== state.set.id)
    return { ok: true, marker, markerNode, record };
  if (marker.installation !== installation.id) {
    return {
      ok: false,
      code: 'OWNED_ELSEWHERE',
      message: `set ${state.set.id} (${state.set.name}) is synced by another installation, ${marker.installation} on ${marker.host}, which last ran at ${marker.at}`,
      hint: `two installations must not sync one set: stop the other one, or claim the set here with ${claim}`,
    };
  }
  if (marker.pass > (rec?.pass ?? 0)) {
    return {
      ok: false,
      code: 'OWNER_COPIED_HOME',
      message: `set ${state.set.id} (${state.set.name}) was synced at ${marker.at} on ${marker.host} by a pass (${marker.pass}) this home does not know of (its last is ${rec?.pass ?? 'none'}): a copy of this home is running too`,
      hint: `run one copy of the home only; on the copy to keep, run ${claim}`,
    };
  }
  return { ok: true, marker, markerNode, record };
}

/** Whether a pass that will run `actions` actions on set `setId` should rewrite the marker. */
export function needsStamp(
  verdict: OwnerVerdict & { ok: true },
  owner: OwnerContext,
  setId: string,
  actions: number,
  now: Date,
): boolean {
  const m = verdict.marker;
  if (!m || m.installation !== owner.installation.id || owner.takeOver) return true;
  if (now.getTime() - Date.parse(m.at) >= RESTAMP_MS) return true;
  if (!owner.stamped) return actions > 0;
  // `watch`: its first pass claims the set (a take-over left by `state import` too, at once); then a
  // changing pass stamps once this process's last stamp of the set is a minute old.
  if (verdict.record?.takeOver) return true;
  const last = owner.stamped.get(setId);
  return last === undefined || (actions > 0 && now.getTime() - last >= WATCH_STAMP_MS);
}

/**
 * Record this pass in the marker: the home's record first, then the marker, so a crash in between leaves
 * a record ahead of the marker (harmless) and never a marker ahead of the record (a false "copied home").
 */
export async function stampOwner(
  cloud: Connector,
  state: SetState,
  owner: OwnerContext,
  verdict: OwnerVerdict & { ok: true },
  now: Date,
): Promise<void> {
  // The record the check of this pass read (the set's lock is held since: nothing else wrote it), else read.
  const rec =
    verdict.record !== undefined ? (verdict.record ?? undefined) : await owner.records.get(state.set.id);
  const pass = Math.max(verdict.marker?.pass ?? 0, rec?.pass ?? 0) + 1;
  const at = now.toISOString();
  await owner.records.put(state.set.id, { markerId: verdict.markerNode?.id ?? rec?.markerId, pass, at });
  const marker: OwnerMarker = {
    installation: owner.installation.id,
    host: owner.installation.host,
    setId: state.set.id,
    pass,
    at,
  };
  await sweepMarkerTemps(cloud, state, owner);
  const body = Buffer.from(`${JSON.stringify(marker)}\n`);
  // Volatile: a marker lost in a power cut leaves the record (durable, above) ahead of it, which is harmless;
  // the pass's flush then makes only its real writes durable (two fsyncs fewer per `watch` edit).
  const opts = {
    size: body.length,
    mtimeMs: now.getTime(),
    comment: 'cloudsync owner marker',
    volatile: true,
  };
  const node = verdict.markerNode
    ? await cloud.updateContent(verdict.markerNode.id, Readable.from([body]), opts)
    : await cloud.createFile(state.set.target.id, markerName(state), Readable.from([body]), opts);
  // The pass and its time are durable above; the marker's id and token only spare the next pass a read of
  // its content, so they go into a note that needs no fsync (a lost note: the next pass reads the marker).
  const noted = { markerId: node.id, markerToken: node.token, pass, at };
  await (owner.records.note ?? owner.records.put).call(owner.records, state.set.id, noted);
  owner.stamped?.set(state.set.id, now.getTime());
}

/**
 * A pass killed while writing the marker left its temp file in the target folder, where no set's walk looks.
 * Only another process can have been killed mid-write: one sweep per process (`watch` stamps many times)
 * finds it. Also called for a set a guard stopped (model seed 2769): the leftover is cloudsync's own, not
 * the user's, and the pass that would stamp may be many runs away.
 */
export async function sweepMarkerTemps(
  cloud: Connector,
  state: SetState,
  owner: OwnerContext,
): Promise<void> {
  if (owner.swept?.has(state.set.id)) return;
  // Where the target folder is (a hint, checked by id): a local side would walk its whole root to find it.
  cloud.rememberPath?.(state.set.target.id, state.set.target.path);
  await cloud.sweepTemps?.(state.set.target.id).catch(() => undefined);
  owner.swept?.add(state.set.id);
}

/**
 * The set is unsynced: its marker goes (when it is this installation's, or unreadable), so another
 * installation may sync a set of that name later without `--take-over`; so does this home's record.
 */
export async function releaseOwner(cloud: Connector, state: SetState, owner: OwnerContext): Promise<void> {
  const rec = await owner.records.get(state.set.id);
  const self = { installation: owner.installation.id, host: owner.installation.host };
  const found = await readMarker(cloud, state, rec, self).catch(() => null);
  const mine =
    found &&
    (!found.marker ||
      (found.marker.installation === self.installation && found.marker.setId === state.set.id));
  if (found && mine) await cloud.delete(found.node.id, 'file').catch(() => undefined);
  await owner.records.remove?.(state.set.id);
}
