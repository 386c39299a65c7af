// Paging that always ends: a server whose `hasMoreItems` never turns false (the same page again, skipCount
// ignored, or an endless stream of pages) fails the listing instead of looping or growing forever.
import { NodeError } from '../../errors.js';

/** Pages one listing may take (at 1,000 entries a page, far beyond any real folder). */
export const MAX_PAGES = 5000;
/** Entries one listing may hold. */
export const MAX_ENTRIES = 500_000;

/** Watches the pages of one listing; `accept` throws NodeError when the paging makes no progress or runs away. */
export class PagingGuard {
  private readonly seen = new Set<string>();
  private pages = 0;

  constructor(private readonly what: string) {}

  /** Records a page's ids; throws when none is new (the server repeats itself) or a bound is passed. */
  accept(ids: string[]): void {
    this.pages++;
    let fresh = 0;
    for (const id of ids) {
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      fresh++;
    }
    if (ids.length > 0 && fresh === 0) {
      throw new NodeError(
        'UNKNOWN',
        `${this.what}: the server sent page ${this.pages} again (paging makes no progress); listing stopped`,
      );
    }
    if (this.pages > MAX_PAGES || this.seen.size > MAX_ENTRIES) {
      throw new NodeError(
        'UNKNOWN',
        `${this.what}: more than ${this.pages > MAX_PAGES ? `${MAX_PAGES} pages` : `${MAX_ENTRIES} entries`}; listing stopped`,
      );
    }
  }
}
