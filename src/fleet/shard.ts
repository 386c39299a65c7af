import { createHash } from 'node:crypto';
import { InvalidArgumentError } from 'commander';

/** One shard of a fleet: `index` counted from 0, of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The most shards a fleet may be cut into. */
export const MAX_SHARDS = 1024;

/** commander parser for `--shard i/n` (i from 0 to n-1); anything else is a usage error (exit 2). */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new InvalidArgumentError(
      `expected i/n with n from 1 to ${MAX_SHARDS} and i from 0 to n-1 (e.g. 0/4 … 3/4).`,
    );
  }
  return { index, count };
}

/**
 * The shard a set belongs to: the first 4 bytes of sha256(set id), big-endian, modulo the shard count. It
 * depends on the set's own id only, so adding or removing a set never moves another one.
 */
export function shardOf(setId: string, count: number): number {
  return createHash('sha256').update(setId).digest().readUInt32BE(0) % count;
}

/** The ids among `ids` that shard `shard` runs. */
export function idsOfShard(ids: string[], shard: Shard): string[] {
  return ids.filter((id) => shardOf(id, shard.count) === shard.index);
}
