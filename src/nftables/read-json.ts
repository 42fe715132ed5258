// Reads `nft -j list ruleset` (libnftables JSON, schema version 1) into the nftables model. The
// top level is `{"nftables": [ {metainfo}, {table}, {chain}, {set|map}, {rule}, … ]}`, each item an
// object with one key. Items are read one by one: a damaged item is skipped with its JSON path and
// the rest kept; a document cut short keeps its complete items (json-salvage.ts). Rules get their
// printed text here (print-rule.ts), since JSON has none.

import type { ParseResult, Severity, SourcePlace } from '../text/diagnostic.js';
import type { ProblemCode } from '../text/problem-codes.js';
import { ProblemCollector } from '../text/problem-collector.js';
import { clipJson, JsonProblems, keyPath, readExpr, readStatement, soleKey } from './json-expr.js';
import { jsonErrorPosition, lineAndColumn, salvageNftJson } from './json-salvage.js';
import type {
  NftBaseChain,
  NftChain,
  NftChainType,
  NftExpr,
  NftFamily,
  NftHook,
  NftJsonSource,
  NftRule,
  NftRuleset,
  NftSet,
  NftStatement,
  NftTable,
} from './model.js';
import { printExpr, printRule } from './print-rule.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

const FAMILIES = new Set<string>(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
const HOOKS = new Set<string>(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress']);
const CHAIN_TYPES = new Set<string>(['filter', 'nat', 'route']);
const OBJECT_KINDS = new Set(['counter', 'quota', 'ct helper', 'limit', 'ct timeout', 'ct expectation', 'synproxy', 'secmark']);

export function readNftJson(text: string, file: string): ParseResult<NftRuleset> {
  const reader = new RulesetReader(file);
  let document: Json;
  try {
    document = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = jsonErrorPosition(message) ?? text.length;
    const { line, column } = lineAndColumn(text, at);
    const salvage = salvageNftJson(text, at);
    const kept = salvage === null ? 'nothing before it could be kept' : `the ${salvage.items} complete item(s) before it are kept`;
    reader.issue('nftables.json-syntax', 'error', `not valid JSON at byte offset ${at} (${message}); ${kept}`, { line, column, offset: at });
    if (salvage === null) return reader.finish();
    document = salvage.document;
  }
  const list = isObject(document) ? document.nftables : undefined;
  if (!Array.isArray(list)) {
    reader.issue('nftables.json-shape', 'error', `expected {"nftables": [ … ]} (nft -j list ruleset), found ${clipJson(document)}`, { jsonPath: '$' });
    return reader.finish();
  }
  for (let i = 0; i < list.length; i++) reader.readItem(list[i], `$.nftables[${i}]`);
  return reader.finish();
}

class RulesetReader {
  private readonly tables: NftTable[] = [];
  private readonly tablesByKey = new Map<string, NftTable>();
  private readonly issues: ProblemCollector;
  private readonly problems = new JsonProblems();
  private nftVersion: string | null = null;
  private schemaVersion: number | null = null;

  constructor(private readonly file: string) {
    this.issues = new ProblemCollector(file);
  }

  issue(code: ProblemCode, severity: Severity, message: string, place: Omit<SourcePlace, 'file'>): void {
    this.issues.report(code, message, place, { severity });
  }

  private source(path: string): NftJsonSource {
    return { format: 'json', file: this.file, path };
  }

  readItem(item: Json, path: string): void {
    const key = soleKey(item);
    if (key === null) return this.issue('nftables.json-shape', 'warning', `expected an object with one key (table, chain, rule, set, map …), found ${clipJson(item)}; skipped`, { jsonPath: path });
    const body = (item as JsonObject)[key];
    const at = keyPath(path, key);
    if (key === 'metainfo') return this.readMetainfo(body);
    if (!isObject(body)) return this.issue('nftables.json-shape', 'warning', `expected an object after "${key}"; skipped`, { jsonPath: at });
    switch (key) {
      case 'table':
        return this.readTable(body, at);
      case 'chain':
        return this.readChain(body, at);
      case 'rule':
        return this.readRule(body, at);
      case 'set':
      case 'map':
        return this.readSet(key, body, at);
      case 'element':
        return this.readElements(body, at);
      case 'flowtable':
        return this.readFlowtable(body, at);
      default:
        if (OBJECT_KINDS.has(key)) return this.readObject(key, body, at);
        return this.issue('nftables.json-unknown-item', 'warning', `unknown ruleset item "${key}" (nft -j list ruleset prints table, chain, rule, set, map, element, flowtable and stateful objects); skipped`, { jsonPath: at });
    }
  }

  private readMetainfo(body: Json): void {
    if (!isObject(body)) return;
    if (typeof body.version === 'string') this.nftVersion = body.version;
    if (typeof body.json_schema_version === 'number') this.schemaVersion = body.json_schema_version;
  }

  private family(body: JsonObject, path: string): NftFamily | null {
    if (typeof body.family === 'string' && FAMILIES.has(body.family)) return body.family as NftFamily;
    this.issue('nftables.json-shape', 'warning', `expected "family" to be ip, ip6, inet, arp, bridge or netdev, found ${clipJson(body.family)}; skipped`, { jsonPath: `${path}.family` });
    return null;
  }

  private name(body: JsonObject, field: string, path: string): string | null {
    const v = body[field];
    if (typeof v === 'string' && v.length > 0) return v;
    this.issue('nftables.json-shape', 'warning', `expected "${field}" to be a name, found ${clipJson(v)}; skipped`, { jsonPath: `${path}.${field}` });
    return null;
  }

  private readTable(body: JsonObject, path: string): void {
    const family = this.family(body, path);
    const name = this.name(body, 'name', path);
    if (family === null || name === null) return;
    const existing = this.tablesByKey.get(`${family} ${name}`);
    if (existing !== undefined) return; // a table listed twice: its chains and rules join the first
    const table: NftTable = {
      family,
      name,
      handle: handleOf(body),
      flags: stringsOf(body.flags),
      comment: typeof body.comment === 'string' ? body.comment : null,
      chains: [],
      chainsByName: new Map(),
      sets: [],
      setsByName: new Map(),
      objects: [],
      flowtables: [],
      source: this.source(path),
    };
    this.tables.push(table);
    this.tablesByKey.set(`${family} ${name}`, table);
  }

  /** The table an item belongs to; created with a warning when the dump lists it late or not at all. */
  private tableOf(body: JsonObject, path: string): NftTable | null {
    const family = this.family(body, path);
    const name = this.name(body, 'table', path);
    if (family === null || name === null) return null;
    const table = this.tablesByKey.get(`${family} ${name}`);
    if (table !== undefined) return table;
    this.issue('nftables.json-missing-table', 'warning', `table ${family} ${name} is used before it is listed; created`, { jsonPath: path });
    this.readTable({ family, name }, path);
    return this.tablesByKey.get(`${family} ${name}`)!;
  }

  private readChain(body: JsonObject, path: string): void {
    const table = this.tableOf(body, path);
    const name = this.name(body, 'name', path);
    if (table === null || name === null) return;
    const base = this.baseChain(body, path);
    const existing = table.chainsByName.get(name);
    if (existing !== undefined) {
      if (existing.base === null) existing.base = base;
      return;
    }
    this.addChain(table, name, handleOf(body), base, typeof body.comment === 'string' ? body.comment : null, path);
  }

  private addChain(table: NftTable, name: string, handle: number | null, base: NftBaseChain | null, comment: string | null, path: string): NftChain {
    const chain: NftChain = { family: table.family, table: table.name, name, handle, base, comment, rules: [], source: this.source(path) };
    table.chains.push(chain);
    table.chainsByName.set(name, chain);
    return chain;
  }

  private baseChain(body: JsonObject, path: string): NftBaseChain | null {
    if (body.hook === undefined && body.type === undefined) return null;
    if (typeof body.hook !== 'string' || !HOOKS.has(body.hook)) {
      this.issue('nftables.json-shape', 'warning', `unknown hook ${clipJson(body.hook)}: the chain is kept as a regular chain (never entered from a hook)`, { jsonPath: `${path}.hook` });
      return null;
    }
    const type = typeof body.type === 'string' && CHAIN_TYPES.has(body.type) ? (body.type as NftChainType) : null;
    if (type === null) this.issue('nftables.json-shape', 'warning', `unknown chain type ${clipJson(body.type)}: taken as filter`, { jsonPath: `${path}.type` });
    let prio = 0;
    if (typeof body.prio === 'number' && Number.isInteger(body.prio)) prio = body.prio;
    else this.issue('nftables.json-shape', 'warning', `expected a numeric "prio", found ${clipJson(body.prio)}: taken as 0`, { jsonPath: `${path}.prio` });
    let policy: 'accept' | 'drop' = 'accept';
    if (body.policy === 'drop') policy = 'drop';
    else if (body.policy !== undefined && body.policy !== 'accept') {
      this.issue('nftables.json-shape', 'warning', `unknown policy ${clipJson(body.policy)}: taken as accept (the kernel's default)`, { jsonPath: `${path}.policy` });
    }
    return { type: type ?? 'filter', hook: body.hook as NftHook, prio, policy, devices: stringsOf(body.dev) };
  }

  private readRule(body: JsonObject, path: string): void {
    const table = this.tableOf(body, path);
    const chainName = this.name(body, 'chain', path);
    if (table === null || chainName === null) return;
    let chain = table.chainsByName.get(chainName);
    if (chain === undefined) {
      this.issue('nftables.json-missing-chain', 'warning', `chain ${chainName} of table ${table.family} ${table.name} is used before it is listed; created as a regular chain`, { jsonPath: path });
      chain = this.addChain(table, chainName, null, null, null, path);
    }
    if (!Array.isArray(body.expr)) {
      this.issue('nftables.json-shape', 'warning', `expected "expr" to be a list of statements, found ${clipJson(body.expr)}; the rule is kept as unknown`, { jsonPath: `${path}.expr` });
    }
    const exprList = Array.isArray(body.expr) ? body.expr : [];
    const expr: NftStatement[] = Array.isArray(body.expr)
      ? exprList.map((s, i) => readStatement(s, `${path}.expr[${i}]`, this.problems))
      : [{ unknown: { key: 'expr', json: body.expr, text: clipJson(body.expr) } }];
    const comment = typeof body.comment === 'string' ? body.comment : null;
    const rule: NftRule = {
      family: table.family,
      table: table.name,
      chain: chainName,
      handle: handleOf(body),
      index: chain.rules.length + 1,
      expr,
      comment,
      text: printRule(expr, comment, (name) => table.setsByName.get(name)?.map ?? null),
      source: this.source(path),
    };
    chain.rules.push(rule);
  }

  private readSet(kind: 'set' | 'map', body: JsonObject, path: string): void {
    const table = this.tableOf(body, path);
    const name = this.name(body, 'name', path);
    if (table === null || name === null) return;
    const problems = this.problems;
    const elem = Array.isArray(body.elem) ? body.elem.map((e, i) => readElement(kind, e, `${path}.elem[${i}]`, problems)) : [];
    if (body.elem !== undefined && !Array.isArray(body.elem)) this.issue('nftables.json-shape', 'warning', `expected "elem" to be a list; the ${kind} is kept empty`, { jsonPath: `${path}.elem` });
    const set: NftSet = {
      family: table.family,
      table: table.name,
      name,
      handle: handleOf(body),
      kind,
      type: typeOf(body.type),
      map: kind === 'map' ? typeOf(body.map) : null,
      flags: stringsOf(body.flags),
      timeoutSeconds: typeof body.timeout === 'number' ? body.timeout : null,
      size: typeof body.size === 'number' ? body.size : null,
      policy: typeof body.policy === 'string' ? body.policy : null,
      comment: typeof body.comment === 'string' ? body.comment : null,
      elem,
      source: this.source(path),
    };
    if (table.setsByName.has(name)) {
      table.setsByName.get(name)!.elem.push(...elem);
      return;
    }
    table.sets.push(set);
    table.setsByName.set(name, set);
  }

  /** `{"element": {family, table, name, elem}}`: elements added to a set listed earlier. */
  private readElements(body: JsonObject, path: string): void {
    const table = this.tableOf(body, path);
    const name = this.name(body, 'name', path);
    if (table === null || name === null) return;
    const set = table.setsByName.get(name);
    if (set === undefined) return this.issue('nftables.json-missing-set', 'warning', `elements for set ${name}, which is not listed; skipped`, { jsonPath: path });
    if (!Array.isArray(body.elem)) return this.issue('nftables.json-shape', 'warning', 'expected "elem" to be a list; skipped', { jsonPath: `${path}.elem` });
    const problems = this.problems;
    body.elem.forEach((e, i) => set.elem.push(readElement(set.kind, e, `${path}.elem[${i}]`, problems)));
  }

  private readFlowtable(body: JsonObject, path: string): void {
    const table = this.tableOf(body, path);
    const name = this.name(body, 'name', path);
    if (table === null || name === null) return;
    table.flowtables.push({
      family: table.family,
      table: table.name,
      name,
      handle: handleOf(body),
      hook: typeof body.hook === 'string' ? body.hook : 'ingress',
      prio: typeof body.prio === 'number' ? body.prio : 0,
      devices: stringsOf(body.dev),
      source: this.source(path),
    });
  }

  private readObject(kind: string, body: JsonObject, path: string): void {
    const table = this.tableOf(body, path);
    const name = this.name(body, 'name', path);
    if (table === null || name === null) return;
    table.objects.push({ family: table.family, table: table.name, kind, name, handle: handleOf(body), source: this.source(path) });
  }

  finish(): ParseResult<NftRuleset> {
    const shown = this.problems.list;
    for (const p of shown) this.issue('nftables.json-unknown', 'warning', `${p.message}: the rule is evaluated as unknown`, { jsonPath: p.path });
    const hasHandles = this.tables.some((t) => t.chains.some((c) => c.rules.some((r) => r.handle !== null)));
    return {
      value: { format: 'json', file: this.file, nftVersion: this.nftVersion, jsonSchemaVersion: this.schemaVersion, hasHandles, tables: this.tables },
      issues: this.issues.finish(),
    };
  }
}

/** A set element is an expression; a map element is a two-item list `[key, data]`. */
function readElement(kind: 'set' | 'map', e: Json, path: string, problems: JsonProblems): NftExpr {
  if (kind === 'map') {
    if (Array.isArray(e) && e.length === 2) {
      return [readExpr(e[0], `${path}[0]`, problems), readExpr(e[1], `${path}[1]`, problems)];
    }
    problems.add(path, `expected a map element [key, data], found ${clipJson(e)}`);
    return { unknown: { key: 'elem', json: e, text: clipJson(e) } };
  }
  return readExpr(e, path, problems);
}

function handleOf(body: JsonObject): number | null {
  return typeof body.handle === 'number' && Number.isInteger(body.handle) ? body.handle : null;
}

function stringsOf(v: Json): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** A set's `type`/`map`: a name, a list of names (concatenation), or `{typeof: expr}` kept as its printed text. */
function typeOf(v: Json): string | string[] {
  // nft 1.0.6 writes a concatenated map data type as one string (`"ipv4_addr . inet_service"`).
  if (typeof v === 'string') return v.includes(' . ') ? v.split(' . ') : v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (isObject(v) && 'typeof' in v) return `typeof ${printExpr(v.typeof as never)}`;
  return clipJson(v);
}

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
