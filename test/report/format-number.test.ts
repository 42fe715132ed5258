import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { countWas, formatCount } from '../../src/report/format-number.js';
import { isMultiPoint } from '../../src/report/path-groups.js';
import { renderAnalyzeMarkdown } from '../../src/report/render-analyze-markdown.js';
import { renderAnalyzeText } from '../../src/report/render-analyze-text.js';
import { makeStyle } from '../../src/report/terminal.js';
import { samplePath } from '../corpus.js';

describe('formatCount', () => {
  it('writes what toLocaleString("en-US") writes, without loading ICU', () => {
    const values = [0, -0, 1, 7, 12, 999, 1000, 1001, 12345, 999999, 1000000, 1234567.891, 0.5, 0.0004, 0.0005, 2.25, -1234.5,
      -0.0001, 2 ** 31, 2 ** 53, 1e20, 123456789012, 1.9995, 99.9999, NaN, Infinity, -Infinity];
    for (let i = 0; i < 2000; i++) values.push(Math.round(Math.sin(i) * 10 ** (i % 16)), Math.sin(i) * 10 ** (i % 12));
    for (const v of values) expect(formatCount(v), String(v)).toBe(v.toLocaleString('en-US'));
  });
});

describe('countWas', () => {
  it('agrees the noun and the verb with the count', () => {
    expect(countWas(1, 'flow')).toBe('1 flow was');
    expect(countWas(0, 'flow')).toBe('0 flows were');
    expect(countWas(11, 'flow')).toBe('11 flows were');
    expect(countWas(12345, 'flow')).toBe('12,345 flows were');
  });

  // A real case (nodeport: 4 flows seen at one capture point) cut to one such flow.
  it.runIf(existsSync(samplePath('nodeport')))("reads '1 flow was seen at one capture point' in the text and Markdown reports", async () => {
    const report = await runAnalyze({ paths: [samplePath('nodeport')], hosts: [] });
    const single = report.flows.filter((f) => !isMultiPoint(f));
    expect(single.length).toBeGreaterThan(1);
    const cut = { ...report, flows: report.flows.filter((f) => isMultiPoint(f) || f === single[0]) };
    const text = renderAnalyzeText(cut, { style: makeStyle(false), width: 400, verbose: false });
    const markdown = renderAnalyzeMarkdown(cut, { verbose: false });
    expect(text).toContain('1 flow was seen at one capture point only');
    expect(markdown).toContain('1 flow was seen at one capture point only');
    expect(renderAnalyzeText(report, { style: makeStyle(false), width: 400, verbose: false })).toContain(`${single.length} flows were seen at one capture point only`);
  });
});
