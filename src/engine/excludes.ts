import { createRequire } from 'node:module';

/** SPEC §4 default excludes: editor lock files, temp files and OS litter; and cloudsync's owner markers. */
export const DEFAULT_EXCLUDES = [
  '~$*',
  '*.tmp',
  '.DS_Store',
  'Thumbs.db',
  'desktop.ini',
  '.cloudsync-owner.*',
];

/**
 * DEFAULT_EXCLUDES as oneRegExp compiles them (all name globs), written out so that a set without excludes
 * of its own loads no glob compiler (issue 11: picomatch's load and compile were ~10 ms of every `sync`).
 * A unit test checks it is exactly what picomatch gives.
 */
export const DEFAULT_NAME_SOURCE =
  '(?:^(?:^(?:\\~\\$[^/]*?)$)$)|(?:^(?:(?!(?:^|\\/)\\.{1,2}(?:\\/|$))(?=.)[^/]*?\\.tmp\\/?)$)|' +
  '(?:^(?:^(?:\\.DS_Store)$)$)|(?:^(?:^(?:Thumbs\\.db)$)$)|(?:^(?:^(?:desktop\\.ini)$)$)|' +
  '(?:^(?:^(?:\\.cloudsync\\-owner\\.[^/]*?)$)$)';

/** A compiled exclude list: true when the entry (set-relative path, its name) is excluded. */
export type ExcludeMatcher = (relPath: string, name: string) => boolean;

const compiled = new Map<string, ExcludeMatcher>();

/**
 * Build a matcher over set-relative paths ('Plans/Q3.docx'). A glob without '/' matches the name at any
 * depth (like .gitignore); a glob with '/' matches the relative path. All name globs become one regular
 * expression and all path globs another, so an entry costs at most two tests whatever the number of globs;
 * a list is compiled once per process (a walk asks for every entry).
 */
export function compileExcludes(user: readonly string[]): ExcludeMatcher {
  const cacheKey = JSON.stringify(user);
  let matcher = compiled.get(cacheKey);
  if (!matcher) {
    const globs = [...DEFAULT_EXCLUDES, ...user];
    const byName =
      user.length === 0 ? new RegExp(DEFAULT_NAME_SOURCE) : oneRegExp(globs.filter((g) => !g.includes('/')));
    const byPath = oneRegExp(globs.filter((g) => g.includes('/')).map((g) => g.replace(/^\//, '')));
    matcher = byPath
      ? (relPath, name) => byName!.test(name) || byPath.test(relPath)
      : byName
        ? (_relPath, name) => byName.test(name)
        : () => false;
    compiled.set(cacheKey, matcher);
  }
  return matcher;
}

/** The alternation of the globs' picomatch expressions (each anchored on its own), or null for none. */
export function oneRegExp(globs: string[]): RegExp | null {
  if (globs.length === 0) return null;
  // loaded when a set has excludes of its own (a bundled CommonJS package, so `require`)
  const picomatch = createRequire(import.meta.url)('picomatch') as typeof import('picomatch');
  return new RegExp(globs.map((g) => `(?:${picomatch.makeRe(g, { dot: true }).source})`).join('|'));
}

/** True when some exclude matches on the set-relative path (has a '/'), not on the name alone. */
export function excludesNeedPaths(user: readonly string[]): boolean {
  return [...DEFAULT_EXCLUDES, ...user].some((g) => g.includes('/'));
}
