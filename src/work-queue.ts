/**
 * The one concurrency limiter: the engine's transfers, the Alfresco listing and the local walk all run
 * through it (issue 13 replaced three hand-made ones that differed in how they failed). It is a small
 * module rather than p-limit because two of its three users are walks whose work grows as they go
 * (subfolders found while listing), which p-limit leaves to the caller to track.
 */

/**
 * Run `fn` over `items` with at most `limit` calls in flight, in order of `items`. `fn` may append to
 * `items` while it runs (a walk queues the subfolders it finds); those are run too. After the first
 * failure no new item starts; once the calls in flight have settled, the promise rejects with that
 * failure, so nothing is left running behind the caller's back.
 */
export function runQueue<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const width = Math.max(1, Math.floor(limit));
  return new Promise((resolve, reject) => {
    let next = 0;
    let active = 0;
    let failed = false;
    let failure: unknown;
    const pump = (): void => {
      while (!failed && active < width && next < items.length) {
        const item = items[next++]!;
        active++;
        // `new Promise` turns a synchronous throw of `fn` into a failure like any other.
        new Promise<void>((done) => done(fn(item)))
          .catch((err: unknown) => {
            if (!failed) [failed, failure] = [true, err];
          })
          .finally(() => {
            active--;
            pump();
          });
      }
      if (active === 0) {
        if (failed) reject(failure);
        else resolve();
      }
    };
    pump();
  });
}
