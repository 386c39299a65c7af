// Fault injection: deterministic, bounded, counted, and lost-response applies the change.
import assert from 'node:assert/strict';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { Api, assertError, basic } from './helpers.js';

describe('emulator: fault injection', () => {
  let emu: Emulator;
  let api: Api;
  before(async () => {
    emu = await startEmulator({});
    api = new Api(emu, basic('admin:admin'));
    emu.createSite('s');
  });
  afterEach(() => emu.setFaults(undefined));
  after(() => emu.close());

  async function statuses(target: Emulator, n: number): Promise<number[]> {
    const a = new Api(target, basic('admin:admin'));
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await a.core('GET', '/nodes/-root-')).status);
    return out;
  }

  it('is deterministic for a seed and answers with the error envelope', async () => {
    const opts = { rate: 0.5, kinds: ['500' as const, '503' as const], seed: 42 };
    emu.setFaults(opts);
    const first = await statuses(emu, 30);
    emu.setFaults(opts);
    assert.deepEqual(await statuses(emu, 30), first);
    assert.ok(first.includes(500) && first.includes(503) && first.includes(200), first.join());
    emu.setFaults({ rate: 1, kinds: ['503'] });
    const e = assertError(
      await api.core('GET', '/nodes/-root-'),
      503,
      'framework.exception.ServiceUnavailable',
    );
    assert.match(e.briefSummary as string, /^\d{8} /);
  });

  it('bounds consecutive faults (maxConsecutive) and counts faults by kind', async () => {
    const before500 = emu.faultCounts['500'];
    emu.setFaults({ rate: 1, kinds: ['500'], maxConsecutive: 2 });
    assert.deepEqual(await statuses(emu, 6), [500, 500, 200, 500, 500, 200]);
    assert.equal(emu.faultCounts['500'] - before500, 4);
    emu.setFaults({ rate: 1, kinds: ['500'], maxFaults: 1 });
    assert.deepEqual(await statuses(emu, 3), [500, 200, 200]);
  });

  it('reset drops the connection without applying anything', async () => {
    const resets = emu.faultCounts.reset;
    emu.setFaults({ rate: 1, kinds: ['reset'], maxConsecutive: 1 });
    await assert.rejects(
      api.core('POST', `/nodes/${emu.documentLibraryId('s')}/children`, {
        json: { name: 'r', nodeType: 'cm:folder' },
      }),
    );
    assert.equal(emu.faultCounts.reset, resets + 1);
    assert.equal(emu.findByPath('s', 'r'), undefined);
    assert.equal(emu.requestLog.at(-1)?.fault, 'reset');
  });

  it('lost-response applies the change, then drops the connection', async () => {
    emu.setFaults({ rate: 1, kinds: ['lost-response'], mutatingOnly: true });
    assert.equal(
      (await api.core('GET', '/nodes/-root-')).status,
      200,
      'GET is not faulted with mutatingOnly',
    );
    await assert.rejects(api.upload(emu.documentLibraryId('s'), 'lost.txt', 'payload'));
    emu.setFaults(undefined);
    assert.equal(emu.readContent(emu.findByPath('s', 'lost.txt')!.id)?.toString(), 'payload');
    const last = emu.requestLog.at(-1)!;
    assert.equal(last.fault, 'lost-response');
    assert.equal(last.status, 201);
    assert.equal(emu.faultCounts['lost-response'], 1);
    // The client retry now clashes, which is what a connector must adopt.
    assertError(await api.upload(emu.documentLibraryId('s'), 'lost.txt', 'payload'), 409);
  });

  it('delay slows the answer but still answers', async () => {
    emu.setFaults({ rate: 1, kinds: ['delay'], delayMs: 80 });
    const t0 = Date.now();
    assert.equal((await api.core('GET', '/nodes/-root-')).status, 200);
    assert.ok(Date.now() - t0 >= 75);
  });

  it('the control path is never faulted and can drive faults over HTTP', async () => {
    emu.setFaults({ rate: 1, kinds: ['reset'] });
    const status = await fetch(`${emu.url}/__emulator/status`);
    assert.equal(status.status, 200);
    const body = (await status.json()) as { faults: Record<string, number>; faultOptions: { rate: number } };
    assert.equal(body.faultOptions.rate, 1);
    const put = await fetch(`${emu.url}/__emulator/faults`, { method: 'PUT', body: 'null' });
    assert.equal(put.status, 204);
    assert.equal((await api.core('GET', '/nodes/-root-')).status, 200);
    emu.resetRequestLog();
    assert.equal(emu.requestLog.length, 0);
  });
});
