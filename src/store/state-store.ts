import type { BackupRecord, MemberState, SetState } from './schema.js';

/** One durable change to a set's state, appended to `<id>.journal` as one JSON line. */
export type JournalRecord =
  | { op: 'put'; member: MemberState }
  | { op: 'del'; key: string }
  | { op: 'backup'; backup: BackupRecord }
  | { op: 'meta'; lastSyncAt?: string | null; nextKey?: number };

/**
 * The JSON state store: `<home>/state/<profile>/<set-id>.json` snapshots plus an append-only journal per
 * set, so every applied action is committed at once without rewriting the whole snapshot.
 * STUB: signatures only; implemented by the store work.
 */
export class StateStore {
  constructor(
    readonly home: string,
    readonly profile: string,
  ) {}
  /** Ids of the profile's sets, sorted. */
  async listIds(): Promise<string[]> {
    throw new Error('not implemented');
  }
  /** Load one set (snapshot + journal). Corrupt or newer schema: UsageError (exit 2), file left untouched. */
  async load(_id: string): Promise<SetState> {
    throw new Error('not implemented');
  }
  /** Load every set of the profile. */
  async loadAll(): Promise<SetState[]> {
    throw new Error('not implemented');
  }
  /** Write the snapshot atomically and empty the journal. */
  async save(_state: SetState): Promise<void> {
    throw new Error('not implemented');
  }
  /** Append one record to the set's journal; resolved means it survives the process being killed. */
  async append(_id: string, _rec: JournalRecord): Promise<void> {
    throw new Error('not implemented');
  }
  /** Forget a set: snapshot and journal. */
  async remove(_id: string): Promise<void> {
    throw new Error('not implemented');
  }
  /** Resolve a unique id prefix (UsageError when unknown or ambiguous). */
  async resolveId(_prefix: string): Promise<string> {
    throw new Error('not implemented');
  }
}
