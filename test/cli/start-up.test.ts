// Every run of natpath pays for what the CLI loads before a command's handler: the format
// registries and renderers (the HTML report among them) are loaded by the handlers that render,
// never at start-up (~30 ms measured: docs/decisions.md).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../corpus.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { DECODE_FORMATS } from '../../src/report/decode-formats.js';
import { INSPECT_FORMATS } from '../../src/report/inspect-formats.js';
import { TRACE_FORMATS } from '../../src/report/trace-formats.js';
import { ANALYZE_FORMAT_NAMES, DECODE_FORMAT_NAMES, INSPECT_FORMAT_NAMES, TRACE_FORMAT_NAMES } from '../../src/report/format-names.js';

describe('CLI start-up', () => {
  it('loads no renderer before a command runs', () => {
    // What main.js loads before a handler runs: its static imports, followed through dist/
    // (a handler's `await import(…)` is not followed). No format registry or renderer among them.
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/^import (?:[^'"]* from )?'(\.{1,2}\/[^']+)';$/gm)) visit(join(dirname(file), m[1]!));
    };
    visit(join(PROJECT_ROOT, 'dist', 'cli', 'main.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].map((f) => relative(join(PROJECT_ROOT, 'dist'), f)).filter((f) => /^report\/(.*-formats|render-.*|html\/.*)\.js$/.test(f))).toEqual([]);
  });

  it('starts from the bundle, which holds every module the code starts by URL', async () => {
    const { bundleEntries } = (await import(join(PROJECT_ROOT, 'scripts', 'bundle.mjs'))) as { bundleEntries: () => Record<string, string> };
    const entries = bundleEntries();
    // The workers natpath starts today; a new one is found by the same pattern.
    expect(entries).toMatchObject({ natpath: 'dist/cli/launch.js', 'flow-worker': 'dist/flow/flow-worker.js', 'case-child': 'dist/app/batch/case-child.js' });
    for (const name of Object.keys(entries)) expect(existsSync(join(PROJECT_ROOT, 'dist', 'bundle', `${name}.js`)), name).toBe(true);
    expect(readFileSync(join(PROJECT_ROOT, 'bin', 'natpath.js'), 'utf8')).toContain('../dist/bundle/natpath.js');
    const version = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).version as string;
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'natpath.js'), '--version'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(version);
  });

  it('lists the formats each registry renders, in its order', () => {
    expect(Object.keys(ANALYZE_FORMATS)).toEqual([...ANALYZE_FORMAT_NAMES]);
    expect(Object.keys(DECODE_FORMATS)).toEqual([...DECODE_FORMAT_NAMES]);
    expect(Object.keys(INSPECT_FORMATS)).toEqual([...INSPECT_FORMAT_NAMES]);
    expect(Object.keys(TRACE_FORMATS)).toEqual([...TRACE_FORMAT_NAMES]);
  });
});
