// `define NAME = value` and `$NAME` in nft -f scripts (OpenWrt fw4 writes
// `define lan_devices = { "br-lan" }` and matches `iifname $lan_devices`). Expansion happens on
// tokens, before parsing, like nft's own scanner does. It is bounded: a definition that refers
// to itself, or expansions that would pass a fixed token budget, stop with a diagnostic.

import { TokenKind, type Token } from './text-lexer.js';

export interface DefineProblem {
  severity: 'error' | 'warning';
  line: number;
  message: string;
}

const MAX_EXPANDED_TOKENS = 2_000_000;

export function expandDefines(tokens: Token[]): { tokens: Token[]; problems: DefineProblem[] } {
  if (!tokens.some((t) => t.kind === TokenKind.Word && (t.text === 'define' || t.text.startsWith('$')))) {
    return { tokens, problems: [] };
  }
  const problems: DefineProblem[] = [];
  const defines = new Map<string, Token[]>();
  const out: Token[] = [];
  let atStatementStart = true;
  let budgetReported = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (atStatementStart && t.kind === TokenKind.Word && (t.text === 'define' || t.text === 'redefine')) {
      const name = tokens[i + 1];
      const eq = tokens[i + 2];
      if (name?.kind !== TokenKind.Word || eq?.kind !== TokenKind.Word || eq.text !== '=') {
        problems.push({ severity: 'error', line: t.line, message: 'expected "define NAME = value"' });
      }
      // The value runs to the end of the line, braces balanced.
      let j = i + 3;
      let depth = 0;
      const value: Token[] = [];
      for (; j < tokens.length; j++) {
        const v = tokens[j]!;
        if (v.kind === TokenKind.End) break;
        if (depth === 0 && (v.kind === TokenKind.Newline || v.kind === TokenKind.Semicolon)) break;
        if (v.kind === TokenKind.LBrace) depth++;
        if (v.kind === TokenKind.RBrace) depth--;
        if (v.kind === TokenKind.Newline) continue;
        value.push(...substitute(v, defines, problems, new Set()));
      }
      if (name?.kind === TokenKind.Word) defines.set(name.text, value);
      i = j - 1;
      continue;
    }
    if (t.kind === TokenKind.Word && t.text.startsWith('$')) {
      const expanded = substitute(t, defines, problems, new Set());
      if (out.length + expanded.length > MAX_EXPANDED_TOKENS) {
        if (!budgetReported) problems.push({ severity: 'error', line: t.line, message: `variable expansion passes ${MAX_EXPANDED_TOKENS} tokens; the rest is not expanded` });
        budgetReported = true;
        out.push(t);
      } else for (const e of expanded) out.push({ ...e, line: t.line, start: t.start, end: t.end });
    } else out.push(t);
    atStatementStart = t.kind === TokenKind.Newline || t.kind === TokenKind.Semicolon || t.kind === TokenKind.LBrace || t.kind === TokenKind.RBrace;
  }
  return { tokens: out, problems };
}

function substitute(t: Token, defines: Map<string, Token[]>, problems: DefineProblem[], seen: Set<string>): Token[] {
  if (t.kind !== TokenKind.Word || !t.text.startsWith('$')) return [t];
  const name = t.text.slice(1);
  const value = defines.get(name);
  if (value === undefined || seen.has(name)) {
    problems.push({ severity: 'error', line: t.line, message: `variable $${name} is not defined before this line` });
    return [t];
  }
  // Values were expanded when defined, so one level is all there is.
  return value;
}
