// SPEC §2 alfresco paths: `<site>/<path in the document library>` or `node:<id>`.

/** A parsed alfresco path. */
export type AlfrescoPath = { kind: 'node'; id: string } | { kind: 'site'; site: string; rest: string[] };

/** Parses a path; a reason string when it cannot be one (empty, `.`/`..` segments). */
export function parseAlfrescoPath(path: string): AlfrescoPath | string {
  const trimmed = path.trim();
  if (trimmed.startsWith('node:')) {
    const id = trimmed.slice(5);
    return /^[A-Za-z0-9._-]+$/.test(id) ? { kind: 'node', id } : `not a node id: ${JSON.stringify(id)}`;
  }
  const segments = trimmed.split('/').filter((s) => s.length > 0);
  if (segments.length === 0) return 'empty path: expected <site>/<path in the document library>';
  if (segments.some((s) => s === '.' || s === '..')) return `'.' and '..' are not allowed in ${path}`;
  const [site, ...rest] = segments as [string, ...string[]];
  return { kind: 'site', site, rest };
}

/** Where a repository path (`/Company Home/Sites/s/documentLibrary/a`) lies, by its segments. */
export type RepoLocation =
  | { kind: 'doclib'; site: string; rest: string[] }
  | { kind: 'site-root'; site: string }
  | { kind: 'outside' };

/**
 * Locates a node from its parent path (the `path.name` of `include=path`) and its own name. The first
 * segment is ignored because "Company Home" is a localisable folder name.
 */
export function locateRepoPath(parentPath: string, name: string): RepoLocation {
  const segs = [...parentPath.split('/').filter((s) => s.length > 0), name];
  if (segs[1] !== 'Sites' || segs.length < 3) return { kind: 'outside' };
  const site = segs[2]!;
  if (segs.length === 3) return { kind: 'site-root', site };
  if (segs[3] !== 'documentLibrary') return { kind: 'outside' };
  return { kind: 'doclib', site, rest: segs.slice(4) };
}

/** `<site>/<rest>` for display and for `pathOf`. */
export function formatSitePath(site: string, rest: string[]): string {
  return [site, ...rest].join('/');
}
