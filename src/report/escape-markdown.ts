// Values from the inputs (host folder names, interface names, chain names, rule comments, file
// names) put into Markdown: they must stay text wherever the Markdown is rendered — a ticket, a
// wiki, GitHub — never becoming HTML, a heading, a link, a list or a table break. A tar entry or
// a folder name can carry a line break, a comment can carry `</code><script>`.

/** Line breaks and other control characters (C0, DEL, C1, U+2028/2029) become spaces. */
function flatten(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/** Text as one code span: flattened, fenced with more backticks than it holds. `|` is escaped for tables. */
export function code(text: string): string {
  const flat = flatten(text);
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * Plain text: flattened, and every character that can open markup mid-line escaped: emphasis,
 * code, links and images (`[`), HTML tags and entities (`<`, `&`), headings, tables, strikethrough.
 * Line-start markers (`-`, `+`, `1.`, `=`) cannot apply: a value never starts a line once flattened.
 */
export function plain(text: string): string {
  return flatten(text).replace(/([\\`*_[\]<>#|~&])/g, '\\$1');
}

/** A table cell: `|` splits cells even inside code spans in GFM, so it is escaped last. */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|');
}
