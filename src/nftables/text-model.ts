// The text reader collects each table in nft's JSON shapes while it reads (so later `add element`,
// `flush chain` lines can amend what came before); this turns that into the model the JSON reader
// also builds (src/nftables/model.ts): tables → chains → rules, sets, objects, with sources.

import type {
  NftChain,
  NftExpr,
  NftFamily,
  NftFlowtable,
  NftHook,
  NftObject,
  NftRule,
  NftRuleset,
  NftSet,
  NftStatement,
  NftTable,
} from './model.js';
import { priorityNameValue, readInteger, type NftValue } from './text-values.js';

export type NftJsonObject = { [key: string]: NftValue };

/** A rule as read: nft's JSON rule plus where it was written and its text. */
export interface ReadRule {
  handle: number | null;
  expr: NftValue[];
  comment: string | null;
  line: number;
  text: string;
}

export interface ReadChain {
  json: NftJsonObject;
  line: number;
  rules: ReadRule[];
}

export interface ReadSetOrObject {
  /** JSON key: set, map, counter, quota, limit, ct helper, flowtable … */
  kind: string;
  json: NftJsonObject;
  line: number;
}

export interface ReadTable {
  family: string;
  name: string;
  json: NftJsonObject;
  line: number;
  /** Sets, maps and named objects in the order declared. */
  members: ReadSetOrObject[];
  /** Sets and maps by name (`add element` looks them up for every line). */
  setsByName: Map<string, ReadSetOrObject>;
  chains: Map<string, ReadChain>;
}

export function buildRuleset(tables: Iterable<ReadTable>, file: string, hasHandles: boolean): NftRuleset {
  const out: NftRuleset = { format: 'text', file, nftVersion: null, jsonSchemaVersion: null, hasHandles, tables: [] };
  for (const t of tables) out.tables.push(buildTable(t, file));
  return out;
}

function buildTable(t: ReadTable, file: string): NftTable {
  const family = t.family as NftFamily;
  const table: NftTable = {
    family,
    name: t.name,
    handle: numberOrNull(t.json.handle),
    flags: stringList(t.json.flags),
    comment: stringOrNull(t.json.comment),
    chains: [],
    chainsByName: new Map(),
    sets: [],
    setsByName: new Map(),
    objects: [],
    flowtables: [],
    source: { format: 'text', file, line: t.line },
  };
  for (const m of t.members) {
    const source = { format: 'text' as const, file, line: m.line };
    if (m.kind === 'set' || m.kind === 'map') {
      const set = buildSet(t, m, source);
      table.sets.push(set);
      table.setsByName.set(set.name, set);
    } else if (m.kind === 'flowtable') table.flowtables.push(buildFlowtable(t, m, source));
    else {
      const obj: NftObject = { family, table: t.name, kind: m.kind, name: String(m.json.name), handle: numberOrNull(m.json.handle), source };
      table.objects.push(obj);
    }
  }
  for (const ch of t.chains.values()) {
    const chain = buildChain(t, ch, file);
    table.chains.push(chain);
    table.chainsByName.set(chain.name, chain);
  }
  return table;
}

function buildChain(t: ReadTable, ch: ReadChain, file: string): NftChain {
  const j = ch.json;
  const name = String(j.name);
  const chain: NftChain = {
    family: t.family as NftFamily,
    table: t.name,
    name,
    handle: numberOrNull(j.handle),
    base: null,
    comment: stringOrNull(j.comment),
    rules: [],
    source: { format: 'text', file, line: ch.line },
  };
  if (typeof j.type === 'string' && typeof j.hook === 'string' && typeof j.prio === 'number') {
    chain.base = {
      type: j.type as 'filter' | 'nat' | 'route',
      hook: j.hook as NftHook,
      prio: j.prio,
      policy: j.policy === 'drop' ? 'drop' : 'accept',
      devices: stringList(j.dev),
    };
  }
  ch.rules.forEach((r, i) => {
    const rule: NftRule = {
      family: t.family as NftFamily,
      table: t.name,
      chain: name,
      handle: r.handle,
      index: i + 1,
      expr: r.expr as NftStatement[],
      comment: r.comment,
      text: r.text,
      source: { format: 'text', file, line: r.line },
    };
    chain.rules.push(rule);
  });
  return chain;
}

function buildSet(t: ReadTable, m: ReadSetOrObject, source: NftSet['source']): NftSet {
  const j = m.json;
  return {
    family: t.family as NftFamily,
    table: t.name,
    name: String(j.name),
    handle: numberOrNull(j.handle),
    kind: m.kind as 'set' | 'map',
    type: (j.type as string | string[] | undefined) ?? 'unknown',
    map: (j.map as string | string[] | undefined) ?? null,
    flags: stringList(j.flags),
    timeoutSeconds: numberOrNull(j.timeout),
    size: numberOrNull(j.size),
    policy: stringOrNull(j.policy),
    comment: stringOrNull(j.comment),
    elem: (j.elem as NftExpr[] | undefined) ?? [],
    source,
  };
}

/** A flowtable's words (`hook ingress priority 0; devices = { "eth0", "eth1" };`), kept as read. */
function buildFlowtable(t: ReadTable, m: ReadSetOrObject, source: NftFlowtable['source']): NftFlowtable {
  const words = typeof m.json.text === 'string' ? m.json.text.split(' ') : [];
  const hookAt = words.indexOf('hook');
  const prioAt = words.indexOf('priority');
  const devAt = words.indexOf('devices');
  const prioWord = prioAt >= 0 ? (words[prioAt + 1] ?? '') : '';
  const prio = readInteger(prioWord) ?? priorityNameValue(prioWord, t.family) ?? 0;
  const devices: string[] = [];
  if (devAt >= 0) for (let i = devAt + 1; i < words.length && words[i] !== 'counter' && words[i] !== 'flags'; i++) if (words[i] !== '=') devices.push(words[i]!);
  return {
    family: t.family as NftFamily,
    table: t.name,
    name: String(m.json.name),
    handle: numberOrNull(m.json.handle),
    hook: hookAt >= 0 ? (words[hookAt + 1] ?? '') : '',
    prio,
    devices,
    source,
  };
}

function numberOrNull(v: NftValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

function stringOrNull(v: NftValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

function stringList(v: NftValue | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}
