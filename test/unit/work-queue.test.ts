import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runQueue } from '../../src/work-queue.js';

describe('runQueue (the one concurrency limiter)', () => {
  it('keeps at most `limit` calls in flight and runs items appended while it runs', async () => {
    const items = [1, 2, 3];
    const started: number[] = [];
    let active = 0;
    let peak = 0;
    await runQueue(items, 2, async (n) => {
      started.push(n);
      peak = Math.max(peak, ++active);
      await sleep(5);
      if (n < 10) items.push(n * 10); // a walk queueing the subfolders it found
      active--;
    });
    assert.equal(peak, 2);
    assert.deepEqual(started, [1, 2, 3, 10, 20, 30]);
  });

  it('starts nothing after a failure, lets those in flight finish, then rejects with the first failure', async () => {
    const finished: number[] = [];
    const started: number[] = [];
    await assert.rejects(
      runQueue([1, 2, 3, 4, 5], 2, async (n) => {
        started.push(n);
        if (n === 1) throw new Error('first');
        await sleep(20);
        if (n === 3) throw new Error('later');
        finished.push(n);
      }),
      /first/,
    );
    // 2 was in flight when 1 failed: it had finished before runQueue rejected.
    assert.deepEqual(finished, [2]);
    await sleep(50);
    assert.deepEqual(started, [1, 2], 'nothing started after the failure, even later');
  });

  it('a synchronous throw is a failure like any other; an empty list and a limit below 1 still work', async () => {
    await assert.rejects(
      runQueue([1], 1, () => {
        throw new Error('sync');
      }),
      /sync/,
    );
    await runQueue([], 4, () => Promise.reject(new Error('never called')));
    const seen: number[] = [];
    await runQueue([1, 2], 0, async (n) => void seen.push(n));
    assert.deepEqual(seen, [1, 2]);
  });
});
