// A translation made by an nftables rule is named the same way in every analyze format — table,
// Markdown, CSV, JSON and the HTML report with its path diagram: family, table, chain, handle,
// the rule's text and where it was read (the JSON path for nft -j input).

import { describe, expect, it } from 'vitest';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { makeFlow, makeReport, podEgressPath } from './html/synthetic.js';

function nftReport() {
  const flow = makeFlow(1, podEgressPath(40001), 'tcp', { ruleText: 'oifname "eth0" masquerade fully-random' });
  for (const t of flow.translations) {
    if (t.rule === null) continue;
    Object.assign(t.rule, { table: 'kube-proxy', chain: 'masquerading', ruleNumber: 3, file: 'node1/nft-ruleset.json', line: null, jsonPath: '$.nftables[57].rule', nft: { family: 'ip', handle: 55 } });
  }
  return makeReport([flow]);
}

describe('an nft rule in every analyze format', () => {
  const report = nftReport();
  const name = 'ip kube-proxy/masquerading handle 55';

  it('table and Markdown: name, text and JSON path', () => {
    for (const text of [ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: 200 }), ANALYZE_FORMATS.markdown(report)]) {
      expect(text).toContain(name);
      expect(text).toContain('node1/nft-ruleset.json $.nftables[57].rule');
      expect(text).toContain('oifname "eth0" masquerade fully-random');
    }
  });

  it('CSV: rule text and rule_ref', () => {
    const csv = ANALYZE_FORMATS.csv(report);
    expect(csv.split('\n')[0]).toContain(',rule,rule_ref,');
    expect(csv).toContain(`${name} (node1/nft-ruleset.json $.nftables[57].rule)`);
  });

  it('JSON: nft {family, handle} and jsonPath', () => {
    const json = JSON.parse(ANALYZE_FORMATS.json(report)) as { flows: Array<{ translations: Array<{ rule: Record<string, unknown> | null }> }> };
    const rule = json.flows[0]!.translations.find((t) => t.rule !== null)!.rule!;
    expect(rule).toMatchObject({ table: 'kube-proxy', chain: 'masquerading', nft: { family: 'ip', handle: 55 }, jsonPath: '$.nftables[57].rule', line: null });
  });

  it('HTML: the flow list and the path diagram name the rule', () => {
    const html = ANALYZE_FORMATS.html(report);
    const mentions = html.split(name).length - 1;
    expect(mentions).toBeGreaterThanOrEqual(2);
    expect(html).toContain('$.nftables[57].rule');
  });

  it('a problem in an nft -j dump is placed by its JSON path in table, Markdown and HTML', () => {
    const withProblem = nftReport();
    withProblem.diagnostics.push({ code: 'nftables.json-unknown', severity: 'warning', file: 'node1/nft-ruleset.json', jsonPath: '$.nftables[3].rule.expr[0].frobnicate', message: 'unknown statement "frobnicate": the rule is evaluated as unknown' });
    for (const text of [ANALYZE_FORMATS.table(withProblem, { style: makeStyle(false), width: 200 }), ANALYZE_FORMATS.markdown(withProblem), ANALYZE_FORMATS.html(withProblem)]) {
      // Markdown escapes brackets (\\[); what it renders is the path.
      expect(text.replace(/\\/g, '')).toContain('node1/nft-ruleset.json $.nftables[3].rule.expr[0].frobnicate');
    }
  });
});
