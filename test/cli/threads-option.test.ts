// `--threads N` and NATPATH_THREADS (decode --summary's flow-counting thread, analyze's captures
// read at once): checked the same way from the flag and the environment, the flag winning, and
// the results the same either way.

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

  it('analyze takes --threads the same way, and the report does not depend on it', async () => {
    const sample = join(SAMPLES, 'nodeport');
    const one = await runCliInProcess(['analyze', sample, '--format', 'json', '--threads', '1']);
    const two = await runCliInProcess(['analyze', sample, '--format', 'json', '--threads', '2']);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const bad = await runCliInProcess(['analyze', sample, '--threads', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--threads expects a whole number');
    const badEnv = await runCliInProcess(['analyze', sample], { NATPATH_THREADS: 'many' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('NATPATH_THREADS expects a whole number ≥ 1, got many');
  });
});
