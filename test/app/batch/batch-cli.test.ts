// `natpath batch` end to end on the lab samples (the built CLI, case processes and all): copies of
// the samples, one of them as a .tgz, and a deliberately broken case; re-runs skip unchanged
// cases; shards partition the cases and merge back into the same summary. The built CLI's main()
// runs in process (test/cli/run-cli-in-process.ts) and forks its case processes as in a real run;
// one run is a process of its own, for the exit status a scheduler sees.

import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCases } from '../../../src/app/batch/find-cases.js';
import { inShard, parseShard, shardFromJobIndex, shardOfName } from '../../../src/app/batch/shard.js';
import type { SummaryRow } from '../../../src/app/batch/summary.js';
import { runCli } from '../../cli/run-cli.js';
import { runCliInProcess } from '../../cli/run-cli-in-process.js';
import { samplePath } from '../../corpus.js';
import { readTruth } from '../../match/truth.js';

const SCENARIOS = ['pod-egress-natgw', 'pod-egress-natgw-blind', 'pod-to-pod-vxlan', 'clusterip-cross-node', 'nodeport', 'ipv6-pod-egress'];
const scratch = mkdtempSync(join(tmpdir(), 'natpath-batch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cases = join(scratch, 'cases');
mkdirSync(cases);
for (const s of SCENARIOS) cpSync(samplePath(s), join(cases, s), { recursive: true });
execFileSync('tar', ['-czf', join(cases, 'natgw-archived.tgz'), '-C', samplePath(''), 'pod-egress-natgw']);
// Broken: a capture cut after 3000 bytes and a file of garbage.
mkdirSync(join(cases, 'broken', 'node1'), { recursive: true });
writeFileSync(join(cases, 'broken', 'node1', 'capture.pcapng'), readFileSync(samplePath('nodeport/node1/capture.pcapng')).subarray(0, 3000));
writeFileSync(join(cases, 'broken', 'node1', 'notes.bin'), Buffer.from([0, 1, 2, 3]));
const ALL = [...SCENARIOS, 'natgw-archived', 'broken'].sort();

/** A process's environment as text, or '' (gone, or not ours to read). */
function environOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return '';
  }
}

function readRows(dir: string): SummaryRow[] {
  return readFileSync(join(dir, 'summary.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SummaryRow);
}

describe('natpath batch', () => {
  const out = join(scratch, 'out');

  it('analyses every case on 2 workers, records the broken one and exits 1', async () => {
    const r = await runCliInProcess(['batch', join(cases, '*'), '--out', out, '--jobs', '2', '--formats', 'json,markdown,csv']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('2 worker(s)');
    expect(r.stderr).toMatch(/\[\d\/8\] broken: input-errors/);
    const rows = readRows(out);
    expect(rows.map((x) => x.case)).toEqual(ALL);
    const byCase = new Map(rows.map((x) => [x.case, x]));
    expect(byCase.get('broken')!.status).toBe('input-errors');
    expect(byCase.get('broken')!.errors).toBeGreaterThan(0);
    for (const s of [...SCENARIOS, 'natgw-archived']) {
      const row = byCase.get(s)!;
      expect(row.status, s).toBe('ok');
      expect(row.skipped).toBe(false);
      expect(row.unexplained).toBe(0);
      for (const f of ['report.json', 'report.md', 'report.csv']) expect(existsSync(join(out, s, f))).toBe(true);
      // The egress addresses are those the lab's truth says the servers saw.
      const truth = readTruth(s === 'natgw-archived' ? 'pod-egress-natgw' : s);
      expect([...row.egress].sort(), s).toEqual([...truth.partnerSees].sort());
    }
    expect(byCase.get('natgw-archived')!.egress).toEqual(['203.0.113.7']);
    expect(byCase.get('natgw-archived')!.answers).toEqual(byCase.get('pod-egress-natgw')!.answers);
    const report = JSON.parse(readFileSync(join(out, 'nodeport', 'report.json'), 'utf8'));
    expect(report.schema).toBe('natpath.analyze/1');
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^case,status,skipped,error,hosts,captures,packets,flows,translations,unexplained,leaks,egress,/);
    expect(csv).toHaveLength(ALL.length + 1);
  });

  it('skips unchanged cases on a re-run, re-runs a changed one, and --force re-runs all', async () => {
    const again = await runCliInProcess(['batch', join(cases, '*'), '--out', out, '--formats', 'json,markdown']);
    expect(again.code).toBe(1);
    expect(readRows(out).every((x) => x.skipped)).toBe(true);
    appendFileSync(join(cases, 'nodeport', 'node1', 'ip-rule.txt'), '\n');
    await runCliInProcess(['batch', join(cases, '*'), '--out', out, '--formats', 'json']);
    const rows = readRows(out);
    expect(rows.filter((x) => !x.skipped).map((x) => x.case)).toEqual(['nodeport']);
    // A format not made before means the case must be analysed again.
    await runCliInProcess(['batch', join(cases, 'pod-to-pod-vxlan'), '--out', out, '--formats', 'table']);
    expect(readRows(out).find((x) => x.case === 'pod-to-pod-vxlan')!.skipped).toBe(false); // the other cases' rows stay (issue 16)
    await runCliInProcess(['batch', join(cases, '*'), '--out', out, '--force']);
    expect(readRows(out).some((x) => x.skipped)).toBe(false);
  });

  it('exits 0 when every case succeeds (the status of the process itself)', () => {
    const r = runCli(['batch', join(cases, 'pod-*'), join(cases, '*.tgz'), '--out', join(scratch, 'good'), '--jobs', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(readRows(join(scratch, 'good')).map((x) => x.case)).toEqual(['natgw-archived', 'pod-egress-natgw', 'pod-egress-natgw-blind', 'pod-to-pod-vxlan']);
  });

  // Processes are found by their environment in /proc (Linux).
  it.skipIf(!existsSync('/proc/self/environ'))('returns only once its case processes have ended (none left without a parent, their CPU counted)', () => {
    // A case process that takes 0.5 s to end once the pool lets it go (as one with a large heap
    // does): loaded by NODE_OPTIONS into every Node of the run, it acts only in a forked child.
    const marker = `natpath-batch-test-${process.pid}-${Date.now()}`;
    const slowEnd = join(scratch, 'slow-end.cjs');
    writeFileSync(slowEnd, "if (process.send) process.on('disconnect', () => { const end = Date.now() + 500; while (Date.now() < end); });\n");
    const r = runCli(['batch', join(cases, 'pod-egress-natgw'), '--out', join(scratch, 'reaped'), '--jobs', '1', '--force'], {
      NODE_OPTIONS: `--require ${slowEnd}`,
      NATPATH_TEST_MARKER: marker,
    });
    expect(r.code, r.stderr).toBe(0);
    // Any process of this run still alive carries the marker in its environment.
    const alive = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && environOf(pid).includes(marker));
    expect(alive).toEqual([]);
  });

  it('shards partition the cases; JOB_COMPLETION_INDEX picks the same shard; --merge joins them and notices a missing one', async () => {
    const dirs = [1, 2, 3].map((i) => join(scratch, `shard-${i}`));
    for (const [i, dir] of dirs.entries()) await runCliInProcess(['batch', join(cases, '*'), '--out', dir, '--shard', `${i + 1}/3`]);
    const parts = dirs.map((d) => readRows(d).map((x) => x.case));
    expect(parts.flat().sort()).toEqual(ALL);
    expect(new Set(parts.flat()).size).toBe(ALL.length);
    for (const x of readRows(dirs[1]!)) expect(x.shard).toBe('2/3');
    const k8s = join(scratch, 'k8s-1');
    await runCliInProcess(['batch', join(cases, '*'), '--out', k8s, '--shards', '3'], { JOB_COMPLETION_INDEX: '1' });
    expect(readRows(k8s).map((x) => x.case)).toEqual(parts[1]);

    const merged = join(scratch, 'merged');
    const m = await runCliInProcess(['batch', '--merge', ...dirs, '--out', merged]);
    expect(m.code).toBe(1); // the broken case
    const rows = readRows(merged);
    expect(rows.map((x) => x.case)).toEqual(ALL);
    const np = rows.find((x) => x.case === 'nodeport')!;
    expect(existsSync(join(merged, np.reportDir, 'report.json'))).toBe(true);
    const missing = await runCliInProcess(['batch', '--merge', dirs[0]!, dirs[2]!, '--out', join(scratch, 'merged-2')]);
    expect(missing.stderr).toContain('shard 2/3 is missing');
    expect(missing.code).toBe(1);
  });

  it('kills a case over --worker-memory, records it as failed, goes on, and retries it next time', async () => {
    // 4 000 connections of replicated lab traffic (bench/scaling.mjs): the case's process grows
    // to ~250 MB resident, most of it typed arrays outside the JavaScript heap (a heap limit alone
    // let it through). --worker-memory caps the whole process (Node itself ~60 MB): nodeport's
    // process peaks at ~80 MB and passes, the big case is killed at 120.
    const { makeCase, readTemplate } = await import('../../../bench/scaling.mjs');
    const host = samplePath('pod-egress-natgw/node1');
    const dir = join(scratch, 'heavy');
    makeCase(join(dir, 'big'), host, await readTemplate(join(host, 'capture.pcap')), 40 * 2 ** 20);
    cpSync(samplePath('nodeport'), join(dir, 'nodeport'), { recursive: true });
    const out2 = join(scratch, 'heavy-out');
    const r = await runCliInProcess(['batch', join(dir, '*'), '--out', out2, '--jobs', '1', '--worker-memory', '120']);
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const [big, nodeport] = readRows(out2);
    expect(big!.status).toBe('failed');
    expect(big!.error).toMatch(/^the worker analysing this case stopped: memory limit of 120 MB reached \(--worker-memory\): 12\d MB resident$/);
    expect(big!.seconds).toBeGreaterThan(0);
    expect(nodeport!.status).toBe('ok');
    const again = await runCliInProcess(['batch', join(dir, '*'), '--out', out2, '--jobs', '1']);
    expect(again.code, again.stderr).toBe(0);
    expect(readRows(out2).map((x) => `${x.case} ${x.status} ${x.skipped}`)).toEqual(['big ok false', 'nodeport ok true']);
    // Its own time limit: the retry analyses the 40 MiB case whole; at load 21–26
    // in a full npm test that took over the default 60 s.
  }, 240_000);

  it('refuses bad options with exit 2', async () => {
    expect((await runCliInProcess(['batch', cases, '--out', join(scratch, 'x'), '--shard', '4/3'])).code).toBe(2);
    expect((await runCliInProcess(['batch', cases, '--out', join(scratch, 'x'), '--formats', 'pdf'])).code).toBe(2);
    expect((await runCliInProcess(['batch', cases, '--out', join(scratch, 'x'), '--worker-memory', '8'])).code).toBe(2);
    expect((await runCliInProcess(['batch', cases, '--out', join(scratch, 'x'), '--worker-memory', '63'])).code).toBe(2);
    // A glob that matches nothing leaves no case: "nothing usable", the same code as every command's.
    expect((await runCliInProcess(['batch', join(scratch, 'nothing-*'), '--out', join(scratch, 'x')])).code).toBe(66);
    const noIndex = await runCliInProcess(['batch', cases, '--out', join(scratch, 'x'), '--shards', '3'], { JOB_COMPLETION_INDEX: '' });
    expect(noIndex.code).toBe(2);
    expect(noIndex.stderr).toContain('JOB_COMPLETION_INDEX');
  });
});

describe('finding and sharding cases', () => {
  it('expands globs, names archives without their extension and keeps names unique', async () => {
    const found = await findCases([join(cases, 'pod-*'), join(cases, '*.tgz'), join(cases, 'pod-egress-natgw'), join(scratch, 'none-*')]);
    expect(found.cases.map((c) => `${c.name}:${c.kind}`)).toEqual(['natgw-archived:archive', 'pod-egress-natgw:folder', 'pod-egress-natgw-blind:folder', 'pod-to-pod-vxlan:folder']);
    expect(found.problems.map((p) => p.message)).toEqual(['matches no file or folder']);
    // A folder is a case only when it holds a capture or snapshot (an empty one is skipped, with a note).
    const dup = join(scratch, 'dup', 'nodeport');
    mkdirSync(join(dup, 'node1'), { recursive: true });
    expect((await findCases([dup])).skipped.map((s) => s.message)).toEqual(['holds no capture or snapshot: not a case, skipped']);
    cpSync(samplePath('nodeport/node1/iptables-save.txt'), join(dup, 'node1', 'iptables-save.txt'));
    const both = await findCases([join(cases, 'nodeport'), dup]);
    expect(both.cases.map((c) => c.name).sort()).toEqual(['nodeport', 'nodeport-2']);
  });

  it('assigns each name to exactly one shard, spread over all of them', () => {
    const names = Array.from({ length: 400 }, (_, i) => ({ name: `incident-${i}` }));
    const counts = [1, 2, 3, 4].map((i) => inShard(names, { index: i, count: 4 }).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(400);
    for (const c of counts) expect(c).toBeGreaterThan(70);
    expect(shardOfName('incident-7', 4)).toBe(shardOfName('incident-7', 4));
    expect(parseShard('0/3')).toBeNull();
    expect(parseShard('3/3')).toEqual({ index: 3, count: 3 });
    expect(shardFromJobIndex(3, { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 3 });
    expect(shardFromJobIndex(3, { JOB_COMPLETION_INDEX: '3' })).toMatch(/not an index/);
  });
});
