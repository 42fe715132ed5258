// `--threads N` and NATPATH_THREADS (decode --summary's flow-counting thread): checked the same
// way from the flag and the environment, the flag winning, and the totals the same either way.
// (analyze read captures on worker threads with --threads until issue 14 removed it: no gain
// on 2 cores, docs/decisions.md; analyze now refuses the option as unknown.)

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES, labScenarios } from '../match/truth.js';
import { runCliInProcess } from './run-cli-in-process.js';

describe.runIf(labScenarios().includes('nodeport'))('--threads and NATPATH_THREADS', () => {
  const capture = join(SAMPLES, 'nodeport', 'node1', 'capture.pcapng');
  const strip = (text: string) => text.replace(/"(processingSeconds|packetsPerSecond)": [\d.e+-]+/g, '');

  it('decode --summary counts the same with --threads 1, 2 and by default', async () => {
    const one = await runCliInProcess(['decode', capture, '--summary', '--format', 'json', '--threads', '1']);
    const two = await runCliInProcess(['decode', capture, '--summary', '--format', 'json', '--threads', '2']);
    const auto = await runCliInProcess(['decode', capture, '--summary', '--format', 'json']);
    expect(one.code).toBe(0);
    expect(strip(two.stdout)).toBe(strip(one.stdout));
    expect(strip(auto.stdout)).toBe(strip(one.stdout));
  });

  it('takes a whole number ≥ 1, from the flag or the environment, the flag winning', async () => {
    for (const bad of ['0', '1.5', 'many']) {
      const r = await runCliInProcess(['decode', capture, '--summary', '--threads', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain('--threads expects a whole number');
    }
    const one = await runCliInProcess(['decode', capture, '--summary', '--format', 'json', '--threads', '1']);
    const fromEnv = await runCliInProcess(['decode', capture, '--summary', '--format', 'json'], { NATPATH_THREADS: '1' });
    expect(strip(fromEnv.stdout)).toBe(strip(one.stdout));
    expect((await runCliInProcess(['decode', capture, '--summary', '--threads', '2'], { NATPATH_THREADS: 'x' })).code).toBe(0);
    const badEnv = await runCliInProcess(['decode', capture, '--summary'], { NATPATH_THREADS: '0' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('NATPATH_THREADS expects a whole number ≥ 1, got 0');
  });

  it('analyze has no --threads any more (captures are read one by one)', async () => {
    const r = await runCliInProcess(['analyze', join(SAMPLES, 'nodeport'), '--threads', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option or argument --threads');
  });
});
