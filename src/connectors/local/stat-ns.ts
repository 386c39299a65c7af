// The nanosecond (bigint) `fstat` and `lstat` of a first sync's reads, writes and listing walk (issue 11),
// without the `fs.BigIntStats` object Node 20 builds around the numbers: its constructor makes some twenty
// BigInts and four Dates per call (`getStatsFromBinding`, `dateFromMs`), which cost several times the system
// call itself (measured on the development machine: `fs.fstatSync(fd, { bigint: true })` ~5× the binding's
// own call). A copied file is `fstat`-ed twice (the source opened for reading, the temp file once written)
// and each entry of the first listing `lstat`-ed once. The binding is called exactly as this Node's
// `fs.fstatSync` / `fs.lstatSync` call it, under the same conditions as raw-lstat.ts (Node's own functions
// call it in exactly that form, no permission model, no `--pending-deprecation`, CLOUDSYNC_RAW_LSTAT not
// `off`), and each form's first answer must equal Node's own; otherwise Node's functions are used. A path
// holding a NUL (which Node refuses and the binding would cut short) always goes through Node's function.
import fs from 'node:fs';
import { fsBinding, LSTAT_CALL, STAT } from './raw-lstat.js';

/** What the local connector reads of a nanosecond stat: the fields of fs.BigIntStats with these names. */
export interface StatNs {
  dev: bigint;
  ino: bigint;
  mode: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  birthtimeNs: bigint;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

type BindingFstat = (fd: number, bigint: boolean, req: undefined, throwIfNoEntry: boolean) => BigInt64Array;
type BindingLstat = (
  path: string,
  bigint: boolean,
  req: undefined,
  throwIfNoEntry: boolean,
) => BigInt64Array | undefined;

const { DEV, MODE, INO, SIZE, MTIME_SEC, CTIME_SEC, BIRTH_SEC } = STAT;
const NS = 1_000_000_000n;
const S_IFMT = 0o170000n;

class Stat implements StatNs {
  constructor(
    readonly dev: bigint,
    readonly ino: bigint,
    readonly mode: bigint,
    readonly size: bigint,
    readonly mtimeNs: bigint,
    readonly ctimeNs: bigint,
    readonly birthtimeNs: bigint,
  ) {}
  isFile(): boolean {
    return (this.mode & S_IFMT) === 0o100000n;
  }
  isDirectory(): boolean {
    return (this.mode & S_IFMT) === 0o040000n;
  }
  isSymbolicLink(): boolean {
    return (this.mode & S_IFMT) === 0o120000n;
  }
}

/** Node's own form of the fstat call (a Node that calls its binding otherwise is not second-guessed). */
const FSTAT_CALL = /binding\.fstat\(\s*fd,\s*options\.bigint,\s*undefined,\s*false,?\s*\)/;

function findBinding(): { fstat?: BindingFstat; lstat?: BindingLstat } {
  const b = fsBinding();
  if (!b) return {};
  return {
    fstat:
      typeof b.fstat === 'function' && FSTAT_CALL.test(fs.fstatSync.toString())
        ? (b.fstat as BindingFstat)
        : undefined,
    lstat:
      typeof b.lstat === 'function' && LSTAT_CALL.test(fs.lstatSync.toString())
        ? (b.lstat as BindingLstat)
        : undefined,
  };
}

let binding: { fstat?: BindingFstat; lstat?: BindingLstat } | undefined;
let fstatChecked = false;
let lstatChecked = false;

function fromArray(a: BigInt64Array): Stat {
  return new Stat(
    a[DEV]!,
    a[INO]!,
    a[MODE]!,
    a[SIZE]!,
    a[MTIME_SEC]! * NS + a[MTIME_SEC + 1]!,
    a[CTIME_SEC]! * NS + a[CTIME_SEC + 1]!,
    a[BIRTH_SEC]! * NS + a[BIRTH_SEC + 1]!,
  );
}

function same(a: StatNs, b: fs.BigIntStats): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.mode === b.mode &&
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs &&
    a.birthtimeNs === b.birthtimeNs &&
    a.isFile() === b.isFile() &&
    a.isDirectory() === b.isDirectory() &&
    a.isSymbolicLink() === b.isSymbolicLink()
  );
}

/** `fs.fstatSync(fd, { bigint: true })`, its numbers only; throws as it does. */
export function fstatNs(fd: number): StatNs {
  binding ??= findBinding();
  const f = binding.fstat;
  if (f === undefined) return fs.fstatSync(fd, { bigint: true });
  const st = fromArray(f(fd, true, undefined, false));
  if (!fstatChecked) {
    fstatChecked = true;
    const node = fs.fstatSync(fd, { bigint: true });
    if (!same(st, node)) {
      binding.fstat = undefined;
      return node;
    }
  }
  return st;
}

/**
 * `fs.lstatSync(p, { bigint: true, throwIfNoEntry })`, its numbers only: undefined for a missing entry when
 * `throwIfNoEntry` is false, and throws as it does otherwise.
 */
export function lstatNs(p: string, throwIfNoEntry: boolean): StatNs | undefined {
  binding ??= findBinding();
  const f = binding.lstat;
  if (f === undefined || p.includes('\0')) return fs.lstatSync(p, { bigint: true, throwIfNoEntry });
  const a = f(p, true, undefined, throwIfNoEntry);
  const st = a === undefined ? undefined : fromArray(a);
  if (!lstatChecked && st !== undefined) {
    lstatChecked = true;
    const node = fs.lstatSync(p, { bigint: true, throwIfNoEntry: false });
    if (node === undefined || !same(st, node)) {
      binding.lstat = undefined;
      return node;
    }
  }
  return st;
}

/** Whether each form calls the binding (false once its first-call check refused it, or never found; tests). */
export function statNsDirect(): { fstat: boolean; lstat: boolean } {
  binding ??= findBinding();
  return { fstat: binding.fstat !== undefined, lstat: binding.lstat !== undefined };
}
