import { otherSide, SIDES, type Connector, type Side } from '../connectors/types.js';
import type { SetState } from '../store/schema.js';
import type { SideChanges } from './detect.js';
import type { SideView } from './view.js';

/**
 * A documents set sees its documents only, not what sits beside them. Where a document was renamed on one
 * side, the name it takes on the other side is checked against that folder's real content: the folder is
 * listed (one level) so the plan, and so `--dry-run`, fail a clash up front instead of planning a rename that
 * the connector then refuses, pass after pass. Only folders a rename or a re-create goes into are listed, and
 * under keep-both the folders of a document changed on both sides (its conflict loser is named there).
 */
export async function readDocumentSiblings(
  state: SetState,
  views: Record<Side, SideView>,
  changes: Record<Side, SideChanges>,
  connectors: Record<Side, Connector>,
): Promise<void> {
  if (state.set.kind !== 'documents') return;
  await sweepDocumentFolders(state, connectors);
  const byKey = new Map(state.members.map((m) => [m.key, m]));
  const folders: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  const keepBoth = state.set.options.conflict === 'keep-both';
  for (const side of SIDES) {
    const other = otherSide(side);
    for (const [key, ch] of changes[side].byMember) {
      const m = byKey.get(key);
      // A rename goes to the other side's folder; a document gone on `side` may be re-created in its folder
      // there (a change beats the delete), under the other copy's name (model seed 1598).
      if (ch.kind === 'changed' && ch.renamed && m?.[other]?.parentId)
        folders[other].add(m[other]!.parentId!);
      if (ch.kind === 'gone' && m?.[side]?.parentId) folders[side].add(m[side]!.parentId!);
      // Under keep-both a document changed on both sides may conflict: its loser is renamed beside it, to a
      // name free in both folders. Named without them, a second conflict within the same second took the
      // first loser's name, which the connector then refused (model seed 4182: --dry-run said exit 0).
      const oc = changes[other].byMember.get(key);
      if (keepBoth && ch.kind === 'changed' && ch.content && oc?.kind === 'changed' && oc.content) {
        if (ch.node.parentId) folders[side].add(ch.node.parentId);
        if (oc.node.parentId) folders[other].add(oc.node.parentId);
      }
    }
  }
  for (const side of SIDES) {
    const view = views[side];
    for (const folder of folders[side]) {
      const listing = await connectors[side].listTree(folder, { recursive: false }).catch(() => null);
      if (!listing) continue;
      const names = new Map<string, string>();
      for (const n of listing.nodes) {
        if (n.parentId !== folder) continue;
        names.set(n.name, n.id);
        if (n.kind === 'file') (view.siblingSizes ??= new Map()).set(n.id, n.size);
      }
      (view.siblings ??= new Map()).set(folder, names);
    }
  }
}

/** Folders each connector (one per command run, or per `watch`) has swept already. */
const swept = new WeakMap<Connector, Set<string>>();

/**
 * A pass killed while writing a document left its temp file beside it, in a folder no walk of a documents set
 * reads (model seed 1622). Only another process can have been killed mid-write: each folder holding a
 * document is swept once per connector, before anything is written.
 */
async function sweepDocumentFolders(state: SetState, connectors: Record<Side, Connector>): Promise<void> {
  for (const side of SIDES) {
    const connector = connectors[side];
    if (!connector.sweepTemps) continue;
    let done = swept.get(connector);
    if (!done) swept.set(connector, (done = new Set()));
    for (const m of state.members) {
      const folder = m[side]?.parentId;
      if (!folder || done.has(folder)) continue;
      done.add(folder);
      await connector.sweepTemps(folder).catch(() => undefined);
    }
  }
}
