// A local entry's recorded id (`<dev>:<ino>[:<birth ns>]`) and file token (`<size>:<mtime ns>`) compared
// with the numbers of a plain `lstat` (issue 11): the walk of a no-change pass then makes no BigInt, no id
// and no token string for an entry it finds as recorded. Nanoseconds are compared as Node's number `lstat`
// gives them (milliseconds, `sec * 1e3 + nsec / 1e6` in a double, a resolution of about 0.25 µs today);
// anything that does not read as plain decimal numbers a double holds exactly (a negative time, a huge inode,
// another connector's id) is "not known to match", and the caller compares the exact strings instead.

/** What the compare reads of a number `lstat` (fs.Stats has these fields). */
export interface StatNumbers {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  birthtimeMs: number;
}

const COLON = 0x3a;
const ZERO = 0x30;
const QUOTE = 0x22;
/** At most this many digits read as an exact number (below 2^53). */
const MAX_DIGITS = 15;

/** Field bytes (up to a closing quote, as kept in a state file's buffer) or a string's char codes. */
type Codes = Uint8Array | string;

function codeAt(src: Codes, j: number): number {
  return typeof src === 'string' ? src.charCodeAt(j) : src[j]!;
}

/** The number the digits [from, to) spell, or -1 when they are not 1–15 ASCII digits. */
function digits(src: Codes, from: number, to: number): number {
  if (to <= from || to - from > MAX_DIGITS) return -1;
  let v = 0;
  for (let j = from; j < to; j++) {
    const d = codeAt(src, j) - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** digits(), but only as a decimal is written (no leading zero): the text the walk would make, exactly. */
function plain(src: Codes, from: number, to: number): number {
  return to - from > 1 && codeAt(src, from) === ZERO ? -1 : digits(src, from, to);
}

/** Nanoseconds [from, to) are `ms` as Node's number lstat computes it from seconds and nanoseconds. */
function nsIsMs(src: Codes, from: number, to: number, ms: number): boolean {
  if (to - from > 1 && codeAt(src, from) === ZERO) return false;
  const split = Math.max(from, to - 9);
  const sec = split === from ? 0 : digits(src, from, split);
  const nsec = digits(src, split, to);
  return sec >= 0 && nsec >= 0 && sec * 1e3 + nsec / 1e6 === ms;
}

/** The end of the field at `at`: a string's length, a buffer field's closing quote. */
function endOf(src: Codes, at: number): number {
  if (typeof src === 'string') return src.length;
  let j = at;
  while (j < src.length && src[j] !== QUOTE) j++;
  return j;
}

function colonAfter(src: Codes, from: number, end: number): number {
  for (let j = from; j < end; j++) if (codeAt(src, j) === COLON) return j;
  return -1;
}

/** The id at `at` (of a buffer, or a string from 0) is the id of this stat (node-stat.ts idOf). */
export function statIdIs(src: Codes, at: number, st: StatNumbers): boolean {
  const end = endOf(src, at);
  const c1 = colonAfter(src, at, end);
  if (c1 < 0 || !Number.isSafeInteger(st.dev) || plain(src, at, c1) !== st.dev) return false;
  const c2 = colonAfter(src, c1 + 1, end);
  const inoEnd = c2 < 0 ? end : c2;
  if (!Number.isSafeInteger(st.ino) || plain(src, c1 + 1, inoEnd) !== st.ino) return false;
  // idOf gives the birth time only when there is one (> 0)
  return c2 < 0 ? !(st.birthtimeMs > 0) : st.birthtimeMs > 0 && nsIsMs(src, c2 + 1, end, st.birthtimeMs);
}

/** The file token at `at` is this stat's (local-connector's `<size>:<mtime ns>`). */
export function statTokenIs(src: Codes, at: number, st: StatNumbers): boolean {
  const end = endOf(src, at);
  const c = colonAfter(src, at, end);
  return (
    c > at &&
    Number.isSafeInteger(st.size) &&
    plain(src, at, c) === st.size &&
    nsIsMs(src, c + 1, end, st.mtimeMs)
  );
}
