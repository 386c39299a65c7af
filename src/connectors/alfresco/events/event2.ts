// Reading Alfresco's "event2" repository events (the JSON ACS publishes on the alfresco.repo.event2 topic):
// only what tells which folders' children changed. Field names follow Alfresco's event model (RepoEvent,
// EventData, NodeResource); see test/emulator/events.test.ts for the sources.

/** The event types that change what a folder listing shows. */
const NODE_EVENTS = new Set([
  'org.alfresco.event.node.Created',
  'org.alfresco.event.node.Updated',
  'org.alfresco.event.node.Deleted',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The ids one event touches: the node, its parent (first of `primaryHierarchy`, parent first) and, for an
 * update that moved it, its parent before. [] for events that change no listing (associations, permissions,
 * audit); null for a body that is not an event2 node event, which the feed treats as a gap.
 */
export function touchedBy(body: string): string[] | null {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObject(event) || typeof event.type !== 'string') return null;
  if (!event.type.startsWith('org.alfresco.event.')) return null;
  if (!NODE_EVENTS.has(event.type)) return [];
  const data = event.data;
  if (!isObject(data) || !isObject(data.resource) || typeof data.resource.id !== 'string') return null;
  const ids = [data.resource.id];
  const parentOf = (r: unknown): void => {
    if (!isObject(r) || !Array.isArray(r.primaryHierarchy)) return;
    const parent: unknown = r.primaryHierarchy[0];
    if (typeof parent === 'string') ids.push(parent);
  };
  parentOf(data.resource);
  parentOf(data.resourceBefore);
  return ids;
}
