// docs/kubernetes-batch.md's Job must work: its container command, run once per completion index
// with the volumes pointed at temporary folders, then its merge command, give every case once.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, samplePath } from '../../corpus.js';

const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'kubernetes-batch.md'), 'utf8');
const manifest = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
const command = /args:\n\s+- (.*)\n/.exec(manifest)![1]!;
const merge = /natpath batch --merge .*/.exec(doc)![0];
const completions = Number(/completions: (\d+)/.exec(manifest)![1]);

const scratch = mkdtempSync(join(tmpdir(), 'natpath-k8s-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the Indexed Job of docs/kubernetes-batch.md', () => {
  it('covers every case once across its completions, and the merge joins them', () => {
    const cases = join(scratch, 'cases');
    const reports = join(scratch, 'reports');
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    mkdirSync(reports);
    const names = ['pod-egress-natgw', 'nodeport', 'clusterip-cross-node', 'pod-to-pod-vxlan', 'ipv6-pod-egress', 'pod-egress-natgw-blind'];
    for (const s of names) cpSync(samplePath(s), join(cases, s), { recursive: true });
    // `natpath` on the PATH, as the image installs it.
    writeFileSync(join(bin, 'natpath'), `#!/bin/sh\nexec "${process.execPath}" "${join(PROJECT_ROOT, 'bin', 'natpath.js')}" "$@"\n`, { mode: 0o755 });
    const local = (text: string) => text.replaceAll("'/cases/", `'${cases}/`).replaceAll('/reports/', `${reports}/`);
    expect(completions).toBe(4);
    expect(command).toContain(`--shards ${completions}`);
    for (let index = 0; index < completions; index++) {
      const r = spawnSync('sh', ['-c', local(command)], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, JOB_COMPLETION_INDEX: String(index) }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    const m = spawnSync('sh', ['-c', local(merge)], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(m.status, m.stderr).toBe(0);
    const rows = readFileSync(join(reports, 'all', 'summary.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.case).sort()).toEqual([...names].sort());
    expect(rows.every((r) => r.status === 'ok')).toBe(true);
  });
});
