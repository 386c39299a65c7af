// The string fields of a snapshot's member lines, kept where they are in the file's bytes (issue 11: a string
// per field per member was most of a 100,000-member load, and most of the memory it held). A field is known
// by the offset of its first byte, just after its opening quote; the row scan (row-scan.ts) only keeps lines
// with no backslash, so a field holds no escape and ends at the next quote. Fields are compared, hashed and
// looked up in place; a string is made only for a field something reads.
import { tokenGivesSize } from './member-rows.js';

export const QUOTE = 0x22;
const COLON = 0x3a;
const ZERO = 0x30;

/** The end of the field at `at` (its closing quote). A loop: fields are short, and Buffer#indexOf's own cost is more than the scan. */
export function fieldEnd(buf: Uint8Array, at: number): number {
  let j = at;
  while (j < buf.length && buf[j] !== QUOTE) j++;
  return j;
}

/** The field at `at` as a string. */
export function textAt(buf: Buffer, at: number): string {
  return buf.toString('utf8', at, fieldEnd(buf, at));
}

/** The field at `at` holds exactly `s` (without making a string, unless `s` is not ASCII). */
export function equalsAt(buf: Buffer, at: number, s: string): boolean {
  const n = s.length;
  for (let j = 0; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c >= 0x80) return textAt(buf, at) === s;
    // a field holds no quote: `s` with one is another string (and must not read on past the field's end)
    if (c === QUOTE || buf[at + j] !== c) return false;
  }
  return buf[at + n] === QUOTE;
}

/** Two fields hold the same bytes. */
export function sameAt(buf: Buffer, a: number, b: number): boolean {
  if (a === b) return true;
  for (let j = 0; ; j++) {
    const c = buf[a + j];
    if (c !== buf[b + j]) return false;
    if (c === QUOTE) return true;
  }
}

const FNV = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Hash of the bytes [from, to), mixed with `seed`. */
export function hashBytes(buf: Uint8Array, from: number, to: number, seed: number): number {
  let h = (FNV ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  for (let j = from; j < to; j++) h = Math.imul(h ^ buf[j]!, FNV_PRIME);
  return mix(h);
}

/** A final mix, so the low bits the index masks depend on every byte (a multiply carries only upwards). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** hashBytes of the field at `at`. */
export function hashAt(buf: Buffer, at: number, seed: number): number {
  return hashBytes(buf, at, fieldEnd(buf, at), seed);
}

/** hashBytes of the UTF-8 bytes of `s` (the same number hashAt gives for a field holding `s`). */
export function hashString(s: string, seed: number): number {
  let h = (FNV ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c >= 0x80) {
      const b = Buffer.from(s, 'utf8');
      return hashBytes(b, 0, b.length, seed);
    }
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return mix(h);
}

/** Digits in [from, to) only. */
function digits(buf: Buffer, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (buf[j]! < ZERO || buf[j]! > ZERO + 9) return false;
  return true;
}

/**
 * tokenGivesSize (member-rows.ts) of the field at `at`: the common local token (`<size|dir>:<ns>`, its
 * seconds below 4e9) is checked in place; anything else is decided by the rule itself on the string.
 */
export function tokenGivesSizeAt(buf: Buffer, at: number): boolean {
  const end = fieldEnd(buf, at);
  let colon = at;
  while (colon < end && buf[colon] !== COLON) colon++;
  if (colon > at && colon < end && colon - at <= 15 && end - colon - 1 >= 7 && end - colon - 1 <= 19) {
    const dir = colon - at === 3 && buf[at] === 0x64 && buf[at + 1] === 0x69 && buf[at + 2] === 0x72;
    const split = Math.max(colon + 1, end - 9);
    // seconds: at most 10 digits, below 4e9 (the fast rule of fromToken)
    const secOk = split - colon - 1 < 10 || (split - colon - 1 === 10 && buf[colon + 1]! < ZERO + 4);
    if ((dir || digits(buf, at, colon)) && digits(buf, colon + 1, end) && secOk) return true;
  }
  return tokenGivesSize(buf.toString('utf8', at, end));
}

/**
 * An open-addressing hash index of numbers (rows, entries) under 32-bit hashes, with the hash kept beside
 * each number; what a number stands for is compared by the caller (`same`). Grows as numbers are put.
 */
export class HashIndex {
  #values: Int32Array;
  #hashes: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.#values = new Int32Array(cap).fill(-1);
    this.#hashes = new Uint32Array(cap);
    this.#mask = cap - 1;
  }

  /** The number put under `hash` for which `same` holds, or -1. */
  get(hash: number, same: (v: number) => boolean): number {
    for (let s = hash & this.#mask; ; s = (s + 1) & this.#mask) {
      const v = this.#values[s]!;
      if (v < 0) return -1;
      if (this.#hashes[s] === hash && same(v)) return v;
    }
  }

  /** Put `value` under `hash`; one already there for which `same` holds is replaced, or kept (`keepFirst`). */
  put(hash: number, value: number, same: (v: number) => boolean, keepFirst: boolean): void {
    if ((this.#size + 1) * 2 > this.#values.length) this.#grow();
    for (let s = hash & this.#mask; ; s = (s + 1) & this.#mask) {
      const v = this.#values[s]!;
      if (v < 0) {
        this.#values[s] = value;
        this.#hashes[s] = hash;
        this.#size++;
        return;
      }
      if (this.#hashes[s] === hash && same(v)) {
        if (!keepFirst) this.#values[s] = value;
        return;
      }
    }
  }

  #grow(): void {
    const values = this.#values;
    const hashes = this.#hashes;
    this.#values = new Int32Array(values.length * 2).fill(-1);
    this.#hashes = new Uint32Array(values.length * 2);
    this.#mask = this.#values.length - 1;
    for (let i = 0; i < values.length; i++) {
      if (values[i]! < 0) continue;
      let s = hashes[i]! & this.#mask;
      while (this.#values[s]! >= 0) s = (s + 1) & this.#mask;
      this.#values[s] = values[i]!;
      this.#hashes[s] = hashes[i]!;
    }
  }
}
