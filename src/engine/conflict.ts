import type { RemoteNode, Side } from '../connectors/types.js';
import type { ConflictPolicy } from '../store/schema.js';

/** Which side's content wins a conflict under `policy` (keep-both: the cloud copy keeps the name). */
export function decideWinner(policy: ConflictPolicy, onprem: RemoteNode, cloud: RemoteNode): Side {
  switch (policy) {
    case 'cloud-wins':
    case 'keep-both':
      return 'cloud';
    case 'onprem-wins':
      return 'onprem';
    case 'newer-wins':
      // Ties go to the cloud, the original product's rule.
      return onprem.mtimeMs > cloud.mtimeMs ? 'onprem' : 'cloud';
  }
}

/**
 * `report.docx` → `report (conflict onprem 2026-11-22 10-00-00).docx`: the keep-both loser's new name; the
 * `n`th candidate (n > 1) adds ` n` to the stamp, for two conflicts of one file within one second.
 */
export function conflictName(name: string, side: Side, when: Date, n = 1): string {
  const stamp = when.toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '-') + (n > 1 ? ` ${n}` : '');
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${stem} (conflict ${side} ${stamp})${ext}`;
}
