// nftables dumps as a case sees them: recognised by content (text, nft -f scripts, JSON), the
// inspect facts of each form agreeing with the other, and the JSON preferred when a host has both.
// @module-tag corpus
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recognizeBytes } from '../../src/case/recognize-file.js';
import { runInspect } from '../../src/app/inspect.js';
import { loadCase } from '../../src/case/load-case.js';
import { loadHost } from '../../src/sim/load-host.js';
import { parseNftText } from '../../src/nftables/parse-nft-text.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { summarizeNftRuleset, type NftSummary } from '../../src/nftables/summarize.js';
import { describeFacts } from '../../src/report/render-inspect-table.js';
import { CORPUS_ROOT, corpusPath } from '../corpus.js';
import { nftPairs } from './nft-pairs.js';

const root = mkdtempSync(join(tmpdir(), 'natpath-nft-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function recognizeAs(path: string, name = 'dump.txt') {
  // A neutral name: content alone must decide.
  return recognizeBytes(new Uint8Array(readFileSync(path)), true, name);
}

function nftFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(join(CORPUS_ROOT, 'nftables'));
  walk(join(CORPUS_ROOT, 'kube-proxy-nft'));
  return out.sort();
}

describe('recognising nftables dumps by content', () => {
  it('every corpus listing, nft -f script and kube-proxy transaction is nft-ruleset; every nft -j dump is nft-ruleset-json', () => {
    let text = 0;
    let json = 0;
    for (const f of nftFiles()) {
      if (/\.nft$|\.list\.txt$|ruleset\.txt$/.test(f)) {
        if (readFileSync(f, 'utf8').trim() === '') continue;
        expect(recognizeAs(f).kind, f).toBe('nft-ruleset');
        text++;
      } else if (/\.json$|\.json-nft$/.test(f) && !f.endsWith('meta.json') && !f.includes('cases')) {
        expect(recognizeAs(f, 'dump.json').kind, f).toBe('nft-ruleset-json');
        json++;
      }
    }
    expect(text).toBeGreaterThan(450);
    expect(json).toBeGreaterThan(390);
  });

  it('a big nft -j dump is told from its first 64 KiB', () => {
    const whole = readFileSync(corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.json'));
    expect(recognizeBytes(new Uint8Array(whole.subarray(0, 2000)), false, 'x').kind).toBe('nft-ruleset-json');
  });

  it('iptables-save from iptables-nft is still iptables-save, and a chain without its table says what is missing', () => {
    expect(recognizeAs(corpusPath('kube-proxy/TestOverallIPTablesRules/iptables-save.txt')).kind).toBe('iptables-save');
    const r = recognizeBytes(new TextEncoder().encode('chain input {\n\ttype filter hook input priority 0; policy accept;\n}\n'), true, 'x');
    expect(r.kind).toBe('unrecognised');
    expect(r.kind === 'unrecognised' && r.reason).toMatch(/without its `table` line/);
  });
});

describe('inspect facts of nftables dumps', () => {
  it('tables, chains, rules and set elements agree between the text and the JSON of every corpus pair', () => {
    const pairs = nftPairs();
    expect(pairs.length).toBeGreaterThan(390);
    for (const p of pairs) {
      const t = summarizeNftRuleset(parseNftText(readFileSync(p.textFile, 'utf8'), p.textFile).value);
      const j = summarizeNftRuleset(readNftJson(readFileSync(p.jsonFile, 'utf8'), p.jsonFile).value);
      const counts = (f: NftSummary) => ({
        tables: f.tables.map((x) => `${x.family} ${x.name} ${x.chains} ${x.rules}`),
        chains: f.chains,
        rules: f.rules,
        sets: f.sets,
        elements: f.elements,
        baseChains: f.tables.flatMap((x) => x.baseChains),
      });
      expect(counts(t), p.name).toEqual(counts(j));
    }
  });

  it('a kube-proxy host: hooks with priorities and policies, verdict maps with their elements', () => {
    const f = corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.txt');
    const facts = summarizeNftRuleset(parseNftText(readFileSync(f, 'utf8'), f).value);
    const table = facts.tables[0]!;
    expect(table).toMatchObject({ family: 'ip', name: 'kube-proxy' });
    expect(table.baseChains).toContainEqual({ name: 'filter-prerouting-pre-dnat', type: 'filter', hook: 'prerouting', priority: -110, policy: 'accept', rules: 1 });
    expect(table.baseChains).toContainEqual({ name: 'nat-postrouting', type: 'nat', hook: 'postrouting', priority: 100, policy: 'accept', rules: 1 });
    expect(table.sets).toContainEqual({ name: 'service-ips', kind: 'map', type: 'ipv4_addr . inet_proto . inet_service', elements: 9 });
    const line = describeFacts({ type: 'nftables', ...facts });
    expect(line).toContain('ip kube-proxy: 32 chains');
    expect(line).toContain('nat-prerouting (nat prerouting -100 accept');
  });

  it('a host with both forms: the JSON is used, the text is listed and says why it is not', async () => {
    const host = join(root, 'both', 'node1');
    mkdirSync(host, { recursive: true });
    copyFileSync(corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.txt'), join(host, 'nft.txt'));
    copyFileSync(corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.json'), join(host, 'nft.json'));
    const only = join(root, 'text-only', 'node2');
    mkdirSync(only, { recursive: true });
    writeFileSync(join(only, 'ruleset'), readFileSync(corpusPath('nftables/openwrt-fw4/02_zones_02_masq.list.txt')));
    const report = await runInspect({ paths: [join(root, 'both'), join(root, 'text-only')], hosts: [] });
    const both = report.hosts.find((h) => h.name === 'node1')!;
    expect(both.nftables).toEqual({ format: 'json', files: [join(host, 'nft.json')], ignored: [join(host, 'nft.txt')] });
    const textFile = both.files.find((f) => f.path.endsWith('nft.txt'))!;
    expect(textFile.kind).toBe('nft-ruleset');
    expect(textFile.diagnostics.map((d) => d.code)).toContain('case.nft-text-not-used');
    expect(both.files.find((f) => f.path.endsWith('nft.json'))!.facts).toMatchObject({ type: 'nftables', format: 'json', handles: true, rules: 57 });
    const textOnly = report.hosts.find((h) => h.name === 'node2')!;
    expect(textOnly.nftables?.format).toBe('text');
    expect(textOnly.files[0]!.facts).toMatchObject({ type: 'nftables', format: 'text', handles: false });
    expect(report.totals.snapshots).toBe(3);
  });
});

describe('the rules a host is simulated with', () => {
  it('come from the JSON when both forms are given, from the text otherwise; the unused text is named', async () => {
    const both = join(root, 'sim-both', 'node1');
    mkdirSync(both, { recursive: true });
    copyFileSync(corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.txt'), join(both, 'nft.txt'));
    copyFileSync(corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.json'), join(both, 'nft.json'));
    const input = await loadCase({ paths: [both], hosts: [] });
    const loaded = await loadHost(input.hosts[0]!, []);
    expect(loaded.files).toEqual([{ path: join(both, 'nft.json'), kind: 'nft-ruleset-json' }]);
    expect(loaded.diagnostics.find((d) => d.code === 'case.nft-text-not-used')?.place.file).toBe(join(both, 'nft.txt'));
    expect(loaded.model.nft.baseChains.map((b) => b.chain.source.format)).toContain('json');

    const textOnly = join(root, 'sim-text', 'node1');
    mkdirSync(textOnly, { recursive: true });
    copyFileSync(corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.txt'), join(textOnly, 'nft.txt'));
    const fromText = await loadHost((await loadCase({ paths: [textOnly], hosts: [] })).hosts[0]!, []);
    expect(fromText.files).toEqual([{ path: join(textOnly, 'nft.txt'), kind: 'nft-ruleset' }]);
    const chains = fromText.model.nft.baseChains;
    expect(chains.length).toBe(8);
    expect(chains.every((b) => b.chain.source.format === 'text')).toBe(true);
  });

  it('a table dumped twice is simulated once, with a warning naming both files', async () => {
    const twice = join(root, 'sim-twice', 'node1');
    mkdirSync(twice, { recursive: true });
    copyFileSync(corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.json'), join(twice, 'a.json'));
    copyFileSync(corpusPath('kube-proxy-nft/TestOverallNFTablesRules/ruleset.json'), join(twice, 'b.json'));
    const loaded = await loadHost((await loadCase({ paths: [twice], hosts: [] })).hosts[0]!, []);
    expect(loaded.model.nft.baseChains.length).toBe(8);
    const warning = loaded.diagnostics.find((d) => d.code === 'trace.nft-table-twice')!;
    expect(warning.place.file).toBe(join(twice, 'b.json'));
    expect(warning.message).toContain(join(twice, 'a.json'));
  });
});
