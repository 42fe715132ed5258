// End to end with a real kernel: the lab records a scenario now, analyze must reproduce the
// truth.json the lab read back from that run. Needs root and the lab's tools, so it runs only
// when asked (NATPATH_LAB_E2E=1, as .ci/run does); the committed samples cover the rest.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { PROJECT_ROOT } from '../corpus.js';
import { differences, type Truth } from './truth.js';

const enabled = process.env.NATPATH_LAB_E2E === '1' && process.getuid?.() === 0;

describe.runIf(enabled)('lab end to end', () => {
  it('records pod-egress-natgw in namespaces and analyze reproduces its truth', async () => {
    const out = mkdtempSync(join(tmpdir(), 'natpath-lab-'));
    try {
      execFileSync('bash', [join(PROJECT_ROOT, 'samples', 'lab', 'lab.sh'), '--out', out, 'pod-egress-natgw'], { stdio: ['ignore', 'ignore', 'inherit'] });
      const truth = JSON.parse(readFileSync(join(out, 'pod-egress-natgw', 'truth.json'), 'utf8')) as Truth;
      const report = await runAnalyze({ paths: [join(out, 'pod-egress-natgw')], hosts: [] });
      expect(differences(report, truth)).toEqual([]);
      expect(truth.partnerSees).toEqual(['203.0.113.7']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
