// The terminal text (80 and 200 columns) and Markdown of `natpath analyze`, and the text of
// `inspect` and `trace`, pinned on every lab sample (test/golden/*.txt, *.md). The samples are
// read from their relative paths, as a user in the project folder types them, so the file names
// in the output are the ones people see.

import { describe, expect, it } from 'vitest';
import { textWidth } from '../../src/report/text-layout.js';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { runInspect } from '../../src/app/inspect.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { INSPECT_FORMATS } from '../../src/report/inspect-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { PROJECT_ROOT } from '../corpus.js';
import { expectGolden } from './golden.js';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const SCENARIOS = readdirSync(join(PROJECT_ROOT, 'samples')).filter((s) => existsSync(join(PROJECT_ROOT, 'samples', s, 'truth.json'))).sort();
const style = makeStyle(false);
// Fixed, so that the files change only when the rendering does.
const provenance = { caseName: '', commandLine: '', version: '0.0.0-golden', madeAt: '2026-01-01T00:00:00.000Z' };

describe.each(SCENARIOS)('golden renderings of samples/%s', (scenario) => {
  const path = `samples/${scenario}`;
  it('analyze: text at 80 and 200 columns, Markdown', async () => {
    process.chdir(PROJECT_ROOT);
    const report = await runAnalyze({ paths: [path], hosts: [] });
    for (const width of [80, 200]) {
      const text = ANALYZE_FORMATS.table(report, { style, width });
      expectGolden(`${scenario}.analyze.${width}.txt`, text);
      expect(linesWiderThan(text, width), `lines wider than ${width}`).toEqual([]);
    }
    expectGolden(
      `${scenario}.analyze.md`,
      ANALYZE_FORMATS.markdown(report, { style, width: Infinity, provenance: { ...provenance, caseName: scenario, commandLine: `natpath analyze ${path} --format markdown` } }),
    );
  });

  it('inspect: text at 80 columns', async () => {
    process.chdir(PROJECT_ROOT);
    const report = await runInspect({ paths: [path], hosts: [] });
    const text = INSPECT_FORMATS.table(report, { style, width: 80 });
    expectGolden(`${scenario}.inspect.80.txt`, text);
    expect(linesWiderThan(text, 80)).toEqual([]);
  });
});

function linesWiderThan(text: string, width: number): string[] {
  return text.split('\n').filter((l) => textWidth(l) > width);
}
