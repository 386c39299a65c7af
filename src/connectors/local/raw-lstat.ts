// The number `lstat` of the compare walk (issue 11), without the `fs.Stats` object Node builds around it.
// `fs.lstatSync` asks Node's fs binding for the numbers (a Float64Array it reuses) and then builds a Stats
// object and four Dates per call; at 10,000 files a no-change pass spent ~0.1 s of its ~0.7 s CPU on that
// (the objects, their garbage, and TurboFan compiling Node's Stats code on a background thread). This module
// calls the binding the way this very Node's `lstatSync` does and reads the numbers it needs into one reused
// object. It is used only when that is known to be right: Node's own `lstatSync` must call the binding in
// exactly the form used here, the permission model must be off, `--pending-deprecation` (which warns about
// `process.binding`) must not be set, and a first call must give the same numbers as `fs.lstatSync` on the
// same entry. Otherwise, or with CLOUDSYNC_RAW_LSTAT=off, every call goes through `fs.lstatSync`.
import fs from 'node:fs';

/** What the walk reads of a number lstat (the fields of fs.Stats with these names, equal to them). */
export interface LstatNumbers {
  dev: number;
  ino: number;
  mode: number;
  size: number;
  /** As Node computes it: `sec * 1e3 + nsec / 1e6`. */
  mtimeMs: number;
  birthtimeMs: number;
  isFile(): boolean;
}

type BindingLstat = (
  path: string,
  bigint: boolean,
  req: undefined,
  throwIfNoEntry: boolean,
) => Float64Array | undefined;

// Offsets in the binding's stat array (node's src/node_file.h FsStatsOffset: dev, mode, nlink, uid, gid,
// rdev, blksize, ino, size, blocks, atime sec/nsec, mtime sec/nsec, ctime sec/nsec, birthtime sec/nsec).
export const STAT = {
  DEV: 0,
  MODE: 1,
  INO: 7,
  SIZE: 8,
  MTIME_SEC: 12,
  CTIME_SEC: 14,
  BIRTH_SEC: 16,
} as const;
const { DEV, MODE, INO, SIZE, MTIME_SEC, BIRTH_SEC } = STAT;
const MTIME_NSEC = MTIME_SEC + 1;
const BIRTH_NSEC = BIRTH_SEC + 1;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** Node's own lstatSync calls the binding as `binding.lstat(path, options.bigint, undefined, options.throwIfNoEntry)`. */
export const LSTAT_CALL =
  /binding\.lstat\(\s*pathModule\.toNamespacedPath\(path\),\s*options\.bigint,\s*undefined,\s*options\.throwIfNoEntry,?\s*\)/;

/**
 * Node's fs binding when calling it directly may be safe (see the header: CLOUDSYNC_RAW_LSTAT not `off`, no
 * permission model, no `--pending-deprecation`), else undefined. Each caller still checks that Node's own
 * function calls the binding in its form, and that a first answer equals Node's.
 */
export function fsBinding(): Record<string, unknown> | undefined {
  if (process.env.CLOUDSYNC_RAW_LSTAT === 'off') return undefined;
  const proc = process as unknown as {
    binding?: (name: string) => Record<string, unknown>;
    permission?: unknown;
  };
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (
    proc.permission !== undefined ||
    /--(pending-deprecation|experimental-permission|permission)\b/.test(flags) ||
    typeof proc.binding !== 'function'
  )
    return undefined;
  try {
    return proc.binding('fs');
  } catch {
    return undefined;
  }
}

/** The binding's lstat when it is safe to call directly (see the header), else undefined. */
function findBinding(): BindingLstat | undefined {
  const lstat = fsBinding()?.lstat;
  return typeof lstat === 'function' && LSTAT_CALL.test(fs.lstatSync.toString())
    ? (lstat as BindingLstat)
    : undefined;
}

class RawStat implements LstatNumbers {
  dev = 0;
  ino = 0;
  mode = 0;
  size = 0;
  mtimeMs = 0;
  birthtimeMs = 0;
  isFile(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }
}

/** The numbers the walk compares, equal in both forms (the first-call check). */
function sameNumbers(a: LstatNumbers, b: fs.Stats): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.mode === b.mode &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.birthtimeMs === b.birthtimeMs &&
    a.isFile() === b.isFile()
  );
}

/**
 * lstat-s paths (absolute, or relative to the working folder) into numbers. `get` returns undefined when the
 * entry does not exist and throws as fs.lstatSync does otherwise; the object it returns is reused by the next
 * call (read it before calling again).
 */
export class RawLstat {
  #binding: BindingLstat | undefined;
  #checked = false;
  readonly #out = new RawStat();

  constructor(binding: BindingLstat | undefined = findBinding()) {
    this.#binding = binding;
  }

  /** True while the binding is used (false after the first-call check refused it, or when never found). */
  get direct(): boolean {
    return this.#binding !== undefined;
  }

  get(p: string): LstatNumbers | undefined {
    const binding = this.#binding;
    if (binding === undefined) return fs.lstatSync(p, { throwIfNoEntry: false });
    const a = binding(p, false, undefined, false);
    if (a === undefined) return undefined;
    const out = this.#out;
    out.dev = a[DEV]!;
    out.mode = a[MODE]!;
    out.ino = a[INO]!;
    out.size = a[SIZE]!;
    out.mtimeMs = a[MTIME_SEC]! * 1e3 + a[MTIME_NSEC]! / 1e6;
    out.birthtimeMs = a[BIRTH_SEC]! * 1e3 + a[BIRTH_NSEC]! / 1e6;
    if (!this.#checked) {
      this.#checked = true;
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      if (st === undefined || !sameNumbers(out, st)) {
        this.#binding = undefined;
        return st;
      }
    }
    return out;
  }
}
