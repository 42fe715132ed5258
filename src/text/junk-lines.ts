// Real dumps arrive slightly off: pasted from a coloured terminal (`ip -c`, `grep --color`), with
// an editor's merge markers, a NUL or a stray 0xff byte from a broken copy. Before a dump is
// recognised or parsed, colour codes are removed, and a line that cannot be any tool's output
// (merge marker, NUL, bytes that are not UTF-8) is blanked — kept as an empty line, so every other
// line keeps its number — and reported by its number. The parsers then keep every valid line and
// report the other junk (an error message) as lines they do not know.

import type { Diagnostic } from './diagnostic.js';
import { ProblemCollector } from './problem-collector.js';

/** ANSI SGR and other CSI sequences (`ESC [ … letter`), and a lone ESC. */
const ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]|\u001b/g;
const MERGE_MARKER = /^(<{7}|={7}|>{7}|\|{7})( |$)/;
const MERGE_MARKER_TEXTS = ['<<<<<<<', '=======', '>>>>>>>', '|||||||'];

export interface CleanText {
  text: string;
  /** One per junk line (by number); one for colour codes (with the first line and a count). */
  issues: Diagnostic[];
}

/** Why a line is junk, or null when it may be a valid dump line. */
function junkReason(line: string): string | null {
  if (MERGE_MARKER.test(line)) return `a merge marker ("${line.slice(0, 7)}")`;
  if (line.includes('\u0000')) return 'a NUL byte';
  if (line.includes('\ufffd')) return 'bytes that are not UTF-8 text (e.g. 0xff)';
  return null;
}

export function cleanDumpText(text: string, file: string): CleanText {
  // Substring searches, not a multiline regex: the regex tried every position of the text
  // (~45 µs per 64 KiB head: seconds over an archive of thousands of files).
  if (!text.includes('\u001b') && !text.includes('\u0000') && !text.includes('\ufffd') && !MERGE_MARKER_TEXTS.some((m) => text.includes(m))) return { text, issues: [] };
  const problems = new ProblemCollector(file);
  const lines = text.split('\n');
  let coloured = 0;
  let firstColoured = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.includes('\u001b')) {
      line = line.replace(ESCAPES, '');
      if (coloured++ === 0) firstColoured = i + 1;
    }
    const why = junkReason(line);
    if (why !== null) {
      problems.report('text.junk-line', `line skipped: it holds ${why}, not dump output`, i + 1);
      line = '';
    }
    lines[i] = line;
  }
  if (coloured > 0) {
    problems.summarize('text.colour-codes', `terminal colour codes removed from ${coloured} line(s) (pasted from a coloured terminal?)`, coloured, firstColoured);
  }
  return { text: lines.join('\n'), issues: problems.finish() };
}
