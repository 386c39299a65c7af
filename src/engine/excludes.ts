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

/**
 * Build a matcher over set-relative paths ('Plans/Q3.docx'). A glob without '/' matches the name at any
 * depth (like .gitignore); a glob with '/' matches the relative path.
 */
export function compileExcludes(user: readonly string[]): (relPath: string, name: string) => boolean {
  const globs = [...DEFAULT_EXCLUDES, ...user];
  const byName = picomatch(
    globs.filter((g) => !g.includes('/')),
    { dot: true },
  );
  const pathGlobs = globs.filter((g) => g.includes('/')).map((g) => g.replace(/^\//, ''));
  const byPath = pathGlobs.length > 0 ? picomatch(pathGlobs, { dot: true }) : () => false;
  return (relPath, name) => byName(name) || byPath(relPath);
}
