// The compact form of a member in state files (schema 2): one JSON array per member instead of an object
// with named fields, and fields that can be derived left out. Lossless: a field is only left out after
// checking that deriving it gives back exactly the value held, so decode(encode(m)) deep-equals m.
//
//   member: [key, flags, parentKey|0, lastSyncAt|0, onprem|0, cloud|0, hash|0, extra?]
//     flags: 1 folder, 2 direct, 4 PENDING, 8 FAILED (neither: SYNCED)
//     extra: {props, errorCode, errorDetails, errorTime, requested, lockedByUs, detached}, only those present
//   side:   [bits, id, token, ...the explicit fields in this order: parentId, name, size, mtimeMs, path, props]
//     bits say which fields are explicit; the others are derived:
//       parentId  = the parent member's id on that side
//       name      = the member's on-prem name (cloud side)
//       size, mtimeMs from a token `<size>:<mtime ns>` or `dir:<mtime ns>` (the local connector's)
//       path      = the parent member's path on that side + '/' + name
import type { SyncedProps } from '../connectors/types.js';
import type { MemberState, MemberStatus, SideState } from './schema.js';

const HAS_PARENT_ID = 1;
/** Side bits of a row: the name is written out (member-table.ts reads the common shapes without decoding). */
export const HAS_NAME = 2;
const HAS_SIZE = 4;
const HAS_PATH = 8;
const HAS_PROPS = 16;

/** Member flags of a row (see the layout above). */
export const FOLDER = 1;
export const DIRECT = 2;
export const PENDING = 4;
export const FAILED = 8;

export type SideRow = [number, string, string, ...unknown[]];
export type MemberRow = [
  string,
  number,
  string | 0,
  string | 0,
  SideRow | 0,
  SideRow | 0,
  string | 0,
  Extra?,
];

type Extra = Partial<
  Pick<
    MemberState,
    'props' | 'errorCode' | 'errorDetails' | 'errorTime' | 'requested' | 'lockedByUs' | 'detached'
  >
>;
const EXTRA_FIELDS = [
  'props',
  'errorCode',
  'errorDetails',
  'errorTime',
  'requested',
  'lockedByUs',
  'detached',
] as const;

/** Thrown for a row that does not decode; the caller turns it into STATE_CORRUPT with the file name. */
export class RowError extends Error {}

/** The number the decimal digits `text[from..to)` spell, or -1 when any is not a digit (at most 15 digits). */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * size and mtimeMs as the local connector derives them from its token; undefined for any other token.
 * `<size|dir>:<ns, 7 digits or more>`; read digit by digit (a load decodes two per member): the ns is split at
 * its last 9 digits, so sec * 1e9 is exact and the sum is the same double Number() would give.
 */
function fromToken(token: string): { size: number; mtimeMs: number } | undefined {
  const colon = token.indexOf(':');
  const nsDigits = token.length - colon - 1;
  if (colon <= 0 || colon > 15 || nsDigits < 7 || nsDigits > 19) return legacyFromToken(token);
  const dir = colon === 3 && token.startsWith('dir');
  const size = dir ? 0 : digitsAt(token, 0, colon);
  const split = Math.max(colon + 1, token.length - 9);
  const sec = digitsAt(token, colon + 1, split);
  const nsec = digitsAt(token, split, token.length);
  // sec * 1e9 is exact while sec * 1953125 stays below 2^53 (until the year 2096 and more)
  if (size < 0 || sec < 0 || sec >= 4e9 || nsec < 0) return legacyFromToken(token);
  return { size, mtimeMs: Math.round((sec * 1e9 + nsec) / 1e6) };
}

/** True when a side row may leave size and mtime out because its token gives them (decodeSide accepts it). */
export function tokenGivesSize(token: string): boolean {
  return fromToken(token) !== undefined;
}

/** fromToken for what the fast form does not take (sizes or times beyond 15 digits): the original rule. */
function legacyFromToken(token: string): { size: number; mtimeMs: number } | undefined {
  const colon = token.indexOf(':');
  if (colon <= 0) return undefined;
  const head = token.slice(0, colon);
  const ns = token.slice(colon + 1);
  if (!/^\d{7,}$/.test(ns) || (head !== 'dir' && !/^\d+$/.test(head))) return undefined;
  return { size: head === 'dir' ? 0 : Number(head), mtimeMs: Math.round(Number(ns) / 1e6) };
}

const joinPath = (parentPath: string, name: string): string => (parentPath ? `${parentPath}/${name}` : name);

/**
 * Encode one side. `parent` is the parent member's side as the decoder will see it, or undefined where the
 * decoder must not derive from it (journal records: the parent may change before replay).
 */
function encodeSide(
  s: SideState,
  parent: SideState | null | undefined,
  onpremName: string | undefined,
): SideRow {
  let bits = 0;
  const rest: unknown[] = [];
  if (!parent || parent.id !== s.parentId) {
    bits |= HAS_PARENT_ID;
    rest.push(s.parentId);
  }
  if (s.name !== onpremName) {
    bits |= HAS_NAME;
    rest.push(s.name);
  }
  const t = fromToken(s.token);
  if (!t || t.size !== s.size || t.mtimeMs !== s.mtimeMs) {
    bits |= HAS_SIZE;
    rest.push(s.size, s.mtimeMs);
  }
  if (!parent || joinPath(parent.path, s.name) !== s.path) {
    bits |= HAS_PATH;
    rest.push(s.path);
  }
  if (s.props !== undefined) {
    bits |= HAS_PROPS;
    rest.push(s.props);
  }
  return [bits, s.id, s.token, ...rest];
}

/**
 * The row of a member. `parent` is the parent member as the decoder will have it when it reads this row
 * (snapshots write parents first), or undefined to write every field out (journal records).
 */
export function encodeMember(m: MemberState, parent?: MemberState): MemberRow {
  const flags =
    (m.kind === 'folder' ? FOLDER : 0) |
    (m.direct ? DIRECT : 0) |
    (m.status === 'PENDING' ? PENDING : m.status === 'FAILED' ? FAILED : 0);
  const onpremName = m.onprem?.name;
  const row: MemberRow = [
    m.key,
    flags,
    m.parentKey ?? 0,
    m.lastSyncAt ?? 0,
    m.onprem ? encodeSide(m.onprem, parent?.onprem, undefined) : 0,
    m.cloud ? encodeSide(m.cloud, parent?.cloud, onpremName) : 0,
    m.hash ?? 0,
  ];
  let extra: Extra | undefined;
  for (const f of EXTRA_FIELDS) {
    if (m[f] !== undefined) (extra ??= {})[f] = m[f] as never;
  }
  if (extra) row.push(extra);
  return row;
}

/** Members ordered so every parent comes before its children (a snapshot's rows derive from their parent). */
export function parentsFirst(members: readonly MemberState[]): MemberState[] {
  const byKey = new Map(members.map((m) => [m.key, m]));
  const placed = new Set<string>();
  const out: MemberState[] = [];
  for (const m of members) {
    if (placed.has(m.key)) continue;
    const chain: MemberState[] = [];
    const seen = new Set<string>();
    for (let a: MemberState | undefined = m; a && !placed.has(a.key) && !seen.has(a.key);) {
      seen.add(a.key);
      chain.push(a);
      a = a.parentKey === null ? undefined : byKey.get(a.parentKey);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      placed.add(chain[i]!.key);
      out.push(chain[i]!);
    }
  }
  return out;
}

/** Strings that repeat across members (times of one pass), so a load keeps one copy of each. */
export class Interner {
  readonly #seen = new Map<string, string>();
  #last = '';
  intern(s: string): string {
    if (s === this.#last) return this.#last; // members of one pass sit together: most hits are the last one
    const hit = this.#seen.get(s);
    if (hit !== undefined) this.#last = hit;
    if (hit !== undefined) return hit;
    if (this.#seen.size < 100_000) this.#seen.set(s, s);
    return s;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const STATUSES: readonly MemberStatus[] = ['SYNCED', 'PENDING', 'FAILED'];

function decodeSide(
  row: unknown,
  parent: SideState | null | undefined,
  onpremName: string | undefined,
): SideState {
  if (!Array.isArray(row) || typeof row[0] !== 'number' || !isString(row[1]) || !isString(row[2]))
    throw new RowError('a side is not [bits, id, token, ...]');
  const bits = row[0];
  // fields beyond [bits, id, token]: as many as the bits say, in order (no closure per side: a load decodes
  // two sides per member)
  const has = (b: number): number => (bits & b ? 1 : 0);
  const wanted = 3 + has(HAS_PARENT_ID) + has(HAS_NAME) + 2 * has(HAS_SIZE) + has(HAS_PATH) + has(HAS_PROPS);
  if (row.length < wanted) throw new RowError('a side has fewer fields than its bits say');
  let i = 3;
  if (!(bits & HAS_PARENT_ID) && !parent)
    throw new RowError('a side derives its parent id from a parent that has no copy on that side');
  const parentId: unknown = bits & HAS_PARENT_ID ? row[i++] : parent!.id;
  const name: unknown = bits & HAS_NAME ? row[i++] : onpremName;
  if ((parentId !== null && !isString(parentId)) || !isString(name))
    throw new RowError('bad parent id or name');
  let size: unknown;
  let mtimeMs: unknown;
  if (bits & HAS_SIZE) {
    size = row[i++];
    mtimeMs = row[i++];
  } else {
    const t = fromToken(row[2]);
    if (!t) throw new RowError('a side derives its size from a token that holds none');
    ({ size, mtimeMs } = t);
  }
  if (typeof size !== 'number' || typeof mtimeMs !== 'number') throw new RowError('bad size or mtime');
  if (!(bits & HAS_PATH) && !parent)
    throw new RowError('a side derives its path from a parent that has no copy on that side');
  const path: unknown = bits & HAS_PATH ? row[i++] : joinPath(parent!.path, name);
  if (!isString(path)) throw new RowError('bad path');
  const id = row[1];
  const token = row[2];
  if (!(bits & HAS_PROPS)) return { id, parentId, name, token, size, mtimeMs, path };
  // the field order snapshotOf builds (props before path), so a decoded member serialises as it was
  return { id, parentId, name, token, size, mtimeMs, props: row[i++] as SyncedProps, path };
}

/**
 * The member of a row. `parentOf` answers the parent member as decoded so far (a snapshot: an earlier
 * row; a journal record: the member as replayed up to this line).
 */
export function decodeMember(
  row: unknown,
  parentOf: (key: string) => MemberState | undefined,
  interner: Interner,
): MemberState {
  if (!Array.isArray(row) || !isString(row[0]) || typeof row[1] !== 'number')
    throw new RowError('not a member row [key, flags, ...]');
  const [key, flags, parentKey, lastSyncAt, onpremRow, cloudRow, hash, extra] = row as unknown[];
  if (parentKey !== 0 && !isString(parentKey)) throw new RowError('bad parent key');
  if (lastSyncAt !== 0 && !isString(lastSyncAt)) throw new RowError('bad lastSyncAt');
  if (hash !== 0 && !isString(hash)) throw new RowError('bad hash');
  const parent = parentKey === 0 ? undefined : parentOf(parentKey);
  const onprem = onpremRow === 0 ? null : decodeSide(onpremRow, parent?.onprem, undefined);
  const cloud = cloudRow === 0 ? null : decodeSide(cloudRow, parent?.cloud, onprem?.name);
  const flagBits = flags as number;
  const m: MemberState = {
    key: key as string,
    kind: flagBits & FOLDER ? 'folder' : 'file',
    direct: (flagBits & DIRECT) !== 0,
    parentKey: parentKey === 0 ? null : parentKey,
    onprem,
    cloud,
    status: STATUSES[flagBits & PENDING ? 1 : flagBits & FAILED ? 2 : 0]!,
    lastSyncAt: lastSyncAt === 0 ? null : interner.intern(lastSyncAt),
  };
  if (hash !== 0) m.hash = hash;
  if (extra !== undefined) {
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
      throw new RowError('bad extra fields');
    const x = extra as Extra;
    for (const f of EXTRA_FIELDS) {
      if (x[f] !== undefined) (m as unknown as Record<string, unknown>)[f] = x[f];
    }
    if (m.errorTime !== undefined) m.errorTime = interner.intern(m.errorTime);
  }
  return m;
}
