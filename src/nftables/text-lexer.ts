// Splits `nft list ruleset` text (and nft -f scripts: `add rule …`, `define`, `include`) into
// tokens with their line numbers. nft's own scanner is context-dependent; this one keeps only the
// separators that are separators everywhere — braces, `;`, `,`, newlines, quoted strings — and
// leaves every other run of characters as one word (`10.0.0.0/8`, `1-1023`, `10.0.0.1:80`,
// `svc/ns/tcp/p80`), which the parser reads by position. `#` starts a comment, except that
// `# handle N` (what `nft -a` prints) is kept as a Handle token.

export enum TokenKind {
  Word,
  String,
  LBrace,
  RBrace,
  Semicolon,
  Comma,
  Newline,
  Handle,
  End,
}

export interface Token {
  kind: TokenKind;
  /** The word, the string without its quotes, or the handle number's digits. */
  text: string;
  /** 1-based line number where the token starts. */
  line: number;
  /** Character offsets of the token in the text (quotes included), for quoting a rule as written. */
  start: number;
  end: number;
}

export interface LexProblem {
  line: number;
  message: string;
}

export interface LexResult {
  tokens: Token[];
  problems: LexProblem[];
}

/** Longest word or string kept whole; past this the rest of the run is dropped (hostile input). */
const MAX_TOKEN_CHARS = 4096;

/**
 * Tokens read at most: kube-proxy's rules for 10 000 services are 1.5 M, so this is ~80 000
 * services (~1 GB of tokens). Past it the rest of the file is not read, with an error, rather
 * than growing without bound on hostile or runaway input.
 */
export const MAX_TOKENS = 12_000_000;

const HANDLE_COMMENT = /^#\s*handle\s+(\d+)\s*$/;

export function lexNftText(text: string, maxTokens = MAX_TOKENS): LexResult {
  const tokens: Token[] = [];
  const problems: LexProblem[] = [];
  const len = text.length;
  let line = 1;
  let i = 0;
  while (i < len) {
    if (tokens.length >= maxTokens) {
      problems.push({ line, message: `more than ${maxTokens} words and symbols: the file is read up to this line, the rest is not` });
      break;
    }
    const c = text.charCodeAt(i);
    if (c === 10) {
      tokens.push({ kind: TokenKind.Newline, text: '', line, start: i, end: i + 1 });
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    // A backslash before the newline continues the line in nft -f scripts.
    if (c === 92 && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
      i += text.charCodeAt(i + 1) === 13 ? 3 : 2;
      line++;
      continue;
    }
    if (c === 35 /* # */) {
      let end = text.indexOf('\n', i);
      if (end === -1) end = len;
      const comment = text.slice(i, Math.min(end, i + 64)).replace(/\r$/, '');
      const handle = HANDLE_COMMENT.exec(comment);
      if (handle) tokens.push({ kind: TokenKind.Handle, text: handle[1]!, line, start: i, end });
      i = end;
      continue;
    }
    if (c === 123) {
      tokens.push({ kind: TokenKind.LBrace, text: '{', line, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === 125) {
      tokens.push({ kind: TokenKind.RBrace, text: '}', line, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === 59) {
      tokens.push({ kind: TokenKind.Semicolon, text: ';', line, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === 44) {
      tokens.push({ kind: TokenKind.Comma, text: ',', line, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === 34 /* " */) {
      // nft strings have no escapes: the string ends at the next quote.
      let end = i + 1;
      while (end < len) {
        const d = text.charCodeAt(end);
        if (d === 34 || d === 10) break;
        end++;
      }
      if (end >= len || text.charCodeAt(end) !== 34) {
        problems.push({ line, message: 'a quoted string is not closed before the end of the line' });
        tokens.push({ kind: TokenKind.String, text: clip(text.slice(i + 1, end), line, problems), line, start: i, end });
        i = end;
        continue;
      }
      tokens.push({ kind: TokenKind.String, text: clip(text.slice(i + 1, end), line, problems), line, start: i, end: end + 1 });
      i = end + 1;
      continue;
    }
    const start = i;
    while (i < len) {
      const d = text.charCodeAt(i);
      if (d === 32 || d === 9 || d === 10 || d === 13 || d === 123 || d === 125 || d === 59 || d === 44 || d === 34) break;
      // `#` inside a word (`meta mark#x`) is not a comment; at a word start it is handled above.
      i++;
    }
    tokens.push({ kind: TokenKind.Word, text: clip(text.slice(start, i), line, problems), line, start, end: i });
  }
  tokens.push({ kind: TokenKind.End, text: '', line, start: len, end: len });
  return { tokens, problems };
}

function clip(word: string, line: number, problems: LexProblem[]): string {
  if (word.length <= MAX_TOKEN_CHARS) return word;
  problems.push({ line, message: `a word of ${word.length} characters is longer than ${MAX_TOKEN_CHARS}; only its start is kept` });
  return word.slice(0, MAX_TOKEN_CHARS);
}
