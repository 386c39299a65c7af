// Repository events as ACS publishes them (the "event2" model) on the alfresco.repo.event2 topic, over STOMP.
//
// Shapes follow Alfresco's own sources (see test/emulator/events.test.ts for the citations): RepoEvent
// (specversion, type, id, source, time, dataschema, datacontenttype, data), EventData (eventGroupId,
// resource, resourceBefore for updates, resourceReaderAuthorities, resourceDeniedAuthorities) and
// NodeResource (NodeResourceHelper.createNodeResourceBuilder). Like ACS, changes made together (one request
// here, one transaction there) are consolidated into one event per node sharing an eventGroupId.
// resourceBefore carries what changed: name, primaryHierarchy (a move), modifiedAt, properties.
import { randomUUID } from 'node:crypto';
import { Client } from '@stomp/stompjs';
import { TCPWrapper } from '@stomp/tcp-wrapper';
import { isFolderNode, type RepoNode, type Repository } from './repo.js';

const SCHEMA = 'https://api.alfresco.com/schema/event/repo/v1/';
type Kind = 'Created' | 'Updated' | 'Deleted';

/** What a node looked like before the first change of the current group. */
interface Before {
  name: string;
  primaryHierarchy: string[];
  modifiedAt: number;
  properties: Record<string, unknown>;
  aspects: string[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `primaryHierarchy`: ancestor ids, parent first (PathUtil.getNodeIdsInReverse(path, false)). */
function hierarchy(repo: Repository, node: RepoNode): string[] {
  return repo
    .ancestors(node)
    .map((n) => n.id)
    .reverse();
}

/** A NodeResource as NodeResourceHelper builds it. */
export function nodeResource(
  repo: Repository,
  node: RepoNode,
  path = hierarchy(repo, node),
): Record<string, unknown> {
  const user = (id: string) => ({ id, displayName: repo.directory.displayName(id) });
  const folder = isFolderNode(node);
  return {
    '@type': 'NodeResource',
    id: node.id,
    name: node.name,
    nodeType: node.nodeType,
    isFile: !folder,
    isFolder: folder,
    createdByUser: user(node.createdBy),
    createdAt: iso(node.createdAt),
    modifiedByUser: user(node.modifiedBy),
    modifiedAt: iso(node.modifiedAt),
    ...(node.content
      ? {
          content: {
            mimeType: node.content.mimeType,
            sizeInBytes: node.content.bytes.length,
            encoding: node.content.encoding,
          },
        }
      : {}),
    properties: { ...node.properties },
    aspectNames: [...node.aspects],
    primaryAssocQName: `cm:${node.name}`,
    primaryHierarchy: path,
    secondaryParents: [],
  };
}

/**
 * Records the changes the emulator makes and publishes them, grouped, once the current request is done. It
 * never fails a request: with the broker down events are dropped (and counted), as a consumer must expect.
 */
export class EventPublisher {
  private readonly created = new Map<string, { repo: Repository; node: RepoNode }>();
  private readonly updated = new Map<string, { repo: Repository; node: RepoNode; before: Before }>();
  private readonly deleted = new Map<string, Record<string, unknown>>();
  private flushing: NodeJS.Immediate | null = null;
  /** Requests in flight: their changes are one group, published when the last one ends. */
  private holds = 0;
  private readonly client: Client;
  /** Events published, and events dropped because the broker was not connected. */
  readonly counts = { published: 0, dropped: 0 };
  /** Every event made, newest last (tests read them; bounded). */
  readonly recent: Record<string, unknown>[] = [];

  constructor(
    broker: string,
    private readonly topic = '/topic/alfresco.repo.event2',
    private readonly repoId = randomUUID(),
  ) {
    const url = new URL(broker);
    const host = url.hostname;
    const port = Number(url.port || 61613);
    this.client = new Client({
      webSocketFactory: () => new TCPWrapper(host, port),
      connectHeaders: { host },
      reconnectDelay: 200,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      debug: () => {},
    });
    this.client.activate();
  }

  /** Connected to the broker right now. */
  get connected(): boolean {
    return this.client.connected;
  }

  /** Resolves once connected to the broker (or after `timeoutMs`, false). */
  async ready(timeoutMs = 15_000): Promise<boolean> {
    const start = Date.now();
    while (!this.client.connected && Date.now() - start < timeoutMs)
      await new Promise((r) => setTimeout(r, 20));
    return this.client.connected;
  }

  /** A node was made. */
  onCreate(repo: Repository, node: RepoNode): void {
    this.created.set(node.id, { repo, node });
    this.schedule();
  }

  /** A node is about to change (rename, move, content, properties). */
  onBeforeUpdate(repo: Repository, node: RepoNode): void {
    if (!this.created.has(node.id) && !this.updated.has(node.id)) {
      this.updated.set(node.id, {
        repo,
        node,
        before: {
          name: node.name,
          primaryHierarchy: hierarchy(repo, node),
          modifiedAt: node.modifiedAt,
          properties: { ...node.properties },
          aspects: [...node.aspects],
        },
      });
    }
    this.schedule();
  }

  /** A subtree is about to be deleted: one Deleted event per node, as the archive policy fires per node. */
  onBeforeDelete(repo: Repository, nodes: RepoNode[]): void {
    for (const n of nodes) {
      if (this.created.delete(n.id)) continue; // made and removed together: nothing to tell
      this.updated.delete(n.id);
      this.deleted.set(n.id, nodeResource(repo, n));
    }
    this.schedule();
  }

  /** Disconnect from the broker. */
  async close(): Promise<void> {
    if (this.flushing) {
      clearImmediate(this.flushing);
      this.flush();
    }
    await this.client.deactivate();
  }

  /** A request starts: what it changes is published when it ends (`release`). */
  hold(): void {
    this.holds++;
  }

  /** A request ended. */
  release(): void {
    this.holds = Math.max(0, this.holds - 1);
    if (this.holds === 0) this.schedule();
  }

  private schedule(): void {
    if (this.holds > 0) return;
    this.flushing ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = null;
    if (this.holds > 0) return;
    const group = randomUUID();
    for (const { repo, node } of this.created.values()) this.send('Created', group, nodeResource(repo, node));
    for (const { repo, node, before } of this.updated.values()) {
      if (!repo.nodes.has(node.id)) continue;
      const after = nodeResource(repo, node);
      const delta: Record<string, unknown> = { '@type': 'NodeResource' };
      if (before.name !== node.name) delta.name = before.name;
      if (before.modifiedAt !== node.modifiedAt) delta.modifiedAt = iso(before.modifiedAt);
      if (before.primaryHierarchy.join('/') !== (after.primaryHierarchy as string[]).join('/'))
        delta.primaryHierarchy = before.primaryHierarchy;
      const changedProps: Record<string, unknown> = {};
      for (const k of new Set([...Object.keys(before.properties), ...Object.keys(node.properties)]))
        if (JSON.stringify(before.properties[k]) !== JSON.stringify(node.properties[k]))
          changedProps[k] = before.properties[k] ?? null;
      if (Object.keys(changedProps).length > 0) delta.properties = changedProps;
      if (before.aspects.join() !== node.aspects.join()) delta.aspectNames = before.aspects;
      this.send('Updated', group, after, delta);
    }
    for (const resource of this.deleted.values()) this.send('Deleted', group, resource);
    this.created.clear();
    this.updated.clear();
    this.deleted.clear();
  }

  private send(
    kind: Kind,
    group: string,
    resource: Record<string, unknown>,
    before?: Record<string, unknown>,
  ): void {
    const event = {
      specversion: '1.0',
      type: `org.alfresco.event.node.${kind}`,
      id: randomUUID(),
      source: `/${this.repoId}`,
      time: new Date().toISOString(),
      dataschema: `${SCHEMA}node${kind}`,
      datacontenttype: 'application/json',
      data: {
        eventGroupId: group,
        resource,
        ...(before ? { resourceBefore: before } : {}),
        resourceReaderAuthorities: ['GROUP_EVERYONE'],
        resourceDeniedAuthorities: [],
      },
    };
    this.recent.push(event);
    if (this.recent.length > 1000) this.recent.shift();
    if (!this.client.connected) {
      this.counts.dropped++;
      return;
    }
    this.client.publish({
      destination: this.topic,
      body: JSON.stringify(event),
      headers: { 'content-type': 'application/json', persistent: 'true' },
    });
    this.counts.published++;
  }
}
