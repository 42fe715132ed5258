// CSV as RFC 4180 writes it: comma-separated, a field quoted only when it holds a comma, a quote
// or a line break, quotes doubled, one record per line ("\n"). Numbers as JavaScript prints them,
// booleans as true/false, null as an empty field, objects as JSON. Byte for byte what
// csv-stringify writes with those casts (a property test holds it to that), at a quarter of its
// cost per row — `decode --format csv` writes one row per packet (docs/decisions.md).

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value === 'boolean' ? (value ? 'true' : 'false') : JSON.stringify(value);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // , " \n \r
    if (c === 44 || c === 34 || c === 10 || c === 13) return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

/** The rows as CSV text, each ended by "\n" ('' for no rows). */
export function csvRows(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) out += i === 0 ? csvField(row[i]) : `,${csvField(row[i])}`;
    out += '\n';
  }
  return out;
}
