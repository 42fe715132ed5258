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
 * (rule text has long quoted comments and addresses: cut rather than overflow).
 */
export function wrapWords(text: string, width: number): string[] {
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
      lines.push(chars.slice(0, width).join(''));
      rest = chars.slice(width).join('');
    }
    if (line === '') line = rest;
    else if (textWidth(line) + 1 + textWidth(rest) <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * `label` then `text` wrapped so that every continuation line starts under the text, not under
 * the label: "  rule   -A FLANNEL-POSTRTG … \n         --random-fully".
 */
export function labelled(indent: string, label: string, labelWidth: number, text: string, width: number): string[] {
  const head = `${indent}${label.padEnd(labelWidth)} `;
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
  /** Cells that must never be shortened (addresses): the column keeps its natural width. */
  keep?: boolean;
  /** Left out, last one first, before any cell is shortened, when the table does not fit. */
  optional?: boolean;
}

/**
 * Rows under a header, columns separated by two spaces, no borders (borders cost a third of an
 * 80-column line). When the natural widths do not fit, the widest columns shrink, never below
 * their minimum, and their cells are shortened with "…".
 */
export function renderColumns(allColumns: readonly Column[], allRows: readonly string[][], width: number, indent = ''): string[] {
  const gap = 2;
  const naturalOf = (i: number) => Math.max(textWidth(allColumns[i]!.head), ...allRows.map((r) => textWidth(r[i] ?? '')));
  let kept = allColumns.map((_, i) => i);
  const fits = (idx: number[]) => idx.reduce((n, i) => n + naturalOf(i), 0) + gap * (idx.length - 1) + textWidth(indent) <= width;
  for (let i = allColumns.length - 1; i >= 0 && !fits(kept); i--) if (allColumns[i]!.optional) kept = kept.filter((k) => k !== i);
  const columns = kept.map((i) => allColumns[i]!);
  const rows = allRows.map((r) => kept.map((i) => r[i] ?? ''));
  const natural = kept.map(naturalOf);
  const widths = [...natural];
  const budget = width - textWidth(indent) - gap * (columns.length - 1);
  let total = widths.reduce((a, b) => a + b, 0);
  while (Number.isFinite(budget) && total > budget) {
    // Shrink the widest column that can still give, one character at a time.
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      const floor = columns[i]!.keep ? natural[i]! : Math.max(columns[i]!.min ?? 6, Math.min(textWidth(columns[i]!.head), 12));
      if (widths[i]! > floor && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) break;
    widths[widest]!--;
    total--;
  }
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((cell, i) => {
        const text = shorten(cell, widths[i]!);
        const pad = ' '.repeat(Math.max(0, widths[i]! - textWidth(text)));
        return columns[i]!.right ? pad + text : i === cells.length - 1 ? text : text + pad;
      })
      .join(' '.repeat(gap))
      .trimEnd();
  return [line(columns.map((c) => c.head)), ...rows.map(line)];
}
