// Splits a text dump into lines with 1-based numbers, without regexes, so every parser cites
// `file:line` the same way and handles CRLF and a missing final newline alike.

export interface TextLine {
  /** 1-based line number in the file. */
  number: number;
  /** The line without its end-of-line characters. */
  text: string;
}

export function splitLines(text: string): TextLine[] {
  const lines: TextLine[] = [];
  let start = 0;
  let number = 1;
  const len = text.length;
  while (start < len) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = len;
    let lineEnd = end;
    if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13) lineEnd -= 1;
    lines.push({ number, text: text.slice(start, lineEnd) });
    number += 1;
    start = end + 1;
  }
  return lines;
}
