import assert from 'node:assert/strict';
import type { PassResult } from '../../src/engine/types.js';
import { WatchLoop, type PassReason, type Timers, type WatchLoopEvent } from '../../src/engine/watch-loop.js';
import { AuthError, LockedError, UnreachableError } from '../../src/errors.js';

/** Timers driven by hand: `advance(ms)` fires what falls due, in order. */
class FakeClock implements Timers {
  now = 0;
  private seq = 0;
  private pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  get count(): number {
    return this.pending.size;
  }
  /** The delays of pending timers from now. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const next = [...this.pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.pending.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
      await flush();
    }
    this.now = end;
  }
}

const flush = () => new Promise((r) => setImmediate(r));
const ok: PassResult = { sets: [], exitCode: 0, dryRun: false };

const HOUR = 3_600_000;

function harness(
  passes: (() => Promise<PassResult>)[],
  hasEvents = false,
  cloudEvents = false,
  afterStart?: (signal: AbortSignal) => Promise<void>,
) {
  const clock = new FakeClock();
  const events: WatchLoopEvent[] = [];
  let calls = 0;
  const signals: AbortSignal[] = [];
  const reasons: PassReason[] = [];
  const loop = new WatchLoop(
    {
      pushIntervalMs: 15_000,
      pullIntervalMs: 60_000,
      hasEvents,
      cloudEvents,
      debounceMs: 300,
      baseBackoffMs: 5_000,
      maxBackoffMs: 300_000,
    },
    {
      runPass: (signal, reason) => {
        signals.push(signal);
        reasons.push(reason);
        const f = passes[Math.min(calls, passes.length - 1)]!;
        calls++;
        return f();
      },
      onEvent: (e) => events.push(e),
      afterStart,
      timers: clock,
    },
  );
  return { clock, events, loop, signals, reasons, calls: () => calls };
}

describe('watch loop', () => {
  it('runs a pass at start, then on the push interval when no side reports events', async () => {
    const h = harness([async () => ok]);
    const done = h.loop.run();
    await flush();
    assert.equal(h.calls(), 1);
    assert.deepEqual(h.clock.delays(), [15_000, HOUR]);
    await h.clock.advance(15_000);
    assert.equal(h.calls(), 2);
    h.loop.stop();
    await done;
    assert.equal(h.clock.count, 0, 'no timer left once stopped');
  });

  it('with change events, idles on the pull interval and runs a debounced pass after changes', async () => {
    const h = harness([async () => ok], true);
    const done = h.loop.run();
    await flush();
    assert.deepEqual(h.clock.delays(), [60_000, HOUR], 'the pull interval and the rescan: no push polling');
    h.loop.notifyChange();
    await h.clock.advance(200);
    h.loop.notifyChange(); // a burst restarts the quiet time
    await h.clock.advance(299);
    assert.equal(h.calls(), 1);
    await h.clock.advance(1);
    assert.equal(h.calls(), 2);
    h.loop.stop();
    await done;
  });

  it('retries an unreachable side with exponential backoff capped at 5 min, then resets', async () => {
    let fail = 8;
    const h = harness([
      async () => {
        if (fail-- > 0) throw new UnreachableError('cloud unreachable');
        return ok;
      },
    ]);
    const done = h.loop.run();
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      delays.push(h.clock.delays()[0]!);
      await h.clock.advance(h.clock.delays()[0]!);
    }
    assert.deepEqual(delays, [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    assert.deepEqual(h.clock.delays(), [15_000, HOUR], 'back to the interval once the side answers');
    assert.ok(h.events.some((e) => e.event === 'error' && e.code === 'COMMUNICATIONS_ERROR'));
    h.loop.stop();
    await done;
  });

  it('runs afterStart once, after the start-up pass has ended; a change meanwhile makes a pass after it', async () => {
    let release: () => void = () => {};
    const log: string[] = [];
    const h = harness([async () => ok], true, false, async () => {
      log.push(`warm-up after ${h.events.filter((e) => e.event === 'pass-end').length} pass-end`);
      await new Promise<void>((r) => (release = r));
    });
    const done = h.loop.run();
    await flush();
    assert.deepEqual(log, ['warm-up after 1 pass-end']);
    h.loop.notifyChange(); // heard while it runs: no pass now, one after it
    await h.clock.advance(1_000);
    assert.equal(h.calls(), 1);
    release();
    await flush();
    await h.clock.advance(300);
    assert.deepEqual(h.reasons, ['start', 'change']);
    assert.equal(log.length, 1, 'once');
    h.loop.stop();
    await done;
  });

  it('a held lock is a warning, not an exit', async () => {
    const h = harness([async () => Promise.reject(new LockedError('locked')), async () => ok]);
    const done = h.loop.run();
    await flush();
    assert.ok(h.events.some((e) => e.event === 'warning'));
    await h.clock.advance(15_000);
    assert.equal(h.calls(), 2);
    h.loop.stop();
    await done;
  });

  it('authentication failure ends the loop with exit 4', async () => {
    const h = harness([async () => Promise.reject(new AuthError('ticket expired'))]);
    await assert.rejects(h.loop.run(), (err: AuthError) => err.exitCode === 4);
    assert.equal(h.clock.count, 0);
  });

  it('stop lets the pass in flight finish and aborts its signal', async () => {
    let finish!: () => void;
    const h = harness([() => new Promise<PassResult>((r) => (finish = () => r(ok)))]);
    let stopped = false;
    const done = h.loop.run().then(() => (stopped = true));
    await flush();
    h.loop.stop();
    assert.equal(h.signals[0]!.aborted, true);
    await flush();
    assert.equal(stopped, false, 'waits for the pass');
    finish();
    await done;
    assert.equal(h.clock.count, 0);
  });

  it('a change during a pass runs another pass soon after it', async () => {
    let finish!: () => void;
    const h = harness([() => new Promise<PassResult>((r) => (finish = () => r(ok))), async () => ok], true);
    const done = h.loop.run();
    await flush();
    h.loop.notifyChange();
    finish();
    await flush();
    assert.deepEqual(h.clock.delays(), [300, HOUR]);
    await h.clock.advance(300);
    assert.equal(h.calls(), 2);
    h.loop.stop();
    await done;
  });

  it('with every side reporting events, idles with only the hourly rescan, which catches what events missed', async () => {
    const h = harness([async () => ok], true, true);
    const done = h.loop.run();
    await flush();
    assert.deepEqual(h.clock.delays(), [HOUR], 'no interval pass: one timer, the safety net');
    await h.clock.advance(HOUR - 1);
    assert.equal(h.calls(), 1, 'nothing polls in between');
    await h.clock.advance(1);
    assert.deepEqual(h.reasons, ['start', 'rescan']);
    assert.deepEqual(h.clock.delays(), [HOUR], 'the next rescan is an hour after this one');
    // A change pass does not move the safety net.
    h.loop.notifyChange();
    await h.clock.advance(300);
    assert.deepEqual(h.reasons, ['start', 'rescan', 'change']);
    assert.deepEqual(h.clock.delays(), [HOUR - 300]);
    h.loop.stop();
    await done;
    assert.equal(h.clock.count, 0);
  });

  it('a rescan falling due during a pass runs right after it', async () => {
    let finish!: () => void;
    const h = harness(
      [async () => ok, () => new Promise<PassResult>((r) => (finish = () => r(ok))), async () => ok],
      true,
      true,
    );
    const done = h.loop.run();
    await flush();
    h.loop.notifyChange();
    await h.clock.advance(HOUR - 100); // the change pass starts at 300 ms and is still running at the hour
    await h.clock.advance(200);
    assert.deepEqual(h.reasons, ['start', 'change']);
    finish();
    await flush();
    await flush();
    assert.deepEqual(h.reasons, ['start', 'change', 'rescan']);
    h.loop.stop();
    await done;
  });

  it('a requested pass runs after the pass in flight and gets its own result', async () => {
    let finish!: () => void;
    const h = harness([() => new Promise<PassResult>((r) => (finish = () => r(ok)))], true, true);
    const done = h.loop.run();
    await flush();
    const mine: PassResult = { sets: [], exitCode: 3, dryRun: false };
    let ran = 0;
    const answer = h.loop.request(async () => {
      ran++;
      return mine;
    });
    await flush();
    assert.equal(ran, 0, 'waits for the start pass');
    finish();
    assert.equal(await answer, mine);
    assert.equal(ran, 1);
    assert.ok(h.events.some((e) => e.event === 'pass-start' && e.reason === 'request'));
    // A request that fails answers with its error and the loop goes on.
    await assert.rejects(
      h.loop.request(() => Promise.reject(new LockedError('held'))),
      (err: LockedError) => err.exitCode === 6,
    );
    assert.deepEqual(h.clock.delays(), [HOUR]);
    h.loop.stop();
    await done;
  });
});
