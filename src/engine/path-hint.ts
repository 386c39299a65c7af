import type { Connector } from '../connectors/types.js';
import { didYouMean } from '../suggest.js';

/**
 * The hint for a path that does not exist on a side: close names in its folder ("did you mean
 * Projects/Q3?"), or what the folder holds when nothing is close. Best effort: a connector that cannot be
 * browsed, or a folder that is gone too, gives the generic hint.
 */
export async function missingPathHint(connector: Connector, path: string, fallback: string): Promise<string> {
  if (!connector.browse) return fallback;
  const slash = path.lastIndexOf('/');
  const parent = slash < 0 ? '' : path.slice(0, slash);
  const name = path.slice(slash + 1);
  const entries = await connector.browse(parent).catch(() => null);
  if (!entries) return parent ? `${parent} does not exist either; ${fallback}` : fallback;
  const byName = new Map(entries.map((e) => [e.name, e.path]));
  const close = didYouMean(name, byName.keys());
  if (close) return close.replace(/"([^"]*)"/g, (_, n: string) => `"${byName.get(n) ?? n}"`);
  const some = entries.slice(0, 8).map((e) => (e.kind === 'folder' ? `${e.name}/` : e.name));
  return some.length
    ? `${parent || 'the top'} holds: ${some.join(' ')}${entries.length > 8 ? ' …' : ''}`
    : fallback;
}
