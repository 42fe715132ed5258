// Reads `nft list ruleset` output (also `nft -a`, with counters) and nft -f scripts (`add rule …`,
// `flush table`, `define`) into the objects `nft -j list ruleset` gives: tables, chains, sets,
// maps, named objects, rules with their JSON statements — plus, per rule, where it was written
// (file, line) and its text as nft prints it without counters and handle. Problems are
// diagnostics with the line and what was expected; a damaged rule or declaration is skipped and
// reading goes on after it.

import type { ParseResult } from '../text/diagnostic.js';
import { ProblemCollector } from '../text/problem-collector.js';
import type { ProblemCode, Severity } from '../text/problem-codes.js';
import { lexNftText, TokenKind, type Token } from './text-lexer.js';
import { ParseStop, TokenCursor } from './text-cursor.js';
import { parseBraceElements, parseConcat, startsExpression } from './text-expr.js';
import { parseRuleBody } from './text-statements.js';
import { expandDefines } from './text-defines.js';
import { priorityNameValue, readDuration, readInteger, type NftValue } from './text-values.js';
import { typeofToType } from './text-typeof.js';
import type { NftRuleset } from './model.js';
import { buildRuleset, type NftJsonObject, type ReadChain, type ReadRule, type ReadSetOrObject, type ReadTable } from './text-model.js';

const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
const TABLE_OBJECTS = new Set(['counter', 'quota', 'limit', 'secmark', 'synproxy']);
const MAX_ISSUES = 200;

export interface NftTextOptions {
  /** Tokens read at most (default MAX_TOKENS in text-lexer.ts); the rest of the file is left with an error. */
  maxTokens?: number;
}

export function parseNftText(text: string, file: string, options: NftTextOptions = {}): ParseResult<NftRuleset> {
  return new NftTextParser(text, file, options.maxTokens).parse();
}

class NftTextParser {
  private readonly problems: ProblemCollector;
  private tokens: Token[] = [];
  private readonly tables = new Map<string, ReadTable>();
  private sawHandle = false;
  private skipped = 0;
  private unknownStatements = 0;
  private firstUnknownLine = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly maxTokens: number | undefined,
  ) {
    this.problems = new ProblemCollector(file, null, MAX_ISSUES);
  }

  parse(): ParseResult<NftRuleset> {
    const lexed = lexNftText(this.text, this.maxTokens);
    for (const p of lexed.problems) this.report('error', 'nft.lex', p.line, p.message);
    const expanded = expandDefines(lexed.tokens);
    for (const p of expanded.problems) this.report(p.severity, 'nft.define', p.line, p.message);
    this.tokens = expanded.tokens;
    const c = new TokenCursor(this.tokens, 0, this.tokens.length - 1);
    while (!c.atEnd()) {
      skipSeparators(c);
      if (c.atEnd()) break;
      const start = c.pos;
      try {
        this.topLevel(c);
      } catch (err) {
        if (!(err instanceof ParseStop)) throw err;
        this.report('error', 'nft.syntax', err.line, `${err.message}; the statement is skipped`);
        this.skipped++;
        c.depth = 0;
        c.pos = start;
        skipStatement(c);
        if (c.isKind(TokenKind.RBrace)) c.next();
      }
    }
    if (this.unknownStatements > 0) {
      const message = `${this.unknownStatements} rule(s) have a statement natpath does not read; each keeps its text as an unknown statement (first at line ${this.firstUnknownLine})`;
      this.problems.summarize('nft.unknown-statement', message, this.unknownStatements, this.firstUnknownLine);
    }
    if (this.skipped > 0) {
      this.problems.summarize('nft.skipped-statements', `${this.skipped} statement(s) could not be read and were skipped`, this.skipped);
    }
    return { value: buildRuleset(this.tables.values(), this.file, this.sawHandle), issues: this.problems.finish() };
  }

  // ── top level ────────────────────────────────────────────────────────────────────────────

  private topLevel(c: TokenCursor): void {
    const w = c.peekWord();
    if (w === undefined) throw c.stop('"table" or a command such as "add rule"');
    switch (w) {
      case 'table':
        c.next();
        this.tableBlock(c);
        return;
      case 'add':
      case 'create':
      case 'insert':
      case 'replace':
        c.next();
        this.command(c, w);
        return;
      case 'flush':
      case 'delete':
      case 'destroy':
        c.next();
        this.flushOrDelete(c, w);
        return;
      case 'include':
        c.next();
        this.report('warning', 'nft.include', c.currentLine(), `include ${quoteOf(c)} is not followed: natpath reads only this file`);
        skipStatement(c);
        return;
      default: {
        // `nft -f` accepts a bare object keyword as "add".
        if (w === 'chain' || w === 'rule' || w === 'set' || w === 'map' || w === 'element') {
          this.command(c, 'add');
          return;
        }
        throw c.stop('"table" or a command such as "add rule"');
      }
    }
  }

  private readFamilyAndName(c: TokenCursor): { family: string; name: string } {
    let family = 'ip';
    if (FAMILIES.has(c.peekWord() ?? '') && !this.atNameEnd(c, 1)) family = c.next().text;
    const name = c.nextName('a table name');
    return { family, name };
  }

  /** True when the token at offset ends a name position (so the word before is the name). */
  private atNameEnd(c: TokenCursor, offset: number): boolean {
    const t = c.peek(offset);
    return t === undefined || t.kind !== TokenKind.Word && t.kind !== TokenKind.String;
  }

  private table(family: string, name: string, line: number): ReadTable {
    const key = `${family} ${name}`;
    let t = this.tables.get(key);
    if (t === undefined) {
      t = { family, name, json: { family, name }, line, members: [], setsByName: new Map(), chains: new Map() };
      this.tables.set(key, t);
    }
    return t;
  }

  private existingTable(c: TokenCursor, family: string, name: string): ReadTable {
    const t = this.tables.get(`${family} ${name}`);
    if (t === undefined) throw c.stop(`a table declared earlier (no table ${family} ${name})`);
    return t;
  }

  private tableBlock(c: TokenCursor): void {
    const line = c.currentLine();
    const { family, name } = this.readFamilyAndName(c);
    this.tableBody(c, this.table(family, name, line));
  }

  /** `{ members }` after a table's name, when there is one. */
  private tableBody(c: TokenCursor, t: ReadTable): void {
    this.takeHandle(c, t.json);
    if (!c.isKind(TokenKind.LBrace)) return;
    c.next();
    this.takeHandle(c, t.json);
    c.enter();
    for (;;) {
      skipSeparators(c);
      if (c.atEnd()) throw c.stop('"}" closing the table');
      if (c.isKind(TokenKind.RBrace)) break;
      const start = c.pos;
      const depth = c.depth;
      try {
        this.tableMember(c, t);
      } catch (err) {
        if (!(err instanceof ParseStop)) throw err;
        this.report('error', 'nft.syntax', err.line, `${err.message}; the declaration is skipped`);
        this.skipped++;
        c.depth = depth;
        c.pos = start;
        skipStatement(c);
      }
    }
    c.next();
    c.leave();
  }

  private tableMember(c: TokenCursor, t: ReadTable): void {
    const w = c.nextName('a table member (chain, set, map, …)');
    switch (w) {
      case 'chain':
        this.chainDeclaration(c, t, c.nextName('a chain name'));
        return;
      case 'set':
      case 'map':
        this.setDeclaration(c, t, w, c.nextName(`a ${w} name`));
        return;
      case 'flags': {
        const flags = readWordList(c);
        t.json.flags = flags.length === 1 ? flags[0]! : flags;
        return;
      }
      case 'comment':
        t.json.comment = c.nextName('the comment text');
        return;
      case 'include':
        this.report('warning', 'nft.include', c.currentLine(), `include ${quoteOf(c)} is not followed: natpath reads only this file`);
        skipStatement(c);
        return;
      case 'flowtable':
        this.namedObject(c, t, 'flowtable', c.nextName('a flowtable name'));
        return;
      case 'ct': {
        const kind = c.nextName('helper, timeout or expectation');
        this.namedObject(c, t, `ct ${kind}`, c.nextName(`a ct ${kind} name`));
        return;
      }
      default:
        if (TABLE_OBJECTS.has(w)) {
          this.namedObject(c, t, w, c.nextName(`a ${w} name`));
          return;
        }
        c.pos--;
        throw c.stop('a table member (chain, set, map, flowtable, counter, quota, limit, ct helper, flags, comment)');
    }
  }

  // ── chains and rules ─────────────────────────────────────────────────────────────────────

  private chainState(t: ReadTable, name: string, line: number): ReadChain {
    let ch = t.chains.get(name);
    if (ch === undefined) {
      ch = { json: { family: t.family, table: t.name, name }, line, rules: [] };
      t.chains.set(name, ch);
    }
    return ch;
  }

  private chainDeclaration(c: TokenCursor, t: ReadTable, name: string): void {
    const ch = this.chainState(t, name, c.currentLine());
    this.takeHandle(c, ch.json);
    if (!c.isKind(TokenKind.LBrace)) return;
    c.next();
    c.enter();
    this.takeHandle(c, ch.json);
    for (;;) {
      skipSeparators(c);
      if (c.atEnd()) throw c.stop('"}" closing the chain');
      if (c.isKind(TokenKind.RBrace)) break;
      if (this.chainProperty(c, t, ch.json)) continue;
      this.rule(c, t, ch, findRuleEnd(c));
    }
    c.next();
    c.leave();
  }

  /** `type filter hook input priority 0;`, `policy drop;`, `comment "…"`, `devices = {…}`. */
  private chainProperty(c: TokenCursor, t: ReadTable, chain: NftJsonObject): boolean {
    const w = c.peekWord();
    if (w === 'type' && c.isWord('hook', 2)) {
      const line = c.currentLine();
      const start = c.pos;
      try {
        c.next();
        chain.type = c.nextName('a chain type (filter, nat, route)');
        c.expectWord('hook');
        chain.hook = c.nextName('a hook name');
        if (c.acceptWord('device')) chain.dev = c.nextName('a device name');
        else if (c.isWord('devices')) {
          c.next();
          c.acceptWord('=');
          chain.dev = readDeviceList(c);
        }
        c.expectWord('priority');
        chain.prio = readPriority(c, t.family);
        return true;
      } catch (err) {
        if (!(err instanceof ParseStop)) throw err;
        this.report('error', 'nft.chain-type', line, `${err.message}; the chain is kept without its hook`);
        c.pos = start;
        skipStatement(c);
        return true;
      }
    }
    if (w === 'policy' && (c.isWord('accept', 1) || c.isWord('drop', 1))) {
      c.next();
      chain.policy = c.next().text;
      return true;
    }
    if (w === 'comment' && c.isKind(TokenKind.String, 1) && this.isLineAlone(c, 2)) {
      c.next();
      chain.comment = c.next().text;
      return true;
    }
    if (w === 'devices' && c.isWord('=', 1)) {
      c.pos += 2;
      chain.dev = readDeviceList(c);
      return true;
    }
    return false;
  }

  /** The statement ends after `offset` tokens (newline, `;`, `}`), so a lone `comment "x"` is the chain's. */
  private isLineAlone(c: TokenCursor, offset: number): boolean {
    const t = c.peek(offset);
    return t === undefined || t.kind === TokenKind.Newline || t.kind === TokenKind.Semicolon || t.kind === TokenKind.RBrace || t.kind === TokenKind.Handle;
  }

  private rule(c: TokenCursor, t: ReadTable, ch: ReadChain, extent: { end: number; unclosed: boolean }, insertAt?: number): void {
    const end = extent.end;
    let last = end;
    let handle: number | null = null;
    if (last > c.pos && this.tokens[last - 1]!.kind === TokenKind.Handle) {
      handle = Number(this.tokens[last - 1]!.text);
      this.sawHandle = true;
      last--;
    }
    const line = this.tokens[c.pos]!.line;
    const rc = new TokenCursor(this.tokens, c.pos, last);
    const body = parseRuleBody(rc, t.family, (from, to) => this.ruleText(from, to));
    const rule: ReadRule = { handle, expr: body.expr, comment: body.comment, line, text: this.ruleText(c.pos, last) };
    if (extent.unclosed) {
      this.report('error', 'nft.syntax', line, 'expected "}" closing a "{" of this rule before the next line that starts a rule; the rule is kept with what could be read');
    } else if (body.unknownReason !== null) {
      this.unknownStatements++;
      if (this.firstUnknownLine === 0) this.firstUnknownLine = line;
      this.report('info', 'nft.unknown-statement-detail', line, `${body.unknownReason}; kept as an unknown statement`, true);
    }
    if (insertAt !== undefined) ch.rules.splice(insertAt, 0, rule);
    else ch.rules.push(rule);
    c.pos = end;
  }

  /** The rule as written, without counter values: what the simulator and reports quote. */
  private ruleText(from: number, to: number): string {
    if (to <= from) return '';
    const first = this.tokens[from]!;
    const lastTok = this.tokens[to - 1]!;
    let text: string;
    if (first.start <= lastTok.start && this.inOrder(from, to)) text = this.text.slice(first.start, lastTok.end);
    else text = this.render(from, to);
    return text
      .replace(/\s*\n\s*/g, ' ')
      .replace(/\bcounter packets \d+ bytes \d+/g, 'counter')
      .trim();
  }

  private inOrder(from: number, to: number): boolean {
    for (let i = from + 1; i < to; i++) if (this.tokens[i]!.start < this.tokens[i - 1]!.end) return false;
    return true;
  }

  /** Tokens joined back into text (after `define` expansion, offsets no longer follow the file). */
  private render(from: number, to: number): string {
    let out = '';
    for (let i = from; i < to; i++) {
      const tok = this.tokens[i]!;
      if (tok.kind === TokenKind.Newline || tok.kind === TokenKind.Handle) continue;
      const piece = tok.kind === TokenKind.String ? `"${tok.text}"` : tok.text;
      if (out === '' || tok.kind === TokenKind.Comma) out += piece;
      else out += ` ${piece}`;
    }
    return out;
  }

  // ── sets, maps, named objects ────────────────────────────────────────────────────────────

  private setDeclaration(c: TokenCursor, t: ReadTable, kind: 'set' | 'map', name: string): void {
    const line = c.currentLine();
    const set: NftJsonObject = { family: t.family, name, table: t.name };
    this.takeHandle(c, set);
    c.expectKind(TokenKind.LBrace, '"{"');
    c.enter();
    this.takeHandle(c, set);
    for (;;) {
      skipSeparators(c);
      if (c.atEnd()) throw c.stop(`"}" closing the ${kind}`);
      if (c.isKind(TokenKind.RBrace)) break;
      this.setProperty(c, set, kind);
    }
    c.next();
    c.leave();
    const existing = t.setsByName.get(name);
    if (existing?.kind === kind) Object.assign(existing.json, set);
    else {
      const entry: ReadSetOrObject = { kind, json: set, line };
      t.members.push(entry);
      t.setsByName.set(name, entry);
    }
  }

  private setProperty(c: TokenCursor, set: NftJsonObject, kind: 'set' | 'map'): void {
    const w = c.nextName(`a ${kind} property (type, flags, elements, …)`);
    switch (w) {
      case 'type': {
        const key = readTypeList(c);
        set.type = key.length === 1 ? key[0]! : key;
        if (c.acceptWord(':')) {
          // `: interval ipv4_addr` — interval data, which the kernel keeps as the interval flag.
          if (c.acceptWord('interval')) addSetFlag(set, 'interval');
          const data = readTypeList(c);
          set.map = data.length === 1 ? data[0]! : data;
        }
        return;
      }
      case 'typeof': {
        const key = typeofToType(parseConcat(c));
        set.type = key.length === 1 ? key[0]! : key;
        if (c.acceptWord(':')) {
          // Verdict maps and object maps (`: counter`, `: quota`, `: limit`) name their data kind.
          const data = ['verdict', 'counter', 'quota', 'limit'].includes(c.peekWord() ?? '') ? [c.next().text] : typeofToType(parseConcat(c));
          set.map = data.length === 1 ? data[0]! : data;
        }
        return;
      }
      case 'flags': {
        for (const f of readWordList(c)) addSetFlag(set, f);
        return;
      }
      case 'timeout':
      case 'gc-interval': {
        const d = readDuration(c.nextName(`a ${w} such as 30s or 3h`));
        if (d === null) throw c.stop(`a ${w} such as 30s or 3h`);
        set[w] = Math.floor(d);
        // A set with a default timeout has the timeout flag, whether or not the text says so.
        if (w === 'timeout') addSetFlag(set, 'timeout');
        return;
      }
      case 'size': {
        const n = readInteger(c.nextName('a size'));
        if (n === null) throw c.stop('a number');
        set.size = n;
        return;
      }
      case 'policy':
        set.policy = c.nextName('performance or memory');
        return;
      case 'auto-merge':
        // A hint to nft for adding overlapping intervals; the kernel (and nft -j) do not keep it.
        return;
      case 'counter':
        set.stmt = [{ counter: null }];
        return;
      case 'comment':
        set.comment = c.nextName('the comment text');
        return;
      case 'elements': {
        c.acceptWord('=');
        const elems = parseBraceElements(c, kind === 'map');
        appendElements(set, elems);
        return;
      }
      default:
        c.pos--;
        throw c.stop(`a ${kind} property (type, typeof, flags, timeout, size, policy, counter, comment, elements)`);
    }
  }

  /** flowtable, counter, quota, limit, ct helper …: kept with their words (the simulator does not use them). */
  private namedObject(c: TokenCursor, t: ReadTable, kind: string, name: string): void {
    const line = c.currentLine();
    const obj: NftJsonObject = { family: t.family, name, table: t.name };
    this.takeHandle(c, obj);
    if (!c.isKind(TokenKind.LBrace)) throw c.stop('"{"');
    const start = c.pos + 1;
    skipBlock(c);
    const words: string[] = [];
    for (let i = start; i < c.pos - 1; i++) {
      const tok = this.tokens[i]!;
      if (tok.kind === TokenKind.Word || tok.kind === TokenKind.String) words.push(tok.text);
    }
    readObjectFields(kind, words, obj);
    t.members.push({ kind, json: obj, line });
  }

  // ── nft -f commands ──────────────────────────────────────────────────────────────────────

  private command(c: TokenCursor, verb: string): void {
    const what = c.nextName('table, chain, rule, set, map or element');
    switch (what) {
      case 'table':
        // `add table ip x`, `add table ip x { comment "…" ; }`
        this.tableBlock(c);
        return;
      case 'chain': {
        const { family, name } = this.readFamilyAndName(c);
        const t = this.existingTable(c, family, name);
        this.chainDeclaration(c, t, c.nextName('a chain name'));
        return;
      }
      case 'set':
      case 'map': {
        const { family, name } = this.readFamilyAndName(c);
        const t = this.existingTable(c, family, name);
        this.setDeclaration(c, t, what, c.nextName(`a ${what} name`));
        return;
      }
      case 'element': {
        const { family, name } = this.readFamilyAndName(c);
        const t = this.existingTable(c, family, name);
        const setName = c.nextName('a set or map name');
        const entry = t.setsByName.get(setName);
        if (entry === undefined) throw c.stop(`a set or map declared earlier (no set ${setName})`);
        const set = entry.json;
        const elems = parseBraceElements(c, entry.kind === 'map');
        appendElements(set, elems);
        return;
      }
      case 'rule': {
        const { family, name } = this.readFamilyAndName(c);
        const t = this.existingTable(c, family, name);
        const chainName = c.nextName('a chain name');
        const ch = t.chains.get(chainName);
        if (ch === undefined) throw c.stop(`a chain declared earlier (no chain ${chainName})`);
        let insertAt: number | undefined = verb === 'insert' ? 0 : undefined;
        if (c.isWord('handle') || c.isWord('position') || c.isWord('index')) {
          const how = c.next().text;
          const n = readInteger(c.nextName(`the ${how} number`));
          if (n === null) throw c.stop('a number');
          const at = how === 'index' ? n : ch.rules.findIndex((r) => r.handle === n);
          if (at >= 0) insertAt = verb === 'insert' ? at : at + 1;
        }
        if (verb === 'replace') throw c.stop('a rule command natpath applies (replace is not applied)');
        this.rule(c, t, ch, findRuleEnd(c), insertAt);
        return;
      }
      default:
        c.pos--;
        throw c.stop('table, chain, rule, set, map or element');
    }
  }

  private flushOrDelete(c: TokenCursor, verb: string): void {
    const what = c.nextName('ruleset, table, chain, set or map');
    if (what === 'ruleset') {
      this.tables.clear();
      return;
    }
    const { family, name } = this.readFamilyAndName(c);
    const key = `${family} ${name}`;
    const t = this.tables.get(key);
    if (what === 'table') {
      if (t === undefined) return;
      if (verb === 'flush') {
        for (const ch of t.chains.values()) ch.rules.length = 0;
        for (const m of t.members) delete m.json.elem;
      } else this.tables.delete(key);
      return;
    }
    if (t === undefined) throw c.stop(`a table declared earlier (no table ${family} ${name})`);
    const object = c.nextName(`a ${what} name`);
    if (what === 'chain') {
      const ch = t.chains.get(object);
      if (ch !== undefined && verb === 'flush') ch.rules.length = 0;
      else if (ch !== undefined) t.chains.delete(object);
      return;
    }
    if (what === 'set' || what === 'map') {
      const entry = t.setsByName.get(object);
      if (entry?.kind !== what) return;
      if (verb === 'flush') delete entry.json.elem;
      else {
        t.members.splice(t.members.indexOf(entry), 1);
        t.setsByName.delete(object);
      }
      return;
    }
    throw c.stop('ruleset, table, chain, set or map');
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────

  private takeHandle(c: TokenCursor, obj: NftJsonObject): void {
    while (c.isKind(TokenKind.Handle)) {
      obj.handle = Number(c.next().text);
      this.sawHandle = true;
    }
  }

  private detailCount = 0;

  private report(severity: Severity, code: ProblemCode, line: number, message: string, detail = false): void {
    if (detail) {
      // Per-rule details are capped: the folded warning counts them all.
      if (++this.detailCount > 50) return;
    }
    this.problems.report(code, message, line, { severity });
  }
}

function quoteOf(c: TokenCursor): string {
  const t = c.peek();
  return t === undefined ? '' : `"${t.text}"`;
}

function skipSeparators(c: TokenCursor): void {
  while (c.isKind(TokenKind.Newline) || c.isKind(TokenKind.Semicolon) || c.isKind(TokenKind.Handle)) c.next();
}

/** Words that start a rule or a declaration: a line starting with one is not inside a rule's braces. */
const LINE_START_WORDS = new Set([
  'chain', 'table', 'set', 'map', 'type', 'policy', 'counter', 'jump', 'goto', 'accept', 'drop', 'return', 'log',
  'dnat', 'snat', 'masquerade', 'redirect', 'reject', 'notrack', 'comment', 'flowtable', 'elements',
]);

/**
 * Index of the token that ends the rule starting at the cursor: a newline or `;` outside braces, or
 * the chain's `}`. A `{` may span lines (scripts write sets over several), but a line that starts
 * like a rule or declaration ends the rule even inside an unclosed `{`, so one damaged rule does
 * not swallow the rest of the chain. `unclosed` says whether that happened.
 */
function findRuleEnd(c: TokenCursor): { end: number; unclosed: boolean } {
  let depth = 0;
  for (let i = c.pos; i < c.end; i++) {
    const k = c.tokens[i]!.kind;
    if (k === TokenKind.LBrace) depth++;
    else if (k === TokenKind.RBrace) {
      if (depth === 0) return { end: i, unclosed: false };
      depth--;
    } else if (k === TokenKind.Newline || k === TokenKind.Semicolon) {
      if (depth === 0) return { end: i, unclosed: false };
      if (k === TokenKind.Newline && startsRuleLine(new TokenCursor(c.tokens, i + 1, c.end))) return { end: i, unclosed: true };
    }
  }
  return { end: c.end, unclosed: depth > 0 };
}

function startsRuleLine(c: TokenCursor): boolean {
  c.skipNewlines();
  const w = c.peekWord();
  return w !== undefined && (LINE_START_WORDS.has(w) || startsExpression(c));
}

/** From the start of a damaged statement: to the end of its line, past any block it opened. */
function skipStatement(c: TokenCursor): void {
  let depth = 0;
  while (!c.atEnd()) {
    const k = c.peek()!.kind;
    if (k === TokenKind.LBrace) depth++;
    else if (k === TokenKind.RBrace) {
      if (depth === 0) return;
      depth--;
    } else if (depth === 0 && (k === TokenKind.Newline || k === TokenKind.Semicolon)) return;
    c.next();
  }
}

function skipBlock(c: TokenCursor): void {
  let depth = 0;
  while (!c.atEnd()) {
    const k = c.next().kind;
    if (k === TokenKind.LBrace) depth++;
    else if (k === TokenKind.RBrace && --depth === 0) return;
  }
  throw c.stop('"}"');
}

/** Adds elements in place (kube-proxy's scripts add thousands, one `add element` at a time). */
function appendElements(set: NftJsonObject, elems: NftValue[]): void {
  if (!Array.isArray(set.elem)) {
    set.elem = elems;
    return;
  }
  for (const e of elems) set.elem.push(e);
}

/** Set flags in the kernel's bit order, as nft -j lists them. */
const SET_FLAG_ORDER = ['constant', 'interval', 'timeout', 'dynamic', 'eval'];

function addSetFlag(set: NftJsonObject, flag: string): void {
  const flags = Array.isArray(set.flags) ? (set.flags as string[]) : [];
  if (!flags.includes(flag)) flags.push(flag);
  flags.sort((a, b) => rank(a) - rank(b));
  set.flags = flags;
}

function rank(flag: string): number {
  const i = SET_FLAG_ORDER.indexOf(flag);
  return i < 0 ? SET_FLAG_ORDER.length : i;
}

function readWordList(c: TokenCursor): string[] {
  const out = [c.nextName('a word')];
  while (c.isKind(TokenKind.Comma)) {
    c.next();
    out.push(c.nextName('a word after ","'));
  }
  return out;
}

function readTypeList(c: TokenCursor): string[] {
  const out = [c.nextName('a data type')];
  while (c.acceptWord('.')) out.push(c.nextName('a data type after "."'));
  return out;
}

function readDeviceList(c: TokenCursor): NftValue {
  if (!c.isKind(TokenKind.LBrace)) return c.nextName('a device name');
  const elems = parseBraceElements(c, false);
  return elems.length === 1 ? elems[0]! : elems;
}

/** `priority 0`, `priority -100`, `priority dstnat`, `priority dstnat - 10`, `priority filter + 5`. */
function readPriority(c: TokenCursor, family: string): number {
  const word = c.nextName('a priority');
  let value = readInteger(word);
  if (value === null) {
    value = priorityNameValue(word, family);
    if (value === null) {
      c.pos--;
      throw c.stop('a priority number or name (raw, mangle, dstnat, filter, security, srcnat)');
    }
  }
  const sign = c.peekWord();
  if (sign === '+' || sign === '-') {
    c.next();
    const n = readInteger(c.nextName('a number'));
    if (n === null) throw c.stop('a number after the sign');
    value += sign === '+' ? n : -n;
  } else if (sign !== undefined && /^[+-]\d+$/.test(sign)) {
    c.next();
    value += Number(sign);
  }
  return value;
}

/** Fields of named objects as nft -j writes them, for the common shapes; other words are kept as `text`. */
function readObjectFields(kind: string, words: string[], obj: NftJsonObject): void {
  if (kind === 'counter' && words[0] === 'packets' && words[2] === 'bytes') {
    obj.packets = Number(words[1]);
    obj.bytes = Number(words[3]);
    return;
  }
  if (kind === 'quota') {
    let i = 0;
    if (words[i] === 'over') {
      obj.inv = true;
      i++;
    }
    obj.bytes = Number(words[i]);
    obj.used = 0;
    const used = words.indexOf('used');
    if (used >= 0) obj.used = Number(words[used + 1]);
    return;
  }
  if (kind === 'ct helper') {
    const type = words.indexOf('type');
    if (type >= 0) obj.type = words[type + 1] ?? '';
    const proto = words.indexOf('protocol');
    if (proto >= 0) obj.protocol = words[proto + 1] ?? '';
    const l3 = words.indexOf('l3proto');
    obj.l3proto = l3 >= 0 ? (words[l3 + 1] ?? '') : 'ip';
    return;
  }
  obj.text = words.join(' ');
}
