// The change feed of an Alfresco connector: a durable subscription to the broker's event2 topic over STOMP.
//
// Why durable and client-acknowledged: the broker keeps the events while no cloudsync runs, and an event is
// acknowledged only after every sync set has saved the pass that used it, so a crash at any point only makes
// the next pass list a folder again.
//
// Gap detection: with each commit the feed leaves a position marker (a fresh token) on its own queue at the
// broker, and every set records that token. The next run reads the marker back: if it is missing (the broker
// restarted without persistence, or dropped the consumer's state) or differs from a set's token (the set
// missed a commit), the stream cannot vouch for the period and that set lists everything. So is a lost
// connection (messages may have expired meanwhile), a message that is not an event2 node event, and a
// backlog over the bound kept in memory. A scheduled full crawl (--full-crawl-every) covers the rest, e.g.
// events that expired while the marker survived.
import { createHash, randomUUID } from 'node:crypto';
import tls from 'node:tls';
import { Client, type IMessage, type StompHeaders } from '@stomp/stompjs';
import { TCPWrapper } from '@stomp/tcp-wrapper';
import { UnreachableError } from '../../../errors.js';
import type { ChangeBatch, ChangeFeed } from '../../types.js';
import type { EventOptions } from '../options.js';
import { checkBrokerUrl, type BrokerAddress } from './broker-url.js';
import { touchedBy } from './event2.js';

/** Most events held between two passes; more is a gap (a full crawl costs less than the memory). */
export const MAX_PENDING = 50_000;

/** A TCP socket with TLS, verified against the broker's host name (and the private CA when given). */
class TlsWrapper extends TCPWrapper {
  static ca: string[] | undefined;
  protected override getSocket(port: number, host: string) {
    return tls.connect({ port, host, servername: host, ca: TlsWrapper.ca, rejectUnauthorized: true });
  }
}

/** What a pass takes: the touched ids plus the messages to acknowledge once it is saved. */
interface StompBatch extends ChangeBatch {
  messages: IMessage[];
}

/** The event stream of one Alfresco connection. `take()` connects on first use. */
export class StompFeed implements ChangeFeed {
  private readonly address: BrokerAddress;
  private client: Client | null = null;
  private connected: Promise<void> | null = null;
  private pending: IMessage[] = [];
  private touched = new Set<string>();
  private gap: string | null = null;
  private everConnected = false;
  /** The position marker read back from the broker (token) and its message, to acknowledge when replaced. */
  private marker: { token: string; message: IMessage | null } | null = null;
  private lastMessageAt = 0;
  private readonly listeners = new Set<(ids: string[]) => void>();

  constructor(
    private readonly opts: EventOptions,
    allowPlain: boolean,
    private readonly log?: (line: string) => void,
    ca?: string[],
  ) {
    this.address = checkBrokerUrl(opts.broker, allowPlain);
    TlsWrapper.ca = ca;
  }

  /** Called for every event that arrives (watch reacts within the debounce). */
  onEvent(listener: (ids: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connect and subscribe now (watch does, so events arrive between passes). */
  async start(): Promise<void> {
    await this.ensureConnected();
  }

  /** Connect and leave without subscribing: checks the address and the credentials (login). */
  async probe(): Promise<void> {
    this.connected ??= this.connect(false);
    await this.connected;
    await this.close();
  }

  /** Connect and subscribe (once); then wait until the backlog has stopped arriving. */
  async take(): Promise<StompBatch> {
    const first = this.connected === null;
    await this.ensureConnected();
    if (first) await this.waitQuiet();
    const messages = this.pending;
    const gap =
      this.gap ??
      (this.marker
        ? null
        : 'no position marker at the broker (first pass with events, or it lost its state)');
    const touched = this.touched;
    this.pending = [];
    this.touched = new Set();
    this.gap = null;
    if (gap) this.log?.(`events: full crawl (${gap})`);
    else this.log?.(`events: ${messages.length} since the last pass, ${touched.size} nodes touched`);
    return {
      touched: gap ? null : touched,
      gapReason: gap ?? undefined,
      feed: this.marker?.token ?? 'none',
      next: randomUUID(),
      fullCrawlEveryMs: this.opts.fullCrawlEveryMs,
      messages,
    };
  }

  /** Acknowledge a batch's messages: the broker forgets them for this subscription. */
  async commit(batch: ChangeBatch): Promise<void> {
    const messages = (batch as StompBatch).messages ?? [];
    const client = this.client;
    if (!client?.connected) return; // unacknowledged: the broker redelivers them next time
    for (const m of messages) m.ack();
    // The old marker goes, then the new one is left; a crash in between leaves none: a gap, never a false
    // "nothing happened". The receipt of the last frame says the broker has processed all of them.
    this.marker?.message?.ack();
    this.marker = { token: batch.next, message: null };
    await new Promise<void>((resolve) => {
      const receipt = randomUUID();
      const timer = setTimeout(resolve, 10_000);
      client.watchForReceipt(receipt, () => {
        clearTimeout(timer);
        resolve();
      });
      client.publish({
        destination: this.markerQueue(),
        body: JSON.stringify({ position: batch.next, at: new Date().toISOString() }),
        headers: { persistent: 'true', 'content-type': 'application/json', receipt },
      });
    });
    this.log?.(`events: acknowledged ${messages.length}`);
  }

  /** Disconnect (unacknowledged events stay with the broker for the next run). */
  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.deactivate().catch(() => undefined);
  }

  private ensureConnected(): Promise<void> {
    this.connected ??= this.connect();
    return this.connected;
  }

  private connect(subscribe = true): Promise<void> {
    const { host, port, tls: useTls } = this.address;
    const headers: StompHeaders = { host, 'client-id': this.opts.subscriber };
    if (this.opts.username) headers.login = this.opts.username;
    if (this.opts.password) headers.passcode = this.opts.password;
    const topic = this.opts.topic ?? '/topic/alfresco.repo.event2';
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        void client.deactivate();
        this.client = null;
        this.connected = null;
        reject(
          new UnreachableError(
            `event broker ${host}:${port} unreachable: ${why}`,
            'check `login --events` and that the broker has a STOMP transportConnector (README: events)',
          ),
        );
      };
      const timer = setTimeout(() => fail('no answer within 10 s'), 10_000);
      const client = new Client({
        webSocketFactory: () => (useTls ? new TlsWrapper(host, port) : new TCPWrapper(host, port)),
        connectHeaders: headers,
        heartbeatIncoming: 10_000,
        heartbeatOutgoing: 10_000,
        reconnectDelay: 2_000,
        connectionTimeout: 10_000,
        debug: () => {},
        onConnect: (frame) => {
          clearTimeout(timer);
          // ActiveMQ's session id is "ID:<broker instance>-<n>:<connection>": the instance part changes when
          // the broker restarts. A reconnect (to the same or a restarted broker) is always a gap.
          void frame;
          if (this.everConnected) {
            this.gap ??= 'reconnected to the event broker';
            this.pending = []; // unacknowledged on the old connection: the broker sends them again
            this.marker = null;
          }
          this.everConnected = true;
          if (subscribe) {
            client.subscribe(this.markerQueue(), (m) => this.receiveMarker(m), { ack: 'client-individual' });
            client.subscribe(topic, (m) => this.receive(m), {
              ack: 'client-individual',
              'activemq.subscriptionName': this.opts.subscriber,
              'activemq.prefetchSize': String(MAX_PENDING),
            });
          }
          if (!settled) {
            settled = true;
            resolve();
          }
        },
        onStompError: (frame) => fail(frame.headers.message ?? 'refused'),
        onWebSocketError: () => {
          if (!settled) fail('connection failed');
        },
        onWebSocketClose: () => {
          if (settled && this.client) this.gap ??= 'lost the connection to the event broker';
        },
      });
      this.client = client;
      client.activate();
    });
  }

  /** The queue holding this subscriber's position marker (named by a hash: subscriber names are paths). */
  private markerQueue(): string {
    const h = createHash('sha256').update(this.opts.subscriber).digest('hex').slice(0, 24);
    return `/queue/cloudsync.position.${h}`;
  }

  private receiveMarker(m: IMessage): void {
    this.lastMessageAt = Date.now();
    let token: unknown;
    try {
      token = (JSON.parse(m.body) as { position?: unknown }).position;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string') {
      m.ack();
      return;
    }
    // Markers arrive oldest first; a newer one replaces (and releases) an older one.
    const old = this.marker?.message;
    if (this.marker && this.marker.token === token) this.marker.message = m;
    else this.marker = { token, message: m };
    old?.ack();
  }

  private receive(m: IMessage): void {
    this.lastMessageAt = Date.now();
    const ids = touchedBy(m.body);
    if (this.pending.length >= MAX_PENDING)
      this.gap ??= `more than ${MAX_PENDING} events since the last pass`;
    else this.pending.push(m);
    if (ids === null) this.gap ??= 'a message on the topic was not an event2 node event';
    else for (const id of ids) this.touched.add(id);
    if (ids && ids.length > 0) for (const l of this.listeners) l(ids);
  }

  /** The broker sends a durable subscription's backlog right after SUBSCRIBE: wait until it pauses. */
  private async waitQuiet(): Promise<void> {
    const quiet = this.opts.quietMs ?? 300;
    const started = Date.now();
    this.lastMessageAt = Date.now();
    while (Date.now() - this.lastMessageAt < quiet && Date.now() - started < 10_000)
      await new Promise((r) => setTimeout(r, 25));
  }
}
