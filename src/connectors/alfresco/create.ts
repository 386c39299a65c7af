// Creating folders and files, including the retried create whose first response was lost (SPEC §4: a
// retried create adopts the node it already made instead of leaving a `name-1.ext` twin).
import type { Readable } from 'node:stream';
import { NodeError } from '../../errors.js';
import type { RemoteNode, SyncedProps, WriteOptions } from '../types.js';
import { assertValidName, toNodeError } from './errors.js';
import type { AlfrescoHttp, HttpResponse } from './http.js';
import { multipartBody } from './multipart.js';
import { entryOf, isSyncedKey, parseAcsDate, toRemoteNode, type NodeEntry } from './nodes.js';
import { hashStream, spoolToTemp, type Spool } from './spool.js';

/** Slack for clock granularity when deciding whether a same-named folder is the one we just made. */
const ADOPT_SLACK_MS = 2000;

/** `POST nodes/{parent}/children` with `{name, nodeType: 'cm:folder'}`. */
export async function createFolder(
  http: AlfrescoHttp,
  parentId: string,
  name: string,
  props?: SyncedProps,
): Promise<RemoteNode> {
  assertValidName(name);
  const started = Date.now();
  const properties = definedProps(props);
  const res = await http.request({
    method: 'POST',
    path: `nodes/${encodeURIComponent(parentId)}/children`,
    query: { include: 'isLocked' },
    json: { name, nodeType: 'cm:folder', ...(Object.keys(properties).length ? { properties } : {}) },
  });
  if (res.status === 201 || res.status === 200) return created(res, name);
  if (res.status === 409 && res.ambiguous) {
    // Our first attempt may have made it. A folder has no content to compare, so adopt it only when
    // the server created it within the time this call has been running.
    const child = await findChild(http, parentId, name);
    const serverNow = Date.parse(String(res.headers.date ?? '')) || Date.now();
    const window = Date.now() - started + ADOPT_SLACK_MS;
    if (child?.isFolder && child.createdAt && serverNow - parseAcsDate(child.createdAt) <= window) {
      return toRemoteNode(child);
    }
  }
  throw toNodeError(res, { access: 'write', missing: 'parent', naming: true, subject: name });
}

/**
 * Multipart `POST nodes/{parent}/children` (`autoRename=false`, first version 1.0). The content is
 * spooled to a temp file while hashing, so every attempt can resend it and a lost response can be
 * recognised: a same-named file with our size and sha256 is ours.
 */
export async function createFile(
  http: AlfrescoHttp,
  parentId: string,
  name: string,
  content: Readable,
  opts: WriteOptions,
  props?: SyncedProps,
): Promise<RemoteNode> {
  assertValidName(name);
  const spool = await spoolToTemp(content);
  try {
    const fields: [string, string][] = [
      ['name', name],
      ['nodeType', 'cm:content'],
      ['autoRename', 'false'],
    ];
    if (opts.comment) fields.push(['comment', opts.comment]);
    for (const [key, value] of Object.entries(definedProps(props))) fields.push([key, String(value)]);
    const body = multipartBody(fields, {
      field: 'filedata',
      filename: name,
      path: spool.path,
      size: spool.size,
      contentType: 'application/octet-stream',
    });
    const res = await http.request({
      method: 'POST',
      path: `nodes/${encodeURIComponent(parentId)}/children`,
      query: { include: 'isLocked' },
      body,
    });
    if (res.status === 201 || res.status === 200) return created(res, name);
    if (res.status === 409 && res.ambiguous) {
      const mine = await adoptFile(http, parentId, name, spool);
      if (mine) return mine;
    }
    throw toNodeError(res, { access: 'write', missing: 'parent', naming: true, subject: name });
  } finally {
    await spool.remove();
  }
}

/** The child named `name` of `parentId`, or null (`GET nodes/{parent}?relativePath=name`). */
export async function findChild(
  http: AlfrescoHttp,
  parentId: string,
  name: string,
): Promise<NodeEntry | null> {
  const res = await http.request({
    method: 'GET',
    path: `nodes/${encodeURIComponent(parentId)}`,
    query: { relativePath: name, include: 'isLocked' },
  });
  if (res.status === 404) return null;
  if (res.status !== 200) throw toNodeError(res, { access: 'read', missing: 'parent', subject: name });
  return entryOf(res.body) ?? null;
}

/** The same-named file when it holds exactly the bytes we sent; null when it is someone else's. */
async function adoptFile(
  http: AlfrescoHttp,
  parentId: string,
  name: string,
  spool: Spool,
): Promise<RemoteNode | null> {
  const child = await findChild(http, parentId, name);
  if (!child?.isFile || (child.content?.sizeInBytes ?? -1) !== spool.size) return null;
  const res = await http.stream({ method: 'GET', path: `nodes/${encodeURIComponent(child.id)}/content` });
  if (res.status !== 200) {
    res.stream.resume();
    return null;
  }
  // Read one byte past the expected size at most: a server that keeps sending is simply not a match.
  return (await hashStream(res.stream, spool.size)) === spool.sha256 ? toRemoteNode(child) : null;
}

/** Synced props with a value: on create, "no value" simply means "do not set". */
function definedProps(props: SyncedProps | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value !== null && isSyncedKey(key)) out[key] = value;
  }
  return out;
}

function created(res: HttpResponse, name: string): RemoteNode {
  const entry = entryOf(res.body);
  if (!entry) throw new NodeError('UNKNOWN', `${name}: the server confirmed the create without a node`);
  return toRemoteNode(entry);
}
