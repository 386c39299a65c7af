import type { ConnectionConfig } from '../config/config.js';
import { SIDES, type Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import type { SetState } from '../store/schema.js';
import { parseSnapshot } from '../store/state-file.js';

/** Version of the state bundle layout; a newer bundle is refused. */
export const BUNDLE_VERSION = 1;
const FORMAT = 'cloudsync-state';

/** What `state export` writes: sets' state plus the connections it is only valid with. */
export interface StateBundle {
  format: typeof FORMAT;
  version: number;
  exportedAt: string;
  profile: string;
  connections: Record<Side, { kind: ConnectionConfig['kind']; address: string }>;
  sets: SetState[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A bundle of `states` for these connections. Conflict backups are not in it (their bytes live under
 * `<home>/backups/`, not in state), so their records are dropped rather than left pointing nowhere.
 */
export function buildBundle(
  profile: string,
  conns: Record<Side, ConnectionConfig>,
  states: SetState[],
  now: Date,
): StateBundle {
  const connections = {} as StateBundle['connections'];
  for (const side of SIDES) connections[side] = { kind: conns[side].kind, address: conns[side].address };
  return {
    format: FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: now.toISOString(),
    profile,
    connections,
    sets: states.map((s) => ({ ...s, backups: [] })),
  };
}

function bad(source: string, why: string): UsageError {
  return new UsageError(
    `${source} is not a cloudsync state bundle: ${why}`,
    'make one with `cloudsync state export <set|--all> > bundle.json`',
    'INVALID_BUNDLE',
  );
}

/** Parse and check a bundle: format, version (newer refused), connections, and every set as a state file. */
export function parseBundle(text: string, source: string): StateBundle {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw bad(source, (err as Error).message);
  }
  if (!isObject(data) || data.format !== FORMAT) throw bad(source, `"format" is not "${FORMAT}"`);
  if (typeof data.version !== 'number' || !Number.isInteger(data.version) || data.version < 1)
    throw bad(source, 'missing or invalid "version"');
  if (data.version > BUNDLE_VERSION) {
    throw new UsageError(
      `${source} was written by a newer cloudsync (bundle version ${data.version}, this one reads ${BUNDLE_VERSION})`,
      'upgrade cloudsync to import it',
      'BUNDLE_NEWER',
    );
  }
  const conns = data.connections;
  if (
    !isObject(conns) ||
    !SIDES.every(
      (s) => isObject(conns[s]) && typeof conns[s].address === 'string' && typeof conns[s].kind === 'string',
    )
  )
    throw bad(source, 'missing or invalid "connections"');
  if (!Array.isArray(data.sets)) throw bad(source, 'missing "sets"');
  // Each set passes the same checks as a state file on disk (schema version first).
  const sets = data.sets.map((s, i) => parseSnapshot(`${source} (sets[${i}])`, JSON.stringify(s)));
  const ids = sets.map((s) => s.set.id);
  if (new Set(ids).size !== ids.length) throw bad(source, 'a set id appears twice');
  return { ...(data as unknown as StateBundle), sets };
}

/** Refuse (exit 2) a bundle made for other connections than the profile's: its pairings name other nodes. */
export function checkBundleConnections(
  bundle: StateBundle,
  current: Partial<Record<Side, ConnectionConfig>>,
  source: string,
): void {
  for (const side of SIDES) {
    const want = bundle.connections[side];
    const have = current[side];
    if (!have) {
      throw new UsageError(
        `not logged in to ${side}: ${source} belongs to ${want.kind} ${want.address}`,
        `run \`cloudsync login ${side} ${want.address}\` (or \`cloudsync apply -f <sets file>\`) first`,
        'NOT_LOGGED_IN',
      );
    }
    const norm = (a: string) => a.replace(/\/+$/, '');
    if (have.kind !== want.kind || norm(have.address) !== norm(want.address)) {
      throw new UsageError(
        `${source} belongs to other connections: its ${side} is ${want.kind} ${want.address}, this profile's is ${have.kind} ${have.address}`,
        'import it into a profile logged in to the same repositories (--profile), or re-create the sets with `cloudsync apply`',
        'BUNDLE_OTHER_CONNECTIONS',
      );
    }
  }
}

/**
 * Refuse (exit 2) importing sets that would clash with the profile's: the same id (unless `replace`), the same
 * name under another id, or an on-prem node another set already syncs (sets never overlap).
 */
export function checkImport(bundle: StateBundle, existing: SetState[], replace: boolean): void {
  for (const s of bundle.sets) {
    for (const other of existing) {
      if (other.set.id === s.set.id) {
        if (replace) continue;
        throw new UsageError(
          `sync set ${s.set.id} (${s.set.name}) already exists in this profile`,
          "pass --replace to overwrite its state with the bundle's",
          'SET_EXISTS',
        );
      }
      if (other.set.name === s.set.name)
        throw new UsageError(
          `a different sync set ${other.set.id} is already named "${s.set.name}"`,
          `unsync it first (cloudsync unsync ${other.set.id})`,
          'SET_EXISTS',
        );
      const mine = new Set(s.members.filter((m) => m.onprem && !m.detached).map((m) => m.onprem!.id));
      const clash = other.members.find((m) => m.onprem && !m.detached && mine.has(m.onprem.id));
      if (clash)
        throw new UsageError(
          `${clash.onprem!.path} of set ${s.set.id} is already synced by set ${other.set.id} (${other.set.name}); sync sets never overlap`,
          `unsync it first (cloudsync unsync ${other.set.id})`,
          'TARGET_NODE_OTHER_SYNC_SET',
        );
    }
  }
}
