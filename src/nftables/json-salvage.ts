// `nft -j list ruleset` writes the whole ruleset as one JSON document, so a dump cut short (a full
// disk, a killed collector, a 64 KiB paste limit) does not parse at all. The items of its top-level
// `nftables` list are independent, though, so the complete ones before the damage are still worth
// reading: this finds where the last complete item ends and parses that prefix on its own.

export interface Salvage {
  /** The parsed prefix (`{"nftables": [ …complete items… ]}`). */
  document: unknown;
  /** How many top-level items were kept. */
  items: number;
  /** Byte (UTF-16 unit) offset where the kept part ends. */
  keptUpTo: number;
}

/**
 * Offsets just after each complete item of the array that is the value of the first key at depth 1
 * (the `nftables` list), stopping at `limit`. One pass, no allocation per character.
 */
function itemEnds(text: string, limit: number): number[] {
  const ends: number[] = [];
  let depth = 0;
  let inString = false;
  let listDepth = -1;
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (c === 0x5b && depth === 2 && listDepth === -1) listDepth = 2;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      if (listDepth === 2 && depth === 2 && c === 0x7d) ends.push(i + 1);
      if (depth < 2 && listDepth === 2) return ends;
    }
  }
  return ends;
}

/** The complete items before `failedAt` (or the end), or null when not even one is complete. */
export function salvageNftJson(text: string, failedAt: number | null): Salvage | null {
  const ends = itemEnds(text, failedAt === null ? text.length : Math.min(text.length, failedAt));
  // Try the last end first; one step back covers an item that was complete but followed by damage inside the same token run.
  for (let k = ends.length - 1; k >= 0 && k >= ends.length - 2; k--) {
    const keptUpTo = ends[k]!;
    try {
      return { document: JSON.parse(`${text.slice(0, keptUpTo)}]}`), items: k + 1, keptUpTo };
    } catch {
      // try one item earlier
    }
  }
  return null;
}

/** Node's JSON.parse messages carry `position N` for most errors; none for "Unexpected end of JSON input". */
export function jsonErrorPosition(message: string): number | null {
  const m = /position (\d+)/.exec(message);
  return m === null ? null : Number(m[1]);
}

/** 1-based line and column of an offset, for the diagnostic (nft -j writes one line, others pretty-print). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
