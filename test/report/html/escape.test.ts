import { describe, expect, it } from 'vitest';
import { html, joinHtml, raw } from '../../../src/report/html/escape.js';
import { renderAnalyzeHtml } from '../../../src/report/html/render-html.js';
import { makeFlow, makeReport } from './synthetic.js';

const HOSTILE = `<img src=x onerror=alert(1)>"'&</script><script>alert(2)</script>`;

describe('html tag', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const out = html`<p title="${HOSTILE}">${HOSTILE}</p>`.value;
    expect(out).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;">' +
        '&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;</p>',
    );
  });

  it('keeps markup made by the tag, joins arrays, drops null/false and non-finite numbers', () => {
    const inner = html`<b>${'a<b'}</b>`;
    expect(html`<p>${inner}${[1, '<', null, false, undefined, Number.NaN]}</p>`.value).toBe('<p><b>a&lt;b</b>1&lt;</p>');
    expect(joinHtml(['<', raw('<i>')], ', ').value).toBe('&lt;, <i>');
  });
});

describe('a report with hostile names', () => {
  const flow = makeFlow(
    1,
    [
      { host: HOSTILE, iface: `eth0"><svg onload=alert(3)>`, src: '10.0.0.1:1000', dst: '198.51.100.10:80' },
      { host: HOSTILE, iface: 'eth1', src: '203.0.113.7:1000', dst: '198.51.100.10:80' },
      { host: 'partner', iface: '</text></svg><script>alert(4)</script>', src: '203.0.113.7:1000', dst: '198.51.100.10:80' },
    ],
    'tcp',
    { ruleText: `-A POSTROUTING -m comment --comment "${HOSTILE}" -j MASQUERADE` },
  );
  const report = makeReport([flow]);
  report.hosts[0]!.captures[0]!.file = `case/${HOSTILE}/capture.pcap`;
  report.diagnostics.push({ code: 'text.junk-line', severity: 'warning', file: `${HOSTILE}.txt`, line: 3, message: HOSTILE });
  const page = renderAnalyzeHtml(report);

  it('contains no markup from the data: only the report\'s own script and tags', () => {
    expect(page.match(/<script>/g)).toHaveLength(1);
    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/<svg onload/);
    expect(page).not.toContain('alert(2)</script>');
    expect(page).not.toMatch(/="[^"]*"[^ >]*onerror/);
  });

  it('shows the hostile strings as text', () => {
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&lt;/script&gt;');
    expect(page).toContain('eth0&quot;&gt;&lt;svg onload=alert(3)&gt;');
  });

  it('forbids every fetch with a Content-Security-Policy and references nothing outside the file', () => {
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(page).not.toMatch(/@import|url\((?!#)/);
  });
});
