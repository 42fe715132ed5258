// A read position over the tokens of one statement list (a rule, a set body, a chain header).
// Failing reads throw ParseStop, caught once per rule or declaration by the parser, so a damaged
// rule is reported at its line and the next one is read normally. Nesting is bounded: hostile
// input with thousands of `{` stops with a diagnostic instead of exhausting the stack.

import { TokenKind, type Token } from './text-lexer.js';

export class ParseStop extends Error {
  constructor(
    readonly line: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`expected ${expected}, found ${found}`);
  }
}

export const MAX_NESTING = 32;

export class TokenCursor {
  pos: number;
  depth = 0;

  constructor(
    readonly tokens: Token[],
    start: number,
    /** Index one past the last token this cursor may read. */
    readonly end: number,
  ) {
    this.pos = start;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  peek(offset = 0): Token | undefined {
    const i = this.pos + offset;
    return i < this.end ? this.tokens[i] : undefined;
  }

  /** The next token's text when it is a word, else undefined. */
  peekWord(offset = 0): string | undefined {
    const t = this.peek(offset);
    return t !== undefined && t.kind === TokenKind.Word ? t.text : undefined;
  }

  isWord(text: string, offset = 0): boolean {
    return this.peekWord(offset) === text;
  }

  isKind(kind: TokenKind, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind === kind;
  }

  next(): Token {
    const t = this.peek();
    if (t === undefined) throw this.stop('more input');
    this.pos++;
    return t;
  }

  /** A word or a quoted string (names may be either). */
  nextName(what: string): string {
    const t = this.peek();
    if (t === undefined || (t.kind !== TokenKind.Word && t.kind !== TokenKind.String)) throw this.stop(what);
    this.pos++;
    return t.text;
  }

  expectWord(text: string): void {
    if (!this.isWord(text)) throw this.stop(`"${text}"`);
    this.pos++;
  }

  expectKind(kind: TokenKind, what: string): Token {
    if (!this.isKind(kind)) throw this.stop(what);
    return this.next();
  }

  /** Takes the word when it is next; says whether it did. */
  acceptWord(text: string): boolean {
    if (!this.isWord(text)) return false;
    this.pos++;
    return true;
  }

  skipNewlines(): void {
    while (this.isKind(TokenKind.Newline)) this.pos++;
  }

  enter(): void {
    this.depth++;
    if (this.depth > MAX_NESTING) throw this.stop(`at most ${MAX_NESTING} nested braces`);
  }

  leave(): void {
    this.depth--;
  }

  currentLine(): number {
    const t = this.peek() ?? this.tokens[Math.min(this.pos, this.tokens.length - 1)];
    return t?.line ?? 0;
  }

  stop(expected: string): ParseStop {
    return new ParseStop(this.currentLine(), expected, describeToken(this.peek()));
  }
}

export function describeToken(t: Token | undefined): string {
  if (t === undefined) return 'the end of the statement';
  switch (t.kind) {
    case TokenKind.Word:
      return `"${t.text.length > 40 ? `${t.text.slice(0, 40)}…` : t.text}"`;
    case TokenKind.String:
      return 'a quoted string';
    case TokenKind.Newline:
      return 'the end of the line';
    case TokenKind.End:
      return 'the end of the file';
    case TokenKind.Handle:
      return `"# handle ${t.text}"`;
    default:
      return `"${t.text}"`;
  }
}
