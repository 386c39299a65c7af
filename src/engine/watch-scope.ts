// What `watch` collects from one side's change events between two passes, so the next pass reads only
// the folders they name (events.ts eventScope, view-incremental.ts).
import type { ChangeHint } from '../connectors/types.js';
import type { EventScope } from './types.js';

/** Beyond this many folders named, a pass reads the side whole: cheaper than thousands of listings. */
const MAX_FOLDERS = 5000;

/** Folders named by one side's change events since the last pass; "whole" when one came without a hint. */
export class ScopeCollector {
  #folders = new Set<string>();
  #trees = new Set<string>();
  #whole = true; // until a full pass has read the side, nothing recorded can be trusted as current

  /** One change event: its folder (and subtree), or, without a hint, "read the side whole". */
  add(hint: ChangeHint | undefined): void {
    if (this.#whole) return;
    if (!hint) return this.markWhole();
    this.#folders.add(hint.parentId);
    if (hint.treeId !== undefined) this.#trees.add(hint.treeId);
    if (this.#folders.size + this.#trees.size > MAX_FOLDERS) this.markWhole();
  }

  /** The next pass must read the side whole (a lost event, a new watch, a pass that failed). */
  markWhole(): void {
    this.#whole = true;
    this.#folders.clear();
    this.#trees.clear();
  }

  /** A full read starts now: what was collected so far is covered by it. */
  reset(): void {
    this.#whole = false;
    this.#folders = new Set();
    this.#trees = new Set();
  }

  /** Hand over what was collected (undefined: read the side whole) and start collecting afresh. */
  take(): EventScope | undefined {
    const scope = this.#whole ? undefined : { folders: this.#folders, trees: this.#trees };
    this.reset();
    return scope;
  }
}
