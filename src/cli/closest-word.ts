// "Did you mean": the known word nearest to a mistyped one, by edit distance with adjacent swaps
// counted as one edit (optimal string alignment), so "deocde" is one swap from "decode".

/** The nearest of `known`, when close enough to be a typo: 1 edit for short words, up to 3 for long ones. */
export function closestWord(typed: string, known: readonly string[]): string | undefined {
  // Leading dashes are no letters of the name: "--fromm" is judged as "fromm".
  const allowed = Math.max(1, Math.min(3, Math.floor(typed.replace(/^-+/, '').length / 3)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const word of known) {
    const d = editDistance(typed.toLowerCase(), word.toLowerCase());
    if (d < bestDistance) {
      best = word;
      bestDistance = d;
    }
  }
  return best;
}

export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // Three rows: the one before last is needed for swaps.
  let before = new Array<number>(n + 1).fill(0);
  let last = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const row = new Array<number>(n + 1);
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(last[j]! + 1, row[j - 1]! + 1, last[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, before[j - 2]! + 1);
    }
    before = last;
    last = row;
  }
  return last[n]!;
}
