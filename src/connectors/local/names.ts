import fs from 'node:fs';
import path from 'node:path';
import { NodeError } from '../../errors.js';

/** Longest name in bytes most local file systems hold (ext4, APFS, NTFS all stop near 255). */
const MAX_NAME_BYTES = 255;

/**
 * Refuse a name that came from the other side when it cannot be one plain entry of a folder here: empty,
 * `.`/`..`, a separator or NUL inside, or too long. This is what keeps remote names from escaping the root.
 */
export function assertValidName(name: string): void {
  let why: string | undefined;
  if (name === '' || name === '.' || name === '..') why = 'is reserved';
  else if (name.includes('/')) why = "contains '/'";
  else if (name.includes('\0')) why = 'contains a NUL character';
  else if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) why = `is longer than ${MAX_NAME_BYTES} bytes`;
  if (why) throw new NodeError('INVALID_NAME', `name ${JSON.stringify(name)} ${why}`);
}

/** True when `abs` is `root` itself or below it (lexically; symlinks are never followed by the connector). */
export function isInside(root: string, abs: string): boolean {
  // Every read and write checks its path: one already normalized below the root (no `.`, `..` or empty
  // segment after it) needs no path.relative, which resolves both paths (~2 µs, three times a copied file).
  if (
    path.sep === '/' &&
    abs.length > root.length + 1 &&
    abs.startsWith(root) &&
    abs.charCodeAt(root.length) === 47 &&
    root.charCodeAt(0) === 47 &&
    root.charCodeAt(root.length - 1) !== 47 &&
    !abs.includes('/.', root.length) &&
    !abs.includes('//', root.length) &&
    abs.charCodeAt(abs.length - 1) !== 47
  )
    return true;
  const rel = path.relative(root, abs);
  // '..foo' is a fine name inside; only '..' itself or '../…' leaves the root
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * True when `p` is an absolute path path.normalize would leave as it is (POSIX): no `.` or `..` segment, no
 * empty one, no trailing separator (the root `/` aside). Appending `/name` to it is then what path.join does.
 */
export function isPlainPath(p: string): boolean {
  return (
    path.sep === '/' &&
    p.charCodeAt(0) === 47 &&
    (p.length === 1 || (p.charCodeAt(p.length - 1) !== 47 && !p.includes('/.') && !p.includes('//')))
  );
}

/** Throw INVALID_NAME unless `abs` is strictly below `root`: the last line of defence for every write. */
export function assertStrictlyInside(root: string, abs: string): void {
  if (abs === root || !isInside(root, abs)) {
    throw new NodeError('INVALID_NAME', `refusing to write ${abs}: it is outside ${root}`);
  }
}

/** A path relative to the root in SPEC §2 syntax ('/'-separated, '' for the root). */
export function toSpecPath(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}

/** Split a SPEC §2 path into its segments; '', '.' and leading/trailing '/' mean the root. */
export function specSegments(p: string): string[] {
  return p.split('/').filter((s) => s !== '' && s !== '.');
}

/** `p` resolved through symlinks as far as it exists, the rest appended (a home may not exist yet). */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest.reverse());
    } catch {
      if (path.dirname(cur) === cur) return abs;
      rest.push(path.basename(cur));
      cur = path.dirname(cur);
    }
  }
}

/** True when `a` and `b` (real paths) are the same folder or one is inside the other. */
export function pathsOverlap(a: string, b: string): boolean {
  return isInside(a, b) || isInside(b, a);
}
