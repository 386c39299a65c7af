/** Edit distance (insertions, deletions, substitutions, adjacent swaps), as git and commander use for typos. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...new Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidates close to `word`, closest first (at most `max`): within about a third of the word's length,
 * or starting with it, compared case-insensitively.
 */
export function closeMatches(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase();
  const scored: [string, number][] = [];
  for (const c of new Set(candidates)) {
    const l = c.toLowerCase();
    const dist = l.startsWith(w) && w.length >= 2 ? 0.5 : editDistance(w, l);
    if (dist <= Math.max(1, Math.floor(Math.max(w.length, 3) / 3))) scored.push([c, dist]);
  }
  return scored
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([c]) => c);
}

/** `did you mean "a" or "b"?`, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const close = closeMatches(word, candidates);
  if (close.length === 0) return undefined;
  const quoted = close.map((c) => `"${c}"`);
  return `did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
}
