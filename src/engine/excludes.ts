import picomatch from 'picomatch';

/** SPEC §4 default excludes: editor lock files, temp files and OS litter; and cloudsync's owner markers. */
export const DEFAULT_EXCLUDES = [
  '~$*',
  '*.tmp',
  '.DS_Store',
  'Thumbs.db',
  'desktop.ini',
  '.cloudsync-owner.*',
];

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
    const { names: byName, paths: byPath } = excludeRegExps(user);
    matcher = byPath
      ? (relPath, name) => byName!.test(name) || byPath.test(relPath)
      : byName
        ? (_relPath, name) => byName.test(name)
        : () => false;
    compiled.set(cacheKey, matcher);
  }
  return matcher;
}

/**
 * The two regular expressions an exclude list compiles to (`names` for globs without '/', `paths` for the
 * others), as data: a walk in a worker thread is given these rather than the matcher.
 */
export function excludeRegExps(user: readonly string[]): ExcludeRegExps {
  const cacheKey = JSON.stringify(user);
  let found = regExps.get(cacheKey);
  if (!found) {
    const globs = [...DEFAULT_EXCLUDES, ...user];
    found = {
      names: oneRegExp(globs.filter((g) => !g.includes('/'))),
      paths: oneRegExp(globs.filter((g) => g.includes('/')).map((g) => g.replace(/^\//, ''))),
    };
    regExps.set(cacheKey, found);
  }
  return found;
}

/** An exclude list's two regular expressions (see excludeRegExps). */
export interface ExcludeRegExps {
  readonly names: RegExp | null;
  readonly paths: RegExp | null;
}

const regExps = new Map<string, ExcludeRegExps>();

/** The alternation of the globs' picomatch expressions (each anchored on its own), or null for none. */
function oneRegExp(globs: string[]): RegExp | null {
  if (globs.length === 0) return null;
  return new RegExp(globs.map((g) => `(?:${picomatch.makeRe(g, { dot: true }).source})`).join('|'));
}

/** True when some exclude matches on the set-relative path (has a '/'), not on the name alone. */
export function excludesNeedPaths(user: readonly string[]): boolean {
  return [...DEFAULT_EXCLUDES, ...user].some((g) => g.includes('/'));
}
