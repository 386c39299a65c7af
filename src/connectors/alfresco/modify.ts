// Changes to existing nodes: content, name and place, metadata, locks, deletion.
import type { Readable } from 'node:stream';
import { FolderNotEmptyError, NodeError } from '../../errors.js';
import type { NodeKind, RemoteNode, SyncedProps, WriteOptions } from '../types.js';
import { assertValidName, briefSummary, toNodeError, type ErrorContext } from './errors.js';
import type { AlfrescoHttp } from './http.js';
import { fileBody } from './multipart.js';
import { aspectOf, entryOf, isSyncedKey, toRemoteNode, type NodeEntry } from './nodes.js';
import { spoolToTemp } from './spool.js';

const WRITE_NODE = (subject: string): ErrorContext => ({ access: 'write', missing: 'node', subject });

/** `GET nodes/{id}` (properties and aspectNames come by default); null on 404. */
export async function fetchNode(
  http: AlfrescoHttp,
  id: string,
  ctx: ErrorContext,
): Promise<NodeEntry | null> {
  const res = await http.request({
    method: 'GET',
    path: `nodes/${encodeURIComponent(id)}`,
    query: { include: 'isLocked' },
  });
  if (res.status === 404) return null;
  if (res.status !== 200) throw toNodeError(res, ctx);
  return entryOf(res.body) ?? null;
}

/** Like fetchNode, but a missing node is TARGET_NODE_NO_LONGER_EXISTS. */
async function existingNode(http: AlfrescoHttp, id: string): Promise<NodeEntry> {
  const entry = await fetchNode(http, id, WRITE_NODE(`node ${id}`));
  if (!entry) throw new NodeError('TARGET_NODE_NO_LONGER_EXISTS', `node ${id} no longer exists`);
  return entry;
}

/**
 * `PUT nodes/{id}/content?majorVersion=false`: same node id, and the previous bytes stay as a prior
 * version, which is how a conflict's losing side is kept. The current mimetype is sent back so the
 * update does not turn a document into application/octet-stream.
 */
export async function updateContent(
  http: AlfrescoHttp,
  id: string,
  content: Readable,
  opts: WriteOptions,
): Promise<RemoteNode> {
  const spool = await spoolToTemp(content);
  try {
    const node = await existingNode(http, id);
    if (!node.isFile) throw new NodeError('UNKNOWN', `${node.name} is a folder, not a file`);
    const mime = node.content?.mimeType ?? 'application/octet-stream';
    const res = await http.request({
      method: 'PUT',
      path: `nodes/${encodeURIComponent(id)}/content`,
      query: { majorVersion: false, comment: opts.comment, include: 'isLocked' },
      body: fileBody(spool.path, spool.size, mime),
    });
    if (res.status !== 200) throw toNodeError(res, WRITE_NODE(node.name));
    return toRemoteNode(entryOf(res.body) ?? node);
  } finally {
    await spool.remove();
  }
}

/** Rename (`PUT nodes/{id} {name}`) or move (`POST nodes/{id}/move`), whichever the change needs. */
export async function moveNode(
  http: AlfrescoHttp,
  id: string,
  newParentId: string,
  newName: string,
): Promise<RemoteNode> {
  assertValidName(newName);
  const node = await existingNode(http, id);
  if (node.parentId === newParentId && node.name === newName) return toRemoteNode(node);
  const rename = node.parentId === newParentId;
  const res = await http.request(
    rename
      ? {
          method: 'PUT',
          path: `nodes/${encodeURIComponent(id)}`,
          query: { include: 'isLocked' },
          json: { name: newName },
        }
      : {
          method: 'POST',
          path: `nodes/${encodeURIComponent(id)}/move`,
          query: { include: 'isLocked' },
          json: { targetParentId: newParentId, name: newName },
        },
  );
  if (res.status === 200 || res.status === 201) return toRemoteNode(entryOf(res.body) ?? node);
  if (res.status === 409 && res.ambiguous) {
    // The lost first attempt may have done it already.
    const now = await fetchNode(http, id, WRITE_NODE(newName));
    if (now && now.parentId === newParentId && now.name === newName) return toRemoteNode(now);
  }
  // The node existed a moment ago, so a 404 on a move is about the target folder.
  throw toNodeError(res, {
    access: 'write',
    missing: rename ? 'node' : 'parent',
    naming: true,
    subject: newName,
  });
}

/**
 * `DELETE nodes/{id}` into the trashcan (recoverable); already gone counts as done. The server deletes a
 * folder with everything below it, so a folder is first listed: one that holds anything is kept
 * (FolderNotEmptyError). Something created in it between the listing and the delete goes to the trashcan
 * with it (documented), where it can be restored.
 */
export async function deleteNode(http: AlfrescoHttp, id: string, kind?: NodeKind): Promise<void> {
  const kids =
    kind === 'file'
      ? undefined
      : await http.request({
          method: 'GET',
          path: `nodes/${encodeURIComponent(id)}/children`,
          query: { maxItems: 1, fields: 'id' },
        });
  if (kids?.status === 404) return;
  if (kids?.status === 200) {
    const entries = (kids.body as { list?: { entries?: unknown[] } } | undefined)?.list?.entries;
    if (Array.isArray(entries) && entries.length > 0)
      throw new FolderNotEmptyError(`folder ${id} still holds something; kept`);
  }
  const res = await http.request({ method: 'DELETE', path: `nodes/${encodeURIComponent(id)}` });
  if (res.status === 204 || res.status === 200 || res.status === 404) return;
  throw toNodeError(res, WRITE_NODE(`node ${id}`));
}

/**
 * Read-modify-write of metadata: `aspectNames` is a complete list on PUT, so it is sent only when an
 * aspect must be added, as existing ∪ needed; aspects we did not touch are never removed. A null value
 * removes that property.
 */
export async function setProps(http: AlfrescoHttp, id: string, props: SyncedProps): Promise<RemoteNode> {
  const properties = Object.fromEntries(Object.entries(props).filter(([key]) => isSyncedKey(key)));
  const node = await existingNode(http, id);
  if (Object.keys(properties).length === 0) return toRemoteNode(node);
  const existing = node.aspectNames ?? [];
  const needed = Object.entries(properties)
    .filter(([, value]) => value !== null)
    .map(([key]) => aspectOf(key))
    .filter((a): a is string => a !== undefined && !existing.includes(a));
  const json = needed.length
    ? { aspectNames: [...existing, ...new Set(needed)], properties }
    : { properties };
  const res = await http.request({
    method: 'PUT',
    path: `nodes/${encodeURIComponent(id)}`,
    query: { include: 'isLocked' },
    json,
  });
  if (res.status !== 200) throw toNodeError(res, WRITE_NODE(node.name));
  return toRemoteNode(entryOf(res.body) ?? node);
}

/**
 * `POST nodes/{id}/lock` (persistent, owner may still write). False when the node was already locked by
 * anyone, so cloudsync never later releases a lock it did not make. ACS locks files only: a folder is
 * reported as "not locked by us" (false) rather than failing the member.
 */
export async function lockNode(http: AlfrescoHttp, id: string): Promise<boolean> {
  const node = await existingNode(http, id);
  if (!node.isFile || node.isLocked) return false;
  const res = await http.request({
    method: 'POST',
    path: `nodes/${encodeURIComponent(id)}/lock`,
    query: { include: 'isLocked' },
    json: { type: 'ALLOW_OWNER_CHANGES', lifetime: 'PERSISTENT' },
  });
  if (res.status === 200) return true;
  if (res.status === 422 && /locked/i.test(briefSummary(res))) return false; // someone else got there first
  throw toNodeError(res, WRITE_NODE(node.name));
}

/** `POST nodes/{id}/unlock`; a node that is gone or no longer locked is fine. */
export async function unlockNode(http: AlfrescoHttp, id: string): Promise<void> {
  const res = await http.request({
    method: 'POST',
    path: `nodes/${encodeURIComponent(id)}/unlock`,
    json: {},
  });
  if (res.status === 200 || res.status === 404) return;
  if (/not locked/i.test(briefSummary(res))) return;
  throw toNodeError(res, WRITE_NODE(`node ${id}`));
}
