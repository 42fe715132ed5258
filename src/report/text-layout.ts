// Plain-text layout that fits a width: words wrapped under a label, columns that shrink to fit,
// cells shortened with "…" only when a column has no room left. Widths are in characters of the
// text as printed (ANSI colour codes are not counted). `Infinity` means no limit.

const ANSI = /\u001b\[[0-9;]*m/g;

/** Printed width of a string: code points, colour codes excluded. */
export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text.replace(ANSI, '')) n++;
  return n;
}

/** `text` cut to `width` characters, ending in "…" when cut. */
export function shorten(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  if (width <= 1) return '…'.slice(0, Math.max(0, width));
  return `${[...text.replace(ANSI, '')].slice(0, width - 1).join('')}…`;
}

/**
 * Words of `text` in lines of at most `width` characters; a word longer than a line is split
 * (rule text has long quoted comments and addresses: cut rather than overflow) — after the last of
 * the `breakAfter` characters that fits when it has one (a path breaks after a `/`, not inside a name).
 */
export function wrapWords(text: string, width: number, breakAfter = ''): string[] {
  if (!Number.isFinite(width) || textWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while (textWidth(rest) > width) {
      if (line !== '') {
        lines.push(line);
        line = '';
      }
      const chars = [...rest];
      let cut = width;
      if (breakAfter !== '') {
        // The last break character within the line; none: split at the width as any word.
        for (let k = width - 1; k > 0; k--) {
          if (breakAfter.includes(chars[k]!)) {
            cut = k + 1;
            break;
          }
        }
      }
      lines.push(chars.slice(0, cut).join(''));
      rest = chars.slice(cut).join('');
    }
    if (line === '') line = rest;
    else if (textWidth(line) + 1 + textWidth(rest) <= width) line += ` ${rest}`;
    else {
      // A double space ("a  ⇒  b") leaves an empty word: no line ends in a space.
      lines.push(line.trimEnd());
      line = rest;
    }
  }
  if (line !== '') lines.push(line.trimEnd());
  return lines;
}

/**
 * `label` then `text` wrapped so that every continuation line starts under the text, not under
 * the label: "  rule   -A FLANNEL-POSTRTG … \n         --random-fully".
 */
export function labelled(indent: string, label: string, labelWidth: number, text: string, width: number): string[] {
  // Padded by printed width: a coloured label carries escape codes that padEnd would count.
  const head = `${indent}${label}${' '.repeat(Math.max(0, labelWidth - textWidth(label)))} `;
  const room = Math.max(20, width - textWidth(head));
  const lines = wrapWords(text, room);
  return lines.map((l, i) => (i === 0 ? head : ' '.repeat(textWidth(head))) + l);
}

export interface Column {
  head: string;
  /** Right-aligned (numbers). */
  right?: boolean;
  /** Never narrower than this (the head fits at least); the widest shrinkable columns give way first. */
  min?: number;
  /** Cells that must never be shortened (addresses, interface names): the column keeps its natural width. */
  keep?: boolean;
  /** Cells wrap at spaces (and break at their own newlines) onto more lines within the column instead of being shortened (words are never cut). */
  wrap?: boolean;
  /**
   * With `wrap`: characters after which a word wider than the column may break (`/` for paths);
   * the column may then narrow to the longest piece between them instead of the longest word.
   */
  breakAfter?: string;
  /**
   * When the row does not fit with this column beside the others, its cells go on a line of their
   * own under the row (wrapped, indented) rather than in a column: nothing is lost, only placed.
   */
  below?: boolean;
  /** Left out, last one first, before any cell is shortened, when the table does not fit. */
  optional?: boolean;
}

export interface ColumnLayout {
  lines: string[];
  /** Heads of the optional columns left out to fit the width (say so to the reader). */
  dropped: string[];
  /** Heads of the columns put under their rows. */
  below: string[];
  /** Natural widths of every column (pass them back as `atLeast` to keep a stream's pages aligned). */
  natural: number[];
  /** How many of `lines` are the header. */
  headLines: number;
}

export interface ColumnOptions {
  indent?: string;
  /** Spaces between columns (2 by default). */
  gap?: number;
  /** Widths each column keeps at least (earlier pages of a streamed table), by column index. */
  atLeast?: readonly number[];
}

/**
 * Rows under a header, columns separated by `gap` spaces (2), no borders (borders cost a third of
 * an 80-column line). Fits rows to `width`, giving way in this order until they fit: optional columns are left out
 * (last first); `below` columns move under their rows; `wrap` columns narrow to their longest
 * word; other columns that are not `keep` shrink (cells shortened with "…", never below `min`).
 * When even that does not fit, each row becomes one wrapped line of its cells (nothing is cut but
 * a single word wider than the whole width). No line is ever wider than `width`.
 */
export function layoutColumns(allColumns: readonly Column[], allRows: readonly string[][], width: number, o: ColumnOptions = {}): ColumnLayout {
  const indent = o.indent ?? '';
  const gap = o.gap ?? 2;
  const indentWidth = textWidth(indent);
  // Loops, not Math.max(...rows): a table of tens of thousands of rows (inspect of a big archive)
  // would pass too many arguments.
  const widest = (i: number, widthOf: (cell: string) => number): number => {
    let n = 0;
    for (const r of allRows) n = Math.max(n, widthOf(r[i] ?? ''));
    return n;
  };
  const widestOf = (parts: string[]): number => Math.max(0, ...parts.map(textWidth));
  const naturalAll = allColumns.map((c, i) => Math.max(textWidth(c.head), o.atLeast?.[i] ?? 0, widest(i, c.wrap ? (cell) => widestOf(cell.split('\n')) : textWidth)));
  const piecesOf = (c: Column) => (cell: string): string[] => {
    const words = cell.split(/[ \n]/);
    if (c.breakAfter === undefined || c.breakAfter === '') return words;
    // "a/b/c" → "a/", "b/", "c": the pieces a wrapped path is made of.
    const set = c.breakAfter;
    return words.flatMap((w) => {
      const pieces: string[] = [];
      let start = 0;
      for (let k = 0; k < w.length; k++) {
        if (set.includes(w[k]!)) {
          pieces.push(w.slice(start, k + 1));
          start = k + 1;
        }
      }
      if (start < w.length) pieces.push(w.slice(start));
      return pieces;
    });
  };
  const longestWords = allColumns.map((c, i) => Math.max(textWidth(c.head), c.wrap ? widest(i, (cell) => widestOf(piecesOf(c)(cell))) : 0));
  const longestWord = (i: number) => longestWords[i]!;
  const floorOf = (i: number): number => {
    const c = allColumns[i]!;
    if (c.keep) return naturalAll[i]!;
    if (c.wrap) return Math.min(naturalAll[i]!, Math.max(c.min ?? 0, longestWord(i)));
    return Math.min(naturalAll[i]!, Math.max(c.min ?? 6, Math.min(textWidth(c.head), 12)));
  };
  const sum = (idx: readonly number[], w: (i: number) => number) => idx.reduce((n, i) => n + w(i), 0) + gap * Math.max(0, idx.length - 1) + indentWidth;
  let kept = allColumns.map((_, i) => i);
  const dropped: string[] = [];
  const below: number[] = [];
  const natural = (i: number) => naturalAll[i]!;
  for (let i = allColumns.length - 1; i >= 0 && sum(kept, natural) > width; i--) {
    if (!allColumns[i]!.optional) continue;
    kept = kept.filter((k) => k !== i);
    dropped.unshift(allColumns[i]!.head);
  }
  // A column put under its rows only when the others cannot fit beside it even at their floors.
  for (let i = allColumns.length - 1; i >= 0 && sum(kept, floorOf) > width; i--) {
    if (!allColumns[i]!.below || !kept.includes(i)) continue;
    kept = kept.filter((k) => k !== i);
    below.unshift(i);
  }
  const belowIndent = ' '.repeat(indentWidth + Math.min(naturalAll[kept[0] ?? 0] ?? 0, 12) + gap);
  // Under the row: the cells of every column put below, in order, on one wrapped line.
  const belowLines = (row: readonly string[]): string[] => {
    // Two spaces at least: cells on one line stay apart even where columns sit one space apart.
    const text = below.map((i) => row[i] ?? '').filter((c) => c !== '').join(' '.repeat(Math.max(gap, 2)));
    return text === '' ? [] : wrapWords(text, Math.max(1, width - textWidth(belowIndent))).map((l) => belowIndent + l);
  };
  const heads = allColumns.map((c) => c.head);
  const result = (head: string[], body: string[]): ColumnLayout => ({
    lines: [...head, ...body],
    headLines: head.length,
    dropped,
    below: below.map((i) => allColumns[i]!.head),
    natural: naturalAll,
  });

  if (sum(kept, floorOf) > width) {
    // Last resort: each row as one line of its cells, wrapped under itself.
    const flow = (cells: readonly string[]) => {
      const text = cells.filter((c) => c !== '').join(' ').replaceAll('\n', ' ');
      return wrapWords(text, Math.max(1, width - indentWidth - 2)).map((l, j) => `${indent}${j === 0 ? '' : '  '}${l}`);
    };
    return result([...flow(kept.map((i) => heads[i]!)), ...belowLines(heads)], allRows.flatMap((r) => [...flow(kept.map((i) => r[i] ?? '')), ...belowLines(r)]));
  }
  const columns = kept.map((i) => allColumns[i]!);
  const widths = kept.map(natural);
  const floors = kept.map(floorOf);
  let total = sum(kept, natural);
  while (Number.isFinite(width) && total > width) {
    // Shrink the widest column that can still give, one character at a time.
    let widest = -1;
    for (let k = 0; k < widths.length; k++) if (widths[k]! > floors[k]! && (widest < 0 || widths[k]! > widths[widest]!)) widest = k;
    if (widest < 0) break;
    widths[widest]!--;
    total--;
  }
  const line = (cells: readonly string[]): string[] => {
    const parts = cells.map((cell, k) => (columns[k]!.wrap ? cell.split('\n').flatMap((p) => wrapWords(p, widths[k]!, columns[k]!.breakAfter)) : [shorten(cell, widths[k]!)]));
    const height = Math.max(1, ...parts.map((p) => p.length));
    const out: string[] = [];
    for (let j = 0; j < height; j++) {
      const text = parts
        .map((p, k) => {
          const cell = p[j] ?? '';
          const pad = ' '.repeat(Math.max(0, widths[k]! - textWidth(cell)));
          return columns[k]!.right ? pad + cell : cell + pad;
        })
        .join(' '.repeat(gap))
        .trimEnd();
      out.push(indent + text);
    }
    return out;
  };
  return result([...line(columns.map((c) => c.head)), ...belowLines(heads)], allRows.flatMap((r) => [...line(kept.map((i) => r[i] ?? '')), ...belowLines(r)]));
}
