// Captures read at once on worker threads give the very report reading them one by one gives:
// on every lab scenario, on a damaged capture (its problems and byte offsets included), and
// when the worker cannot start (read on the calling thread instead).

import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze, type AnalyzeOptions } from '../../src/app/analyze-case.js';
import { PROJECT_ROOT } from '../corpus.js';
import { SAMPLES, labScenarios } from '../match/truth.js';

// The worker runs compiled code: `npm test` builds before it tests.
const workerUrl = new URL(`file://${join(PROJECT_ROOT, 'dist', 'flow', 'collect-worker.js')}`);
const parallel: AnalyzeOptions = { threads: 2, parallelFromBytes: 0, collectWorkerUrl: workerUrl };
const scratch = mkdtempSync(join(tmpdir(), 'natpath-parallel-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function bothWays(path: string, options: AnalyzeOptions = parallel) {
  const oneByOne = await runAnalyze({ paths: [path], hosts: [] }, { threads: 1 });
  const labels: string[] = [];
  const failures: string[] = [];
  const atOnce = await runAnalyze(
    { paths: [path], hosts: [] },
    { ...options, onFile: (label) => labels.push(label), onWorkerFailure: (file, why) => failures.push(`${file}: ${why}`) },
  );
  return { oneByOne, atOnce, labels, failures };
}

describe('captures read on worker threads', () => {
  for (const scenario of labScenarios()) {
    it(`give the same report: ${scenario}`, async () => {
      const { oneByOne, atOnce, labels, failures } = await bothWays(join(SAMPLES, scenario));
      const captures = atOnce.hosts.flatMap((h) => h.captures).length;
      expect(captures).toBeGreaterThan(1);
      expect(labels).toEqual([`${captures} captures`]);
      expect(failures).toEqual([]);
      expect(atOnce).toEqual(oneByOne);
    });
  }

  it.runIf(labScenarios().includes('pod-egress-natgw'))('keep what a damaged capture held, and say where it broke', async () => {
    const damaged = join(scratch, 'damaged');
    cpSync(join(SAMPLES, 'pod-egress-natgw'), damaged, { recursive: true });
    const file = join(damaged, 'node1', 'capture.pcap');
    // Cut in the middle of a record: the reader keeps every packet before it and reports the offset.
    truncateSync(file, Math.floor(readFileSync(file).length * 0.6));
    const { oneByOne, atOnce, failures } = await bothWays(damaged);
    expect(failures).toEqual([]);
    const problems = atOnce.diagnostics.filter((d) => d.file.endsWith(join('node1', 'capture.pcap')));
    expect(problems.some((d) => d.offset !== undefined)).toBe(true);
    expect(atOnce).toEqual(oneByOne);
  });

  it.runIf(labScenarios().includes('nodeport'))('fall back to this thread when the worker cannot start', async () => {
    const missing = new URL(`file://${join(scratch, 'no-such-worker.js')}`);
    const { oneByOne, atOnce, failures } = await bothWays(join(SAMPLES, 'nodeport'), { ...parallel, collectWorkerUrl: missing });
    expect(failures.length).toBe(atOnce.hosts.flatMap((h) => h.captures).length);
    expect(atOnce).toEqual(oneByOne);
  });
});

describe('LegTable.toState / fromState', () => {
  it('carries every column of the table (a column added later cannot be forgotten)', async () => {
    const { LegTable } = await import('../../src/flow/leg-table.js');
    const { Column } = await import('../../src/flow/columns.js');
    const table = new LegTable();
    const columns = Object.entries(table)
      .filter(([, v]) => v instanceof Column)
      .map(([k]) => k)
      .sort();
    expect(Object.keys(table.toState().columns).sort()).toEqual(columns);
  });
});

describe.runIf(labScenarios().includes('nodeport'))('--threads and NATPATH_THREADS', () => {
  it('takes a whole number ≥ 1 and prints the same report whatever it is', async () => {
    const { runCli } = await import('../cli/run-cli.js');
    const path = join(SAMPLES, 'nodeport');
    const one = runCli(['analyze', path, '--threads', '1', '--format', 'json']);
    const two = runCli(['analyze', path, '--threads', '2', '--format', 'json']);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    for (const bad of ['0', '1.5', 'many']) {
      const r = runCli(['analyze', path, '--threads', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain('--threads expects a whole number');
    }
    // The environment sets the default for every command; the flag wins over it.
    const fromEnv = runCli(['analyze', path, '--format', 'json'], { NATPATH_THREADS: '1' });
    expect(fromEnv.stdout).toBe(one.stdout);
    expect(runCli(['analyze', path, '--threads', '2'], { NATPATH_THREADS: 'x' }).code).toBe(0);
    const badEnv = runCli(['analyze', path], { NATPATH_THREADS: '0' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('NATPATH_THREADS expects a whole number ≥ 1, got 0');
  });

  it('decode --summary counts the same with --threads 1', async () => {
    const { runCli } = await import('../cli/run-cli.js');
    const capture = join(SAMPLES, 'nodeport', 'node1', 'capture.pcapng');
    const strip = (text: string) => text.replace(/"(processingSeconds|packetsPerSecond)": [\d.e+-]+/g, '');
    const one = runCli(['decode', capture, '--summary', '--format', 'json', '--threads', '1']);
    const auto = runCli(['decode', capture, '--summary', '--format', 'json']);
    expect(one.code).toBe(0);
    expect(strip(one.stdout)).toBe(strip(auto.stdout));
    expect(runCli(['decode', capture, '--summary', '--threads', '0']).code).toBe(2);
  });
});
