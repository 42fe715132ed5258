// The one problem collector every reader uses: severities from the registry, folding, the bound
// on listed problems, and the closing counts; then two readers on lab dumps buried in damage.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../corpus.js';
import { parseIptablesSave } from '../../src/netfilter/parse-iptables-save.js';
import { parseIpRoute } from '../../src/route/parse-ip-route.js';
import { cleanDumpText } from '../../src/text/junk-lines.js';
import { MAX_LISTED_PROBLEMS, ProblemCollector, problemAt } from '../../src/text/problem-collector.js';

const NODE1 = join(PROJECT_ROOT, 'samples', 'nodeport', 'node1');

describe('ProblemCollector', () => {
  it('takes the severity from the registry unless told otherwise, and places problems in its file', () => {
    const c = new ProblemCollector('dump.txt');
    c.report('route.unknown-word', 'w', 3);
    c.report('route.unknown-word', 'w', { line: 4, column: 2 }, { severity: 'info' });
    c.report('case.unreadable', 'x', { file: 'other.txt' });
    expect(c.finish()).toEqual([
      { code: 'route.unknown-word', severity: 'warning', message: 'w', place: { file: 'dump.txt', line: 3 } },
      { code: 'route.unknown-word', severity: 'info', message: 'w', place: { file: 'dump.txt', line: 4, column: 2 } },
      { code: 'case.unreadable', severity: 'error', message: 'x', place: { file: 'other.txt' } },
    ]);
    expect(problemAt('trace.ipvs-not-simulated', 'm', { file: 'f' })).toEqual({ code: 'trace.ipvs-not-simulated', severity: 'info', message: 'm', place: { file: 'f' } });
  });

  it('folds a key into its first occurrence with a count; reportOnce keeps the first and counts nothing', () => {
    const c = new ProblemCollector('f');
    c.fold('a', 'iptables.unknown-match', 'first', 7);
    c.fold('a', 'iptables.unknown-match', 'second', 9);
    c.fold('a', 'iptables.unknown-match', 'third', 11, { count: 5 });
    c.fold('b', 'iptables.unknown-match', 'other', 8);
    c.reportOnce('loop', 'sim.chain-loop', 'once', 2);
    c.reportOnce('loop', 'sim.chain-loop', 'again', 3);
    const out = c.finish();
    expect(out.map((d) => [d.message, d.place.line, d.count])).toEqual([['first', 7, 7], ['other', 8, 1], ['once', 2, undefined]]);
    expect(c.hasOnce('loop')).toBe(true);
  });

  it('counts skipped lines and JSON objects, and says so at the end at the registry\'s severity', () => {
    const c = new ProblemCollector('r.json', 'route');
    c.skip(4, 'route.bad-line', 'bad');
    c.skip(5, 'route.bad-line', 'bad');
    c.skipObject('route.bad-object', 'no dst');
    expect(c.skipped).toBe(3);
    expect(c.hasErrors()).toBe(true);
    const closing = c.finish().slice(3);
    expect(closing.map((d) => [d.code, d.severity, d.count])).toEqual([['route.skipped-lines', 'warning', 2], ['route.skipped-objects', 'warning', 1]]);
  });

  it('lists at most its bound, counts the rest, and keeps the reader\'s own counts whatever the bound', () => {
    const c = new ProblemCollector('f', 'conntrack', 3);
    for (let i = 1; i <= 10; i++) c.skip(i, 'conntrack.bad-line', `line ${i}`);
    c.fold('k', 'conntrack.count-mismatch', 'folded after the bound', 11, { count: 4 });
    c.summarize('nft.skipped-statements', 'a count', 99);
    c.addAll([problemAt('text.junk-line', 'nested', { file: 'g', line: 1 })]);
    const out = c.finish();
    expect(out.filter((d) => d.code === 'conntrack.bad-line').map((d) => d.place.line)).toEqual([1, 2, 3]);
    expect(out.slice(3).map((d) => [d.code, d.count])).toEqual([
      ['nft.skipped-statements', 99],
      ['conntrack.skipped-lines', 10],
      // 7 lines, the 4 folded occurrences and the nested one
      ['text.problems-not-listed', 12],
    ]);
  });
});

describe('readers on lab dumps buried in damage', () => {
  const damage = (text: string, n: number): string => {
    const lines = text.split('\n');
    const junk = Array.from({ length: n }, (_, i) => `%% garbage ${i} %%`);
    return [...lines.slice(0, 3), ...junk, ...lines.slice(3)].join('\n');
  };

  it('iptables-save: every rule kept, 1000 problems listed, the rest counted, every skipped line counted', () => {
    const text = readFileSync(join(NODE1, 'iptables-save.txt'), 'utf8');
    const clean = parseIptablesSave(text, 'iptables-save.txt');
    const bad = parseIptablesSave(damage(text, 5000), 'iptables-save.txt');
    const rules = (r: typeof clean): number => r.value.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
    expect(rules(bad)).toBe(rules(clean));
    expect(rules(clean)).toBeGreaterThan(10);
    const listed = bad.issues.filter((d) => d.code === 'iptables.unrecognised-line');
    expect(listed).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(listed[0]!.place).toEqual({ file: 'iptables-save.txt', line: 4 });
    expect(bad.issues.find((d) => d.code === 'iptables.skipped-lines')?.count).toBe(5000);
    expect(bad.issues.find((d) => d.code === 'text.problems-not-listed')?.count).toBe(5000 - MAX_LISTED_PROBLEMS + clean.issues.length);
  });

  it('ip route with NUL-damaged lines: junk blanked and bounded, routes kept', () => {
    const text = readFileSync(join(NODE1, 'ip-route.txt'), 'utf8');
    const routes = parseIpRoute(text, 'ip-route.txt').value.routes.length;
    const damaged = text + Array.from({ length: 3000 }, () => 'x\u0000y').join('\n');
    const cleaned = cleanDumpText(damaged, 'ip-route.txt');
    expect(cleaned.issues.filter((d) => d.code === 'text.junk-line')).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(cleaned.issues.at(-1)).toMatchObject({ code: 'text.problems-not-listed', count: 3000 - MAX_LISTED_PROBLEMS });
    expect(parseIpRoute(cleaned.text, 'ip-route.txt').value.routes).toHaveLength(routes);
    expect(routes).toBeGreaterThan(0);
  });
});

describe('the registry is the type', () => {
  it('a code that is not in the registry does not compile', () => {
    const c = new ProblemCollector('f');
    // The checks are the two @ts-expect-error lines: `npm run typecheck` fails if either call compiles.
    // @ts-expect-error — a misspelt code is a type error (and has no severity to look up)
    expect(() => c.report('iptables.unknown-matches', 'misspelt')).toThrow(TypeError);
    // @ts-expect-error — a skipped-lines count needs a reader prefix that has such a code
    expect(new ProblemCollector('f', 'nft').prefix).toBe('nft');
    expect(c.list()).toEqual([]);
  });
});
