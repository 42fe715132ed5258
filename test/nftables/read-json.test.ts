// The JSON reader on every nft -j dump of the corpus, on damaged copies of one, and on hand-made
// bad shapes (the only hand-made bytes here: malformed input).
// @module-tag corpus

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNftJson } from '../../src/nftables/read-json.js';
import { formatDiagnostic } from '../../src/text/diagnostic.js';
import { corpusPath } from '../corpus.js';
import { nftJsonFiles } from './corpus-pairs.js';

function countItems(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of (JSON.parse(text) as { nftables: object[] }).nftables) {
    const key = Object.keys(item)[0]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('readNftJson on the corpus', () => {
  let files: string[];
  beforeAll(() => {
    files = nftJsonFiles();
  });

  it('reads every corpus JSON dump with the same tables, chains, rules, sets and maps as the document lists', () => {
    expect(files.length).toBeGreaterThan(390);
    let rules = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const { value, issues } = readNftJson(text, file);
      const counts = countItems(text);
      const tables = value.tables;
      const got = {
        table: tables.length,
        chain: tables.reduce((n, t) => n + t.chains.length, 0),
        rule: tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0),
        set: tables.reduce((n, t) => n + t.sets.filter((s) => s.kind === 'set').length, 0),
        map: tables.reduce((n, t) => n + t.sets.filter((s) => s.kind === 'map').length, 0),
      };
      const want = { table: counts.get('table') ?? 0, chain: counts.get('chain') ?? 0, rule: counts.get('rule') ?? 0, set: counts.get('set') ?? 0, map: counts.get('map') ?? 0 };
      expect({ file, ...got }).toEqual({ file, ...want });
      expect(issues.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
      rules += got.rule;
    }
    expect(rules).toBeGreaterThan(5800);
  });

  it('types every statement of the corpus (no rule left unknown)', () => {
    const unknown: string[] = [];
    for (const file of files) {
      const { issues } = readNftJson(readFileSync(file, 'utf8'), file);
      for (const d of issues) if (d.code === 'nftables.json-unknown') unknown.push(formatDiagnostic(d));
    }
    expect(unknown).toEqual([]);
  });

  it('keeps rule handles and names each rule by its JSON path', () => {
    const file = corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.json');
    const { value } = readNftJson(readFileSync(file, 'utf8'), file);
    expect(value.hasHandles).toBe(true);
    expect(value.nftVersion).toBe('1.0.6');
    const table = value.tables.find((t) => t.name === 'kube-proxy')!;
    const chain = table.chainsByName.get('nat-prerouting')!;
    expect(chain.base).toEqual({ type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept', devices: [] });
    const rule = chain.rules[0]!;
    expect(rule.text).toBe('jump services');
    expect(rule.handle).toBeGreaterThan(0);
    expect(rule.source.format).toBe('json');
    expect(rule.source.format === 'json' && /^\$\.nftables\[\d+\]\.rule$/.test(rule.source.path)).toBe(true);
  });
});

describe('readNftJson on damaged input', () => {
  const file = corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.json');
  let whole: string;
  let wholeRules: number;
  beforeAll(() => {
    whole = readFileSync(file, 'utf8');
    wholeRules = readNftJson(whole, file).value.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
  });

  it('keeps the complete items before a cut, at every 97th byte, and never throws', () => {
    let lastRules = -1;
    for (let cut = 0; cut < whole.length; cut += 97) {
      const { value, issues } = readNftJson(whole.slice(0, cut), file);
      const rules = value.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
      expect(issues.some((d) => d.code === 'nftables.json-syntax' && d.severity === 'error' && d.place.offset !== undefined)).toBe(true);
      expect(rules).toBeGreaterThanOrEqual(lastRules); // a longer prefix never keeps less
      expect(rules).toBeLessThanOrEqual(wholeRules);
      lastRules = rules;
    }
    expect(lastRules).toBeGreaterThan(wholeRules - 3);
  });

  it('names the JSON path of a damaged item and keeps the rest', () => {
    const doc = {
      nftables: [
        { table: { family: 'ip', name: 'nat', handle: 1 } },
        { chain: { family: 'ip', table: 'nat', name: 'pre', handle: 1, type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' } },
        { chain: { family: 'ipx', table: 'nat', name: 'bad' } },
        { rule: { family: 'ip', table: 'nat', chain: 'pre', handle: 2, expr: [{ frobnicate: { x: 1 } }, { accept: null }] } },
        { rule: { family: 'ip', table: 'nat', chain: 'pre', handle: 3, expr: [{ match: { op: '~', left: { meta: { key: 'mark' } }, right: 1 } }] } },
        { rule: { family: 'ip', table: 'nat', chain: 'later', handle: 4, expr: [{ drop: null }] } },
        42,
        { mystery: {} },
      ],
    };
    const { value, issues } = readNftJson(JSON.stringify(doc), 'bad.json');
    const lines = issues.map(formatDiagnostic);
    expect(lines).toContain('bad.json $.nftables[2].chain.family: warning: expected "family" to be ip, ip6, inet, arp, bridge or netdev, found "ipx"; skipped');
    expect(lines).toContain('bad.json $.nftables[3].rule.expr[0].frobnicate: warning: unknown statement "frobnicate": the rule is evaluated as unknown');
    expect(lines).toContain('bad.json $.nftables[4].rule.expr[0].match.op: warning: unknown match operator "~": the rule is evaluated as unknown');
    expect(lines.some((l) => l.startsWith('bad.json $.nftables[5].rule: warning: chain later'))).toBe(true);
    expect(lines.some((l) => l.startsWith('bad.json $.nftables[6]: warning: expected an object with one key'))).toBe(true);
    expect(lines.some((l) => l.startsWith('bad.json $.nftables[7].mystery: warning: unknown ruleset item "mystery"'))).toBe(true);
    const nat = value.tables[0]!;
    expect(nat.chains.map((c) => c.name)).toEqual(['pre', 'later']);
    const pre = nat.chainsByName.get('pre')!;
    expect(pre.rules.map((r) => r.text)).toEqual(['{"frobnicate":{"x":1}} accept', '{"match":{"op":"~","left":{"meta":{"key":"mark"}},"right":1}}']);
    expect('unknown' in pre.rules[0]!.expr[0]!).toBe(true);
  });

  it('says what it expected of a document that is not a ruleset', () => {
    const { value, issues } = readNftJson('{"iptables": []}', 'x.json');
    expect(value.tables).toEqual([]);
    expect(issues.map(formatDiagnostic)).toEqual(['x.json $: error: expected {"nftables": [ … ]} (nft -j list ruleset), found {"iptables":[]}']);
  });

  it('bounds expression nesting (hostile: 100 000 levels of "&") with a diagnostic, not a stack overflow', () => {
    const depth = 100_000;
    const left = `${'{"&":['.repeat(depth)}{"meta":{"key":"mark"}}${',1]}'.repeat(depth)}`;
    const doc = `{"nftables":[{"table":{"family":"ip","name":"t"}},{"chain":{"family":"ip","table":"t","name":"c"}},{"rule":{"family":"ip","table":"t","chain":"c","expr":[{"match":{"op":"==","left":${left},"right":1}}]}}]}`;
    const { value, issues } = readNftJson(doc, 'deep.json');
    expect(issues.some((d) => d.message.startsWith('expressions nested deeper than 64 levels'))).toBe(true);
    expect(value.tables[0]!.chains[0]!.rules).toHaveLength(1);
  });
});
