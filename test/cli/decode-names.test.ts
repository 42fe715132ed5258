import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { samplePath } from '../corpus.js';
import { runCliInProcess } from './run-cli-in-process.js';

const capture = samplePath('pod-egress-natgw/node1/capture.pcap');
const scratch = mkdtempSync(join(tmpdir(), 'natpath-decode-names-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const records = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as { ifIndex: number | null; interface: string | null });

describe.runIf(existsSync(capture))('decode names cooked-v2 interface indexes', () => {
  it('from the ip link / ip addr dump beside the capture (a host folder)', async () => {
    const r = await runCliInProcess(['decode', capture, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const named = records(r.stdout);
    expect(named.every((x) => x.ifIndex === null || x.interface !== null)).toBe(true);
    expect(new Set(named.map((x) => x.interface))).toEqual(new Set(['veth62608e08', 'cni0', 'eth0']));
  });

  it('and leaves them unnamed when the capture stands alone', async () => {
    const alone = join(scratch, 'capture.pcap');
    copyFileSync(capture, alone);
    const r = await runCliInProcess(['decode', alone, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(records(r.stdout).every((x) => x.interface === null && x.ifIndex !== null)).toBe(true);
  });
});
