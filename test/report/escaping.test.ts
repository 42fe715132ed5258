// Reports opened elsewhere (issue 16): values from the inputs — host folder names (a tar entry or
// a folder name can hold a line break), interface names, rule comments, file names — stay text in
// Markdown and cannot start a formula in CSV. The same hostile report goes through every format.

import { describe, expect, it } from 'vitest';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { neutraliseFormula, safeCsvRows } from '../../src/report/csv-cell.js';
import { code, plain } from '../../src/report/escape-markdown.js';
import { renderAnalyzeHtml } from '../../src/report/html/render-html.js';
import { makeFlow, makeReport } from './html/synthetic.js';

const HOST = 'node1\n# Injected heading\n<img src=x onerror=alert(1)>';
const IFACE = 'eth0|x|`y`';
const COMMENT = '</code><script>alert(2)</script> [link](http://evil.example) &lt;b&gt; **bold** ~~gone~~';
const FORMULA = '=HYPERLINK("http://evil.example","click")';

function hostileReport() {
  const flow = makeFlow(
    1,
    [
      { host: HOST, iface: IFACE, src: '10.0.0.1:1000', dst: '198.51.100.10:80' },
      { host: HOST, iface: FORMULA, src: '203.0.113.7:1000', dst: '198.51.100.10:80' },
      { host: '@partner', iface: '+eth0', src: '203.0.113.7:1000', dst: '198.51.100.10:80' },
    ],
    'tcp',
    { ruleText: `-A POSTROUTING -m comment --comment "${COMMENT}" -j MASQUERADE` },
  );
  const report = makeReport([flow]);
  report.diagnostics.push({ code: 'text.junk-line', severity: 'warning', file: `${HOST}.txt`, line: 3, message: COMMENT });
  return report;
}

/** The Markdown with its code spans taken out: a run of n backticks up to the next run of exactly n (CommonMark). */
function withoutCodeSpans(md: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = /`+/g;
    open.lastIndex = at;
    const m = open.exec(md);
    if (m === null) return out + md.slice(at);
    out += md.slice(at, m.index);
    const close = new RegExp(`(?<!\`)${m[0]}(?!\`)`, 'g');
    close.lastIndex = m.index + m[0].length;
    const c = close.exec(md);
    if (c === null) return out + md.slice(m.index);
    at = c.index + m[0].length;
  }
}

describe('Markdown', () => {
  const md = ANALYZE_FORMATS.markdown(hostileReport());
  const lines = md.split('\n');

  it('no value from the inputs starts a line, a heading, HTML, a link or emphasis', () => {
    expect(lines.filter((l) => l.startsWith('#')).every((l) => /^#{1,2} (natpath analysis|Answer|Path \d+ of \d+|Clocks|Inputs|Problems)/.test(l))).toBe(true);
    // Inside code spans (CommonMark) nothing is markup; outside them every `<`, `[`, `&`, `*` from the data is escaped.
    const outsideCode = withoutCodeSpans(md);
    expect(outsideCode).not.toMatch(/(^|[^\\])<(img|script|\/code)/m);
    expect(outsideCode).not.toMatch(/(^|[^\\])\[link\]\(/);
    expect(outsideCode).not.toMatch(/(^|[^\\])&lt;/);
    expect(outsideCode).not.toMatch(/(^|[^\\])\*\*bold/);
    expect(md).toContain('\\<img src=x onerror=alert(1)\\>');
    expect(lines.some((l) => l.startsWith('# Injected'))).toBe(false);
  });

  it('table rows keep their column count whatever the interface names hold', () => {
    const rows = lines.filter((l) => l.startsWith('| '));
    expect(rows.length).toBeGreaterThan(2);
    const columns = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    expect(new Set(rows.map(columns)).size).toBe(1);
  });

  it('escapes: code spans fence their backticks and flatten line breaks; plain text escapes markup', () => {
    expect(code('a`b\nc')).toBe('``a`b c``');
    expect(code('`x`')).toBe('`` `x` ``');
    expect(plain('a\r\n# b <i> & [c](d) *e* _f_ ~g~ |h|')).toBe('a \\# b \\<i\\> \\& \\[c\\](d) \\*e\\* \\_f\\_ \\~g\\~ \\|h\\|');
    expect(plain('x\u2028y\u0000z')).toBe('x y z');
  });
});

describe('CSV', () => {
  it('no text cell starts a formula (=, +, -, @, tab, CR); numbers stay numbers', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(neutraliseFormula(`${start}1+2`)).toBe(`'${start}1+2`);
    expect(neutraliseFormula('eth0')).toBe('eth0');
    expect(safeCsvRows([['=1', -5, '-A X', 'ok']])).toBe(`'=1,-5,'-A X,ok\n`);
  });

  it('the analyze CSV of a hostile report holds no cell that a spreadsheet would evaluate', () => {
    const csv = ANALYZE_FORMATS.csv(hostileReport());
    const cells = csv.split('\n').flatMap((l) => l.split(',')).map((c) => c.replace(/^"/, ''));
    expect(cells.filter((c) => /^[=+@\t\r-]/.test(c))).toEqual([]);
    expect(csv).toContain(`'${FORMULA.replaceAll('"', '""')}`);
    expect(csv).toContain("'+eth0");
    expect(csv).toContain("'@partner");
  });
});

describe('HTML keeps its escaping for the new payloads', () => {
  const page = renderAnalyzeHtml(hostileReport());
  it('line breaks, pipes, backticks and formulas stay text; no markup from the data', () => {
    expect(page.match(/<script>/g)).toHaveLength(1);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('alert(2)</script>');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)');
  });
});
