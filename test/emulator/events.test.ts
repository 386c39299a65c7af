// The emulator's repository events hold to Alfresco's own event2 model, received by a plain STOMP consumer
// from a real ActiveMQ broker. Sources (read for this test):
// - Alfresco/alfresco-java-sdk@f5c0b5e4b21e63f29bab6762413743a4e2b19a51
//   alfresco-java-event-api/alfresco-java-event-api-acs-event-model/src/main/java/org/alfresco/repo/event/v1/model/
//   RepoEvent.java (specversion "1.0", datacontenttype "application/json", fields type/id/source/time/dataschema/
//   data), EventType.java ("org.alfresco.event." + "node." + Created|Updated|Deleted), ContentInfo.java
//   (mimeType, sizeInBytes, encoding).
// - Alfresco/alfresco-community-repo@72635d6c8c9f811eee734dcfd46f59f701af9bbe
//   repository/src/main/java/org/alfresco/repo/event2/EventJSONSchema.java (dataschema
//   "https://api.alfresco.com/schema/event/repo/v1/" + nodeCreated|nodeUpdated|nodeDeleted),
//   EventConsolidator.java (eventGroupId = transaction id, source "/" + repository id),
//   NodeEventConsolidator.java (resourceBefore only for updates, only the changed fields: name, properties,
//   content, modifiedAt, aspectNames, primaryHierarchy), NodeResourceHelper.java (NodeResource: id, name,
//   nodeType, isFile, isFolder, createdByUser, createdAt, modifiedByUser, modifiedAt, content,
//   primaryAssocQName, primaryHierarchy = PathUtil.getNodeIdsInReverse: parent first, properties, aspectNames),
//   repository.properties (repo.event2.topic.endpoint=amqp:topic:alfresco.repo.event2).
// - Alfresco/docs-alfresco@fb8fd03be50a09d893ef352a665de001f4ac4a5d content-services/7.2/develop/oop-sdk.md
//   (payload examples: "@type": "NodeResource", resourceReaderAuthorities, resourceDeniedAuthorities).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { Client, type IMessage } from '@stomp/stompjs';
import { TCPWrapper } from '@stomp/tcp-wrapper';
import { touchedBy } from '../../src/connectors/alfresco/events/event2.js';
import { startFixture, type Fixture } from '../alfresco/helpers.js';
import { brokerUnavailable, startBroker, type Broker } from '../support/activemq.js';

type Json = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function checkNodeResource(r: Json, file: boolean): void {
  assert.equal(r['@type'], 'NodeResource');
  assert.match(String(r.id), UUID);
  assert.equal(typeof r.name, 'string');
  assert.equal(r.nodeType, file ? 'cm:content' : 'cm:folder');
  assert.equal(r.isFile, file);
  assert.equal(r.isFolder, !file);
  for (const k of ['createdByUser', 'modifiedByUser']) {
    const u = r[k] as Json;
    assert.equal(typeof u.id, 'string');
    assert.equal(typeof u.displayName, 'string');
  }
  assert.match(String(r.createdAt), ISO);
  assert.match(String(r.modifiedAt), ISO);
  if (file) {
    const c = r.content as Json;
    assert.deepEqual(Object.keys(c).sort(), ['encoding', 'mimeType', 'sizeInBytes']);
    assert.equal(typeof c.sizeInBytes, 'number');
  }
  assert.equal(typeof r.properties, 'object');
  assert.ok(Array.isArray(r.aspectNames));
  assert.equal(r.primaryAssocQName, `cm:${String(r.name)}`);
  assert.ok(Array.isArray(r.primaryHierarchy) && r.primaryHierarchy.length > 0);
}

describe('emulator: repository events (event2 over STOMP)', function () {
  this.timeout(60_000);
  let broker: Broker;
  let fx: Fixture;
  let consumer: Client;
  const received: IMessage[] = [];

  before(async function () {
    const why = brokerUnavailable();
    if (why) {
      console.log(`      pending: ${why}`);
      return this.skip();
    }
    broker = await startBroker();
    fx = await startFixture({ events: broker.url });
    consumer = new Client({
      webSocketFactory: () => new TCPWrapper('127.0.0.1', broker.port),
      connectHeaders: { host: '127.0.0.1' },
      debug: () => {},
      reconnectDelay: 0,
    });
    await new Promise<void>((resolve) => {
      consumer.onConnect = () => {
        consumer.watchForReceipt('subscribed', () => resolve());
        consumer.subscribe('/topic/alfresco.repo.event2', (m) => received.push(m), { receipt: 'subscribed' });
      };
      consumer.activate();
    });
  });
  after(async () => {
    await consumer?.deactivate();
    await fx?.close();
    await broker?.close();
  });

  /** Events received after `fn` ran (waits until they stop arriving). */
  async function eventsOf(fn: () => Promise<unknown>): Promise<Json[]> {
    const from = received.length;
    await fn();
    let n = -1;
    while (n !== received.length) {
      n = received.length;
      await new Promise((r) => setTimeout(r, 200));
    }
    return received.slice(from).map((m) => JSON.parse(m.body) as Json);
  }

  it('create, content update and move+rename over REST, and a subtree delete, each publish what ACS publishes', async () => {
    const c = fx.connect('alice');
    let folderId = '';
    let fileId = '';
    const created = await eventsOf(async () => {
      folderId = (await c.createFolder(fx.doclib, 'Plans')).id;
      fileId = (await c.createFile(folderId, 'a.txt', Readable.from(['hello']), { size: 5 })).id;
    });
    assert.deepEqual(
      created.map((e) => e.type),
      ['org.alfresco.event.node.Created', 'org.alfresco.event.node.Created'],
    );
    for (const e of created) {
      assert.deepEqual(Object.keys(e).sort(), [
        'data',
        'datacontenttype',
        'dataschema',
        'id',
        'source',
        'specversion',
        'time',
        'type',
      ]);
      assert.equal(e.specversion, '1.0');
      assert.equal(e.datacontenttype, 'application/json');
      assert.equal(e.dataschema, 'https://api.alfresco.com/schema/event/repo/v1/nodeCreated');
      assert.match(String(e.id), UUID);
      assert.match(String(e.source), /^\/[0-9a-f-]{36}$/);
      assert.match(String(e.time), ISO);
      const data = e.data as Json;
      assert.equal(typeof data.eventGroupId, 'string');
      assert.equal(data.resourceBefore, undefined, 'created events carry no resourceBefore');
      assert.deepEqual(data.resourceReaderAuthorities, ['GROUP_EVERYONE']);
      assert.deepEqual(data.resourceDeniedAuthorities, []);
    }
    const [folderEv, fileEv] = created.map((e) => (e.data as Json).resource as Json);
    checkNodeResource(folderEv!, false);
    checkNodeResource(fileEv!, true);
    assert.equal((folderEv!.primaryHierarchy as string[])[0], fx.doclib, 'parent first');
    assert.equal((fileEv!.primaryHierarchy as string[])[0], folderId);
    assert.equal((fileEv!.primaryHierarchy as string[])[1], fx.doclib);
    assert.equal((fileEv!.content as Json).sizeInBytes, 5);

    const updated = await eventsOf(() =>
      c.updateContent(fileId, Readable.from(['hello world']), { size: 11 }),
    );
    assert.equal(updated.length, 1, 'one consolidated event per node and request');
    assert.equal(updated[0]!.type, 'org.alfresco.event.node.Updated');
    assert.equal(updated[0]!.dataschema, 'https://api.alfresco.com/schema/event/repo/v1/nodeUpdated');
    const upd = updated[0]!.data as Json;
    assert.equal(((upd.resource as Json).content as Json).sizeInBytes, 11);
    const before = upd.resourceBefore as Json;
    assert.equal(before['@type'], 'NodeResource');
    assert.match(String(before.modifiedAt), ISO);
    assert.equal(before.name, undefined, 'only what changed');
    assert.equal(before.primaryHierarchy, undefined, 'only what changed');

    let other = '';
    await eventsOf(async () => (other = (await c.createFolder(fx.doclib, 'Archive')).id));
    const moved = await eventsOf(() => c.move(fileId, other, 'b.txt'));
    assert.equal(moved.length, 1, 'one consolidated event per node and request');
    const mv = moved[0]!.data as Json;
    assert.equal((mv.resourceBefore as Json).name, 'a.txt');
    assert.equal(((mv.resourceBefore as Json).primaryHierarchy as string[])[0], folderId);
    assert.equal(((mv.resource as Json).primaryHierarchy as string[])[0], other);
    assert.deepEqual(
      touchedBy(JSON.stringify(moved[0])),
      [fileId, other, folderId],
      'what the consumer reads',
    );

    // A folder deleted with what it holds (as Share or the REST API do): one Deleted event per node.
    const deleted = await eventsOf(async () => fx.emu.deleteNode(other));
    assert.deepEqual(
      deleted.map((e) => [e.type, ((e.data as Json).resource as Json).name]),
      [
        ['org.alfresco.event.node.Deleted', 'Archive'],
        ['org.alfresco.event.node.Deleted', 'b.txt'],
      ],
    );
    assert.equal(deleted[0]!.dataschema, 'https://api.alfresco.com/schema/event/repo/v1/nodeDeleted');
  });

  it('the consumer ignores association and permission events and treats foreign messages as a gap', () => {
    const assoc = { type: 'org.alfresco.event.assoc.child.Created', data: { resource: {} } };
    assert.deepEqual(touchedBy(JSON.stringify(assoc)), []);
    assert.equal(touchedBy('not json'), null);
    assert.equal(touchedBy(JSON.stringify({ hello: 'world' })), null);
    assert.equal(touchedBy(JSON.stringify({ type: 'org.alfresco.event.node.Created', data: {} })), null);
  });
});
