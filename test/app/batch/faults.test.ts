// Batch under faults (issue 16): a case that runs past --case-timeout is stopped and marked with
// the reason while the batch goes on and writes its summary; an output path that cannot be
// written is a usage error naming the path (exit 2), never an internal error (exit 70).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../cli/run-cli-in-process.js';
import { samplePath } from '../../corpus.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-batch-faults-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('natpath batch under faults', () => {
  it('a case past --case-timeout is stopped and marked with the reason; summary.ndjson is written', async () => {
    const out = join(scratch, 'timeout');
    const r = await runCliInProcess(['batch', samplePath('pod-egress-natgw'), samplePath('nodeport'), '--out', out, '--jobs', '1', '--case-timeout', '0.01']);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(1);
    const rows = readFileSync(join(out, 'summary.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.case, x.status, x.error])).toEqual([
      ['nodeport', 'failed', 'the worker analysing this case stopped: time limit of 0.01 s reached (--case-timeout)'],
      ['pod-egress-natgw', 'failed', 'the worker analysing this case stopped: time limit of 0.01 s reached (--case-timeout)'],
    ]);
    expect((await runCliInProcess(['batch', samplePath('pod-egress-natgw'), '--out', join(scratch, 'ok')])).code).toBe(0);
    expect((await runCliInProcess(['batch', samplePath('pod-egress-natgw'), '--out', out, '--case-timeout', '0'])).code).toBe(2);
  }, 120_000);

  it('an output path that cannot be written is a usage error naming it', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    for (const out of [file, join(file, 'reports')]) {
      const r = await runCliInProcess(['batch', samplePath('pod-egress-natgw'), '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`natpath batch: --out ${out}: cannot be written (a file is in the way of a folder)`);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it('a re-run with a narrower glob keeps the other cases\' rows in summary.ndjson', async () => {
    const out = join(scratch, 'narrow');
    expect((await runCliInProcess(['batch', samplePath('pod-egress-natgw'), samplePath('nodeport'), '--out', out, '--jobs', '1'])).code).toBe(0);
    const first = readFileSync(join(out, 'summary.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect((await runCliInProcess(['batch', samplePath('nodeport'), '--out', out, '--force'])).code).toBe(0);
    const second = readFileSync(join(out, 'summary.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(second.map((r) => r.case)).toEqual(['nodeport', 'pod-egress-natgw']);
    expect(second[1]).toEqual(first.find((r) => r.case === 'pod-egress-natgw'));
    expect(second[0].finishedAt).not.toBe(first.find((r) => r.case === 'nodeport').finishedAt);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
  }, 120_000);
});
