// Table-driven checks of the pure parts of proxies and events: which proxy a URL takes (NO_PROXY as curl
// reads it), broker URLs, and when a set may list only what events name.
import assert from 'node:assert/strict';
import { checkBrokerUrl } from '../../src/connectors/alfresco/events/broker-url.js';
import { resolveProxy } from '../../src/connectors/alfresco/proxy.js';
import { incrementalScope } from '../../src/engine/events.js';
import type { ChangeBatch } from '../../src/connectors/types.js';
import type { SetState } from '../../src/store/schema.js';
import { UsageError } from '../../src/errors.js';

describe('proxy selection', () => {
  const P = 'http://proxy.corp:3128/';
  const cases: [string, string | undefined, Record<string, string>, string | undefined][] = [
    ['https://acs.example.com', undefined, { HTTPS_PROXY: P }, P],
    ['https://acs.example.com', undefined, { https_proxy: P }, P],
    ['https://acs.example.com', undefined, { HTTP_PROXY: P }, undefined],
    ['http://acs.example.com', undefined, { HTTP_PROXY: P }, P],
    ['https://acs.example.com', undefined, { ALL_PROXY: P }, P],
    ['https://acs.example.com', P, {}, P],
    ['https://acs.example.com', P, { NO_PROXY: 'example.com' }, undefined],
    ['https://acs.example.com', undefined, { HTTPS_PROXY: P, NO_PROXY: '.example.com' }, undefined],
    ['https://acs.example.com', undefined, { HTTPS_PROXY: P, NO_PROXY: '*.example.com' }, undefined],
    ['https://example.com.evil.net', undefined, { HTTPS_PROXY: P, NO_PROXY: 'example.com' }, P],
    ['https://notexample.com', undefined, { HTTPS_PROXY: P, NO_PROXY: 'example.com' }, P],
    ['https://acs.example.com:8443', undefined, { HTTPS_PROXY: P, NO_PROXY: 'acs.example.com:443' }, P],
    [
      'https://acs.example.com:8443',
      undefined,
      { HTTPS_PROXY: P, NO_PROXY: 'acs.example.com:8443' },
      undefined,
    ],
    ['https://127.0.0.1:8443', undefined, { HTTPS_PROXY: P, NO_PROXY: 'localhost, 127.0.0.1' }, undefined],
    ['https://acs', undefined, { HTTPS_PROXY: P, NO_PROXY: '*' }, undefined],
    ['https://acs', undefined, { HTTPS_PROXY: 'proxy.corp:3128' }, P],
  ];
  for (const [url, explicit, env, want] of cases) {
    it(`${url} with ${explicit ?? '-'} ${JSON.stringify(env)} -> ${want ?? 'direct'}`, () => {
      assert.equal(resolveProxy(url, explicit, env), want);
    });
  }
  it('refuses a socks proxy with a usage error', () => {
    assert.throws(() => resolveProxy('https://a', 'socks5://p:1080', {}), UsageError);
  });
});

describe('broker URL', () => {
  it('reads stomp and stomp+ssl with default ports', () => {
    assert.deepEqual(checkBrokerUrl('stomp://127.0.0.1'), { host: '127.0.0.1', port: 61613, tls: false });
    assert.deepEqual(checkBrokerUrl('stomp+ssl://mq.corp:61617'), {
      host: 'mq.corp',
      port: 61617,
      tls: true,
    });
  });
  it('refuses other schemes, credentials in the URL, and plain STOMP off this machine', () => {
    assert.throws(() => checkBrokerUrl('tcp://mq:61616'), /not supported/);
    assert.throws(() => checkBrokerUrl('stomp://u:p@127.0.0.1:61613'), /credentials/);
    assert.throws(() => checkBrokerUrl('stomp://mq.corp:61613'), /unencrypted/);
    assert.equal(checkBrokerUrl('stomp://mq.corp:61613', true).port, 61613);
  });
});

describe('events: which sets list only what changed', () => {
  const now = new Date('2026-01-02T00:00:00Z');
  const batch = (over: Partial<ChangeBatch> = {}): ChangeBatch => ({
    touched: new Set(['f1']),
    feed: 'T1',
    next: 'T2',
    fullCrawlEveryMs: 86_400_000,
    ...over,
  });
  const state = (over: Partial<SetState> = {}): SetState =>
    ({
      members: [{ key: 'm1', status: 'SYNCED' }],
      events: { cloud: { feed: 'T1', fullCrawlAt: '2026-01-01T12:00:00Z' } },
      ...over,
    }) as unknown as SetState;
  it('continues the stream: incremental', () => {
    assert.deepEqual([...incrementalScope(state(), 'cloud', batch(), now)!], ['f1']);
  });
  const full: [string, SetState, ChangeBatch | undefined][] = [
    ['no events on that side', state(), undefined],
    ['a gap in the stream', state(), batch({ touched: null })],
    ['the set followed another position', state(), batch({ feed: 'T0' })],
    ['the set has no position yet', state({ events: undefined }), batch()],
    [
      'the last full crawl is older than the schedule',
      state({ events: { cloud: { feed: 'T1', fullCrawlAt: '2025-12-31T00:00:00Z' } } }),
      batch(),
    ],
    [
      'a member is failed',
      state({ members: [{ key: 'm1', status: 'FAILED' }] } as unknown as Partial<SetState>),
      batch(),
    ],
  ];
  for (const [why, s, b] of full) {
    it(`full crawl when ${why}`, () => assert.equal(incrementalScope(s, 'cloud', b, now), undefined));
  }
});
