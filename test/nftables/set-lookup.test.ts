// Set and map look-ups (src/nftables/set-lookup.ts) against the plain definition: the first
// element in set order whose key holds the value (constantMatches over every element). The index
// (hash map for exact keys, sorted ranges for IPv4/integer intervals, a scan for the rest) and
// the index built ahead from the set's declared type must give the same element for every value
// probed: each element's own values, both ends of every interval and the values just outside.
// On every named set of the corpus rulesets (both forms) and of the nft lab samples; hand-made
// sets only for what no real ruleset holds (overlapping intervals, elements that cannot be read).
// @module-tag corpus
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIpAddress, parseIpAddress } from '../../src/net/address.js';
import { formatIpv4, parseIpv4 } from '../../src/net/ipv4.js';
import type { NftExpr, NftRuleset, NftSet } from '../../src/nftables/model.js';
import { parseNftText } from '../../src/nftables/parse-nft-text.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { elementsOf, lookup, prepareSetIndex } from '../../src/nftables/set-lookup.js';
import { constantMatches, intOf, type NftValue } from '../../src/nftables/values.js';
import { HAS_CORPUS, NEEDS_CORPUS, samplePath } from '../corpus.js';
import { nftPairs } from './nft-pairs.js';

/** The definition: the first element whose key holds the value; unknown when an earlier element cannot be compared. */
function naive(list: readonly NftExpr[], v: NftValue): { kind: 'hit'; position: number } | { kind: 'miss' } | { kind: 'unknown' } {
  let unknown = false;
  const elements = elementsOf(list);
  for (let i = 0; i < elements.length; i++) {
    const m = constantMatches(v, elements[i]!.key);
    if (m === true) return { kind: 'hit', position: i };
    if (m === null) unknown = true;
  }
  return unknown ? { kind: 'unknown' } : { kind: 'miss' };
}

function comparable(r: ReturnType<typeof lookup>): { kind: string; position?: number } {
  return r.kind === 'hit' ? { kind: 'hit', position: r.position } : { kind: r.kind };
}

const unwrap = (e: NftExpr): NftExpr => (typeof e === 'object' && e !== null && !Array.isArray(e) && 'elem' in e ? e.elem.val : e);

/** Values a field of this type can take that sit on or beside this element part. */
function probesOfPart(type: string, part: NftExpr): NftValue[] {
  const c = unwrap(part);
  if (type === 'ipv4_addr' || type === 'ipv6_addr') {
    const addrs: string[] = [];
    if (typeof c === 'string') addrs.push(c);
    else if (typeof c === 'object' && c !== null && !Array.isArray(c) && 'prefix' in c && typeof c.prefix.addr === 'string') {
      const v4 = parseIpv4(c.prefix.addr);
      if (v4 !== null) {
        const size = 2 ** (32 - c.prefix.len);
        const first = v4 - (v4 % size);
        for (const n of [first - 1, first, first + size - 1, first + size]) if (n >= 0 && n <= 0xffffffff) addrs.push(formatIpv4(n));
      } else {
        addrs.push(c.prefix.addr);
      }
    } else if (typeof c === 'object' && c !== null && !Array.isArray(c) && 'range' in c) {
      for (const end of c.range) {
        const v4 = typeof end === 'string' ? parseIpv4(end) : null;
        if (v4 !== null) for (const n of [v4 - 1, v4, v4 + 1]) if (n >= 0 && n <= 0xffffffff) addrs.push(formatIpv4(n));
      }
    }
    return addrs.map((a) => parseIpAddress(a)).filter((a) => a !== null).map((a) => ({ t: 'addr', a }) as NftValue);
  }
  if (type === 'inet_service' || type === 'inet_proto' || type === 'mark' || type === 'integer') {
    const ns: number[] = [];
    const n = intOf(c);
    if (n !== null) ns.push(n - 1, n, n + 1);
    if (typeof c === 'object' && c !== null && !Array.isArray(c) && 'range' in c) {
      for (const end of c.range) {
        const e = intOf(end);
        if (e !== null) ns.push(e - 1, e, e + 1);
      }
    }
    return ns.filter((x) => x >= 0).map((x) => ({ t: 'int', n: x }));
  }
  if (type === 'ifname' && typeof c === 'string') return [{ t: 'name', s: c.replace(/\*$/, 'x0') }, { t: 'name', s: `${c}-no` }];
  return [];
}

/** Probe values for a set: per element, per field; concatenations combine each element's first probes. */
function probes(set: NftSet): NftValue[] {
  const types = typeof set.type === 'string' ? [set.type] : set.type;
  const out: NftValue[] = [];
  const elements = elementsOf(set.elem);
  // At most ~48 elements of a big set, spread over it: the naive look-up is a scan per probe.
  const step = Math.max(1, Math.ceil(elements.length / 48));
  for (let at = 0; at < elements.length; at += step) {
    const c = unwrap(elements[at]!.key);
    if (types.length === 1) {
      out.push(...probesOfPart(types[0]!, c));
      continue;
    }
    if (typeof c !== 'object' || c === null || Array.isArray(c) || !('concat' in c) || c.concat.length !== types.length) continue;
    const parts = types.map((t, i) => probesOfPart(t, c.concat[i]!));
    if (parts.some((p) => p.length === 0)) continue;
    // The element itself (middle probe of each part where there are three), and one part off.
    const centre = parts.map((p) => p[Math.min(1, p.length - 1)]!);
    out.push({ t: 'concat', parts: centre });
    out.push({ t: 'concat', parts: centre.map((v, i) => (i === centre.length - 1 ? parts[i]![0]! : v)) });
  }
  return out;
}

/** Probes every named set of a ruleset; returns how many look-ups were checked and the disagreements. */
function checkRuleset(rs: NftRuleset, where: string): { checked: number; wrong: string[] } {
  let checked = 0;
  const wrong: string[] = [];
  for (const table of rs.tables) {
    for (const set of table.sets) {
      // One copy indexed ahead from the declared type (as the host model does), one on first use.
      const ahead = [...set.elem];
      prepareSetIndex(ahead, set.type);
      const lazy = [...set.elem];
      for (const v of probes(set)) {
        const expected = JSON.stringify(naive(set.elem, v));
        const got = [JSON.stringify(comparable(lookup(lazy, v))), JSON.stringify(comparable(lookup(ahead, v)))];
        if (got[0] !== expected || got[1] !== expected) {
          wrong.push(`${where} @${set.name} ${JSON.stringify(v, (_, x) => (x instanceof Uint32Array ? [...x] : x))}: ${got.join(' / ')} ≠ ${expected}`);
        }
        checked++;
      }
    }
  }
  return { checked, wrong };
}

describe('set look-ups agree with the first matching element in set order', () => {
  it.runIf(HAS_CORPUS)('on every named set of the corpus rulesets, text and JSON', NEEDS_CORPUS, () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const p of nftPairs()) {
      const text = readFileSync(p.textFile, 'utf8');
      // Only rulesets with named sets or maps have something to check (reading is most of the time).
      if (!/^\t(set|map) /m.test(text)) continue;
      for (const r of [checkRuleset(parseNftText(text, p.textFile).value, p.textFile), checkRuleset(readNftJson(readFileSync(p.jsonFile, 'utf8'), p.jsonFile).value, p.jsonFile)]) {
        checked += r.checked;
        wrong.push(...r.wrong);
      }
    }
    expect(wrong).toEqual([]);
    // Not vacuous: the corpus holds interval, prefix, concatenated and verdict-map sets.
    expect(checked).toBeGreaterThan(1000);
  });

  it('on the nft lab samples (kube-proxy nftables mode, Docker)', () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const file of ['nodeport-nft/node1/nft-ruleset.json', 'docker-nft/docker/nft-ruleset.json']) {
      const path = samplePath(file);
      const text = join(path, '..', 'nft-ruleset.txt');
      for (const r of [checkRuleset(readNftJson(readFileSync(path, 'utf8'), path).value, path), checkRuleset(parseNftText(readFileSync(text, 'utf8'), text).value, text)]) {
        checked += r.checked;
        wrong.push(...r.wrong);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});

describe('set look-ups on what real rulesets do not hold', () => {
  const v4 = (s: string): NftValue => ({ t: 'addr', a: parseIpAddress(s)! });

  it('overlapping intervals: set order decides (the earlier element wins), as a scan does', () => {
    const list: NftExpr[] = [{ prefix: { addr: '10.0.0.0', len: 8 } }, { range: ['10.1.0.0', '10.1.0.255'] }, '10.1.0.7'];
    for (const a of ['10.1.0.7', '10.1.0.8', '10.200.0.1', '11.0.0.0']) expect(comparable(lookup(list, v4(a))), a).toEqual(naive(list, v4(a)));
    expect(comparable(lookup(list, v4('10.1.0.7')))).toEqual({ kind: 'hit', position: 0 });
  });

  it('disjoint intervals are found by halving, with exact elements before them in set order', () => {
    const list: NftExpr[] = [];
    for (let i = 0; i < 2000; i++) list.push(i % 2 === 0 ? { prefix: { addr: formatIpv4(((10 << 24) | (i << 8)) >>> 0), len: 24 } } : { range: [i * 10, i * 10 + 4] });
    list.push('10.0.2.9', 2);
    prepareSetIndex(list, 'ipv4_addr');
    for (const a of ['10.0.0.0', '10.0.2.9', '10.0.3.1', '10.19.136.255', '9.255.255.255', '11.0.0.0']) expect(comparable(lookup(list, v4(a))), a).toEqual(naive(list, v4(a)));
    for (const n of [1, 2, 10, 14, 15, 19_994, 20_000]) expect(comparable(lookup(list, { t: 'int', n })), String(n)).toEqual(naive(list, { t: 'int', n }));
  });

  it('IPv6 elements and prefixes, and an IPv4 value never matching an IPv6 element', () => {
    const list: NftExpr[] = ['2001:db8::1', { prefix: { addr: 'fd00::', len: 8 } }, '10.0.0.1'];
    const v6 = (s: string): NftValue => ({ t: 'addr', a: parseIpAddress(s)! });
    expect(comparable(lookup(list, v6('2001:db8:0::1')))).toEqual({ kind: 'hit', position: 0 });
    expect(comparable(lookup(list, v6('fd12::5')))).toEqual({ kind: 'hit', position: 1 });
    expect(comparable(lookup(list, v4('10.0.0.1')))).toEqual({ kind: 'hit', position: 2 });
    expect(formatIpAddress(parseIpAddress('2001:db8:0::1')!)).toBe('2001:db8::1');
  });

  it('concatenations: numbers and symbols of the same spelling stay apart; protocol names are numbers', () => {
    const list: NftExpr[] = [{ concat: ['10.96.0.10', 'tcp', 80] }, { concat: ['10.96.0.10', 'udp', 53] }];
    prepareSetIndex(list, ['ipv4_addr', 'inet_proto', 'inet_service']);
    const key = (proto: number, port: number): NftValue => ({ t: 'concat', parts: [v4('10.96.0.10'), { t: 'int', n: proto }, { t: 'int', n: port }] });
    expect(comparable(lookup(list, key(6, 80)))).toEqual({ kind: 'hit', position: 0 });
    expect(comparable(lookup(list, key(17, 53)))).toEqual({ kind: 'hit', position: 1 });
    expect(comparable(lookup(list, key(6, 53)))).toEqual({ kind: 'miss' });
    const names: NftExpr[] = ['6'];
    expect(comparable(lookup(names, { t: 'sym', s: '6' }))).toEqual({ kind: 'hit', position: 0 });
  });

  it('an element that cannot be compared makes a miss unknown, never a silent miss', () => {
    const list: NftExpr[] = [{ range: ['a', 'b'] } as unknown as NftExpr, '10.0.0.1'];
    expect(lookup(list, v4('10.0.0.2')).kind).toBe('unknown');
    expect(comparable(lookup(list, v4('10.0.0.1')))).toEqual({ kind: 'hit', position: 1 });
  });

  it('interface wildcards are scanned: the first matching pattern wins', () => {
    const list: NftExpr[] = ['veth*', 'vethabc', 'eth0'];
    expect(comparable(lookup(list, { t: 'name', s: 'vethabc' }))).toEqual({ kind: 'hit', position: 0 });
    expect(comparable(lookup(list, { t: 'name', s: 'eth0' }))).toEqual({ kind: 'hit', position: 2 });
    expect(comparable(lookup(list, { t: 'name', s: 'eth1' }))).toEqual({ kind: 'miss' });
  });
});
