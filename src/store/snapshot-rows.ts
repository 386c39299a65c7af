// A snapshot written from a state whose members are still the rows of the snapshot it was loaded from
// (member-table.ts), with what the journal and the passes since changed over them (table-replay.ts,
// engine/member-overlay.ts): a row nothing decoded, below a parent that is still the one it derives from, is
// copied as the bytes it was read from; only the members that changed (and rows that derived from a folder
// that changed) are encoded again. Folding a journal into the snapshot then costs a copy of the file and the
// changes, not an encoding of every member (issue 11). The file is the one serializeSnapshot would write for
// the same members, but for their order: the rows in the order of the file, then the members added.
import { encodeMember } from './member-rows.js';
import type { MemberTable } from './member-table.js';
import type { MemberState } from './schema.js';

/** About how many bytes of rows go into one chunk. */
const CHUNK = 1 << 20;
const SEPARATOR = Buffer.from(',\n');

/** The member rows of the table's members, `,\n` between them, in chunks of about a megabyte. */
export function* tableRowChunks(table: MemberTable): Generator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  let first = true;
  /** Rows next to each other in the file (with their `,\n`) go out as one slice of it. */
  let run: Buffer | undefined;
  const flush = () => {
    if (!run) return;
    if (!first) parts.push(SEPARATOR);
    first = false;
    parts.push(run);
    size += run.length + 2;
    run = undefined;
  };
  const push = (row: Buffer, copied: boolean) => {
    const next = run !== undefined && run.byteOffset + run.length + 2 === row.byteOffset;
    if (copied && next && run!.buffer === row.buffer && run!.length < CHUNK) {
      run = Buffer.from(run!.buffer, run!.byteOffset, run!.length + 2 + row.length);
      return;
    }
    flush();
    run = row;
    if (!copied) flush();
  };
  /** Members written so far that are no row of the snapshot, by key (a parent of a later member). */
  const addedWritten = new Map<string, MemberState>();
  /** The member the decoder will have for `key` when it reads row `before` (or an added member: Infinity). */
  const parentAsRead = (key: string, before: number): MemberState | undefined => {
    const r = table.rowOf(key);
    if (r !== undefined && r < before && !table.removed.has(r)) return table.member(r);
    return addedWritten.get(key);
  };
  const encode = (m: MemberState, before: number): Buffer => {
    const parent = m.parentKey === null ? undefined : parentAsRead(m.parentKey, before);
    return Buffer.from(JSON.stringify(encodeMember(m, parent?.key === m.parentKey ? parent : undefined)));
  };
  for (let i = 0; i < table.length; i++) {
    if (table.removed.has(i)) continue;
    const p = table.parentOf(i);
    const same = p >= 0 && !table.removed.has(p) && table.base(p) === undefined;
    const text = same ? table.rowText(i) : undefined;
    push(text ?? encode(table.member(i), i), text !== undefined);
    if (size >= CHUNK) {
      yield Buffer.concat(parts);
      parts = [];
      size = 0;
    }
  }
  flush();
  for (const m of table.added) {
    push(encode(m, Infinity), false);
    addedWritten.set(m.key, m);
    if (size >= CHUNK) {
      yield Buffer.concat(parts);
      parts = [];
      size = 0;
    }
  }
  flush();
  if (parts.length > 0) yield Buffer.concat(parts);
}
