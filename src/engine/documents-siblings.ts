import { otherSide, SIDES, type Connector, type Side } from '../connectors/types.js';
import type { SetState } from '../store/schema.js';
import type { SideChanges } from './detect.js';
import type { SideView } from './view.js';

/**
 * A documents set sees its documents only, not what sits beside them. Where a document was renamed on one
 * side, the name it takes on the other side is checked against that folder's real content: the folder is
 * listed (one level) so the plan, and so `--dry-run`, fail a clash up front instead of planning a rename that
 * the connector then refuses, pass after pass. Only folders a rename goes into are listed.
 */
export async function readDocumentSiblings(
  state: SetState,
  views: Record<Side, SideView>,
  changes: Record<Side, SideChanges>,
  connectors: Record<Side, Connector>,
): Promise<void> {
  if (state.set.kind !== 'documents') return;
  const byKey = new Map(state.members.map((m) => [m.key, m]));
  for (const side of SIDES) {
    const other = otherSide(side);
    const folders = new Set<string>();
    for (const [key, ch] of changes[side].byMember) {
      if (ch.kind !== 'changed' || !ch.renamed) continue;
      const folder = byKey.get(key)?.[other]?.parentId;
      if (folder) folders.add(folder);
    }
    const view = views[other];
    for (const folder of folders) {
      const listing = await connectors[other].listTree(folder, { recursive: false }).catch(() => null);
      if (!listing) continue;
      const names = new Map<string, string>();
      for (const n of listing.nodes) if (n.parentId === folder) names.set(n.name, n.id);
      (view.siblings ??= new Map()).set(folder, names);
    }
  }
}
