import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { setTimeout as sleep } from 'node:timers/promises';
import { HEAVY_APPLY_ACTIONS, heavyApply } from '../../src/engine/heap-mode.js';

const used = () => v8.getHeapStatistics().used_heap_size;

describe('heavyApply (V8 settings for a long apply)', () => {
  it('does nothing for a short plan', () => {
    const h = heavyApply(HEAVY_APPLY_ACTIONS - 1);
    h.released();
    h.done();
  });

  it('collects the garbage a long apply leaves as it grows, and stops once done', async () => {
    const h = heavyApply(HEAVY_APPLY_ACTIONS);
    try {
      // ~80 MB of objects held across a few ticks (promoted, as an apply's are), then dropped.
      let held: number[][] | null = [];
      for (let i = 0; i < 80; i++) {
        held.push(new Array<number>(131_072).fill(i));
        if (i % 10 === 0) await sleep(1);
      }
      const before = used();
      assert.ok(held.length === 80 && before > 64 * 1024 * 1024);
      held = null;
      // The half-second check sees the heap grown past its slack and collects it (or V8 did already).
      const deadline = Date.now() + 20_000; // generous: a loaded machine delays the timer (it ends when seen)
      while (used() > before - 48 * 1024 * 1024 && Date.now() < deadline) await sleep(100);
      assert.ok(used() <= before - 48 * 1024 * 1024, `heap still ${used()} of ${before}`);
      h.released(); // a full collection; nothing to check but that it runs
    } finally {
      h.done();
      v8.setFlagsFromString('--semi-space-growth-factor=2'); // done() sets a pass's 1; this process had V8's 2
    }
  });
});
