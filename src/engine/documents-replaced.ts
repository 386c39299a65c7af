import { otherSide, SIDES, type Side } from '../connectors/types.js';
import type { SetReading } from './cross-set.js';

/**
 * A document whose node on one side vanished while a file of its name, holding exactly the bytes of its other
 * copy, appeared in another set's folder on that side: the document was moved there and its node replaced (a
 * pass killed after it pushed the other copy's bytes, which writes a new node, and before it recorded that; or
 * an editor's save by rename after the move). It is the document's node, changed, not a new file of that set
 * (model seed 439: else the documents set takes its copy for deleted and the folder set pulls it in: a twin).
 * Equal bytes only, so an unrelated file of the same name is never taken for the document. Hashes are read
 * only for such a pair.
 */
export async function findReplacedDocuments(
  work: SetReading[],
  hashOf: (side: Side, id: string) => Promise<string>,
): Promise<void> {
  const claimed = new Set<string>();
  for (const w of work) {
    if (w.state.set.kind !== 'documents') continue;
    for (const side of SIDES) {
      const other = otherSide(side);
      for (const [key, ch] of w.changes[side].byMember) {
        if (ch.kind !== 'gone') continue;
        const m = w.state.members.find((x) => x.key === key);
        const oc = w.changes[other].byMember.get(key);
        const mine = oc?.kind === 'gone' ? undefined : (oc?.node ?? undefined);
        const base = m?.[side];
        if (!m || !base || m.kind !== 'file' || !mine) continue;
        const found = work.flatMap((x) =>
          x === w
            ? []
            : x.changes[side].fresh.filter(
                (n) =>
                  n.kind === 'file' && n.name === base.name && n.size === mine.size && !claimed.has(n.id),
              ),
        );
        if (found.length !== 1) continue;
        const n = found[0]!;
        if ((await hashOf(side, n.id)) !== (await hashOf(other, mine.id))) continue;
        claimed.add(n.id);
        w.changes[side].byMember.set(key, {
          kind: 'changed',
          node: n,
          content: true,
          moved: false,
          renamed: false,
          props: false,
        });
      }
    }
  }
}
