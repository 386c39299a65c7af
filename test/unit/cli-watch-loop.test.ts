import assert from 'node:assert/strict';
import type { PassResult } from '../../src/engine/types.js';
import { WatchLoop, type Timers, type WatchLoopEvent } from '../../src/engine/watch-loop.js';
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

function harness(passes: (() => Promise<PassResult>)[], hasEvents = false) {
  const clock = new FakeClock();
  const events: WatchLoopEvent[] = [];
  let calls = 0;
  const signals: AbortSignal[] = [];
  const loop = new WatchLoop(
    {
      pushIntervalMs: 15_000,
      pullIntervalMs: 60_000,
      hasEvents,
      debounceMs: 300,
      baseBackoffMs: 5_000,
      maxBackoffMs: 300_000,
    },
    {
      runPass: (signal) => {
        signals.push(signal);
        const f = passes[Math.min(calls, passes.length - 1)]!;
        calls++;
        return f();
      },
      onEvent: (e) => events.push(e),
      timers: clock,
    },
  );
  return { clock, events, loop, signals, calls: () => calls };
}

describe('watch loop', () => {
  it('runs a pass at start, then on the push interval when no side reports events', async () => {
    const h = harness([async () => ok]);
    const done = h.loop.run();
    await flush();
    assert.equal(h.calls(), 1);
    assert.deepEqual(h.clock.delays(), [15_000]);
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
    assert.deepEqual(h.clock.delays(), [60_000], 'one timer while idle: no polling');
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
    assert.deepEqual(h.clock.delays(), [15_000], 'back to the interval once the side answers');
    assert.ok(h.events.some((e) => e.event === 'error' && e.code === 'COMMUNICATIONS_ERROR'));
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
    assert.deepEqual(h.clock.delays(), [300]);
    await h.clock.advance(300);
    assert.equal(h.calls(), 2);
    h.loop.stop();
    await done;
  });
});
