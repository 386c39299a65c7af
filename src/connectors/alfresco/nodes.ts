// The ACS node entry and its translation to the connector's RemoteNode.
import type { RemoteNode, SyncedProps } from '../types.js';

/** The fields of an ACS node entry this connector reads. */
export interface NodeEntry {
  id: string;
  name: string;
  nodeType: string;
  isFolder: boolean;
  isFile: boolean;
  modifiedAt: string;
  createdAt?: string;
  parentId?: string;
  content?: { sizeInBytes?: number; mimeType?: string };
  properties?: Record<string, unknown>;
  aspectNames?: string[];
  isLocked?: boolean;
  path?: { name: string; isComplete?: boolean };
}

/** Synced metadata keys besides `exif:*` (SPEC §3); `cm:name` travels as the node name. */
const SYNCED_KEYS = new Set(['cm:title', 'cm:description', 'cm:author', 'cm:latitude', 'cm:longitude']);

/** True for the property keys cloudsync syncs. */
export function isSyncedKey(key: string): boolean {
  return SYNCED_KEYS.has(key) || key.startsWith('exif:');
}

/** The aspect that carries a synced property; setting the property needs it on the node. */
export function aspectOf(key: string): string | undefined {
  if (key === 'cm:title' || key === 'cm:description') return 'cm:titled';
  if (key === 'cm:author') return 'cm:author';
  if (key === 'cm:latitude' || key === 'cm:longitude') return 'cm:geographic';
  if (key.startsWith('exif:')) return 'exif:exif';
  return undefined;
}

/**
 * Only synced metadata, as scalars. `sys:locale` is not listed on purpose: REST v1 hides every `sys:`
 * property from reads and rejects it on writes, so a node's locale cannot be synced by this connector.
 */
export function pickSyncedProps(properties: Record<string, unknown>): SyncedProps {
  const out: SyncedProps = {};
  for (const [key, value] of Object.entries(properties)) {
    if (!isSyncedKey(key)) continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      out[key] = value as string | number | boolean | null;
    }
  }
  return out;
}

/** ACS dates carry `+0000` (no colon), which is not ISO-8601 as `Date.parse` guarantees it. */
export function parseAcsDate(value: string): number {
  const iso = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * True for entries cloudsync can sync: plain files and folders. Links and other types are skipped, and so are
 * private working copies (`cm:workingcopy`, made by checkout): they are a user's draft of another document,
 * not a document of their own, and go away at checkin or cancel-checkout.
 */
export function isSyncable(entry: NodeEntry): boolean {
  if (entry.aspectNames?.includes('cm:workingcopy')) return false;
  return entry.isFile || entry.isFolder;
}

/**
 * What changes with the content. The version label alone is not enough: with `cm:autoVersion` false (and
 * on ACS 26 for REST content updates) a content edit keeps the label, and a same-size edit would be missed.
 * So the token is the label, the size and `modifiedAt`: every content write moves `modifiedAt`. Renames and
 * metadata edits move it too, so a token change means "maybe changed"; the engine compares content hashes
 * before it calls that a conflict. Folders have no content.
 */
export function contentToken(entry: NodeEntry, size: number, versionLabel: string | undefined): string {
  if (entry.isFolder) return 'folder';
  return `${versionLabel ? `v${versionLabel}` : ''}|${size}|${entry.modifiedAt}`;
}

/** RemoteNode built from the entry alone, so a listing needs no request per node. */
export function toRemoteNode(entry: NodeEntry): RemoteNode {
  const size = entry.isFile ? (entry.content?.sizeInBytes ?? 0) : 0;
  const label = entry.properties?.['cm:versionLabel'];
  const node: RemoteNode = {
    id: entry.id,
    name: entry.name,
    kind: entry.isFolder ? 'folder' : 'file',
    parentId: entry.parentId ?? null,
    size,
    mtimeMs: parseAcsDate(entry.modifiedAt),
    token: contentToken(entry, size, typeof label === 'string' ? label : undefined),
    // A checked-out original is locked read-only by its checkout; say so even when isLocked was not asked.
    locked: (entry.isLocked ?? false) || (entry.aspectNames?.includes('cm:checkedOut') ?? false),
  };
  if (entry.properties) node.props = pickSyncedProps(entry.properties);
  return node;
}

/** The `{entry}` of a single-object response, or undefined when the body has another shape. */
export function entryOf<T = NodeEntry>(body: unknown): T | undefined {
  const entry = (body as { entry?: unknown } | undefined)?.entry;
  return entry && typeof entry === 'object' ? (entry as T) : undefined;
}
