// The bench's C reference (bench/c-reference/flowcount.c, libpcap) and `natpath decode --summary`
// must count the same distinct flows: the bench fails when they differ on its generated files,
// and this test holds them together on every real capture of the lab samples (pcap and pcapng,
// Ethernet and Linux cooked, VXLAN). Needs a C compiler and libpcap-dev (`.ci/run` installs them);
// without them it is skipped with the reason.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/index.js';
import { decodePacket, Has, PacketView } from '../../src/decode/index.js';
import { PROJECT_ROOT } from '../corpus.js';

const binary = join(mkdtempSync(join(tmpdir(), 'natpath-cref-')), 'flowcount');
const build = spawnSync(process.env.CC ?? 'cc', ['-O2', '-o', binary, join(PROJECT_ROOT, 'bench', 'c-reference', 'flowcount.c'), '-lpcap'], { encoding: 'utf8' });
const buildProblem = build.status === 0 ? null : (build.error?.message ?? build.stderr.trim().split('\n').slice(-1)[0]);
if (buildProblem) process.stderr.write(`c-reference.test: skipped, the C reference does not build here (${buildProblem}); install gcc and libpcap-dev\n`);

/** Every uncompressed capture of the shipped samples (libpcap does not read gzip). */
function sampleCaptures(): string[] {
  const root = join(PROJECT_ROOT, 'samples');
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(pcap|pcapng)$/.test(name)) found.push(path);
    }
  };
  walk(root);
  return found.sort();
}

/** Distinct flows as natpath's decoder sees them, as exact text keys (the same key as FlowCounter's). */
async function natpathExactFlows(file: string): Promise<number> {
  const view = new PacketView();
  const flows = new Set<string>();
  await readCaptureFile(file, (r) => {
    decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
    const d = view.flowDepth;
    if (d < 0) return;
    const words = view.ipVersion[d] === 4 ? [view.src4[d]!, view.dst4[d]!] : [...view.addr6.subarray(d * 8, d * 8 + 8)];
    const half = words.length / 2;
    const ports = (view.has[d]! & Has.PORTS) !== 0 ? [view.srcPort[d]!, view.dstPort[d]!] : [0, 0];
    const a = `${words.slice(0, half).join(':')}/${ports[0]}`;
    const b = `${words.slice(half).join(':')}/${ports[1]}`;
    const proto = (view.has[d]! & Has.L4) !== 0 ? view.l4Proto[d]! : 255;
    flows.add(`${view.ipVersion[d]} ${d} ${proto} ${a < b ? `${a} ${b}` : `${b} ${a}`}`);
  });
  return flows.size;
}

function natpathSummaryFlows(file: string): number {
  const out = execFileSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'natpath.js'), 'decode', file, '--summary', '--format', 'json'], { encoding: 'utf8' });
  return (JSON.parse(out) as { flows: number }).flows;
}

describe.skipIf(buildProblem !== null)('the C reference of the bench', () => {
  it("counts the flows natpath's decoder finds on every lab capture", async () => {
    const captures = sampleCaptures();
    expect(captures.length).toBeGreaterThanOrEqual(16);
    const disagreements: string[] = [];
    for (const file of captures) {
      const c = JSON.parse(execFileSync(binary, [file], { encoding: 'utf8' })) as { flows: number; packets: number };
      expect(c.packets).toBeGreaterThan(0);
      const n = await natpathExactFlows(file);
      if (n !== c.flows) disagreements.push(`${file}: natpath ${n}, C ${c.flows}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('and decode --summary (its flow table) gives the same count as the exact set', () => {
    const pcapng = sampleCaptures().find((f) => f.endsWith('.pcapng'))!;
    const c = JSON.parse(execFileSync(binary, [pcapng], { encoding: 'utf8' })) as { flows: number };
    expect(natpathSummaryFlows(pcapng)).toBe(c.flows);
  });

  it('prints the per-packet flow of a VXLAN packet at tunnel depth 1 (FLOWCOUNT_DEBUG)', () => {
    const vxlan = sampleCaptures().find((f) => f.includes('pod-to-pod-vxlan') && f.includes('node1'))!;
    const lines = execFileSync(binary, [vxlan], { encoding: 'utf8', env: { ...process.env, FLOWCOUNT_DEBUG: '1' } }).trim().split('\n');
    // The pod-to-pod traffic crosses flannel.1: its innermost flow is pod to pod, one tunnel deep.
    expect(lines.some((l) => / d1 p6 af40102 af40202 /.test(l) || / d1 p6 af40202 af40102 /.test(l))).toBe(true);
  });

  it('reads through a stdio buffer (-b) to the same packets and flows as through libpcap alone', () => {
    for (const file of sampleCaptures()) {
      const plain = JSON.parse(execFileSync(binary, [file], { encoding: 'utf8' })) as { flows: number; packets: number; bytes: number };
      // 4 KiB: smaller than some records, so records cross the buffer's refills.
      for (const size of ['4096', '1048576']) {
        const buffered = JSON.parse(execFileSync(binary, ['-b', size, file], { encoding: 'utf8' })) as typeof plain;
        expect({ file, size, ...buffered, seconds: 0 }).toEqual({ file, size, ...plain, seconds: 0 });
      }
    }
  });

  it('refuses a buffer size that is not a positive number of bytes, and names a file it cannot open', () => {
    for (const size of ['0', '10x', '-1', '2000000000']) {
      const r = spawnSync(binary, ['-b', size, sampleCaptures()[0]!], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`-b wants a buffer size in bytes, 1 to 1073741824, not '${size}'`);
    }
    const missing = spawnSync(binary, ['-b', '4096', '/nonexistent/x.pcap'], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('/nonexistent/x.pcap: No such file or directory');
  });

  // The point of -b: one read(2) per buffer, not one per 4 KiB block. glibc's setvbuf ignores the
  // size when not handed a buffer, which made a first version read exactly as libpcap alone does.
  it.skipIf(spawnSync('strace', ['-V']).status !== 0)('with -b reads the file in buffer-sized system calls (strace)', () => {
    // 4 MiB of a real lab capture's records, repeated (a pcap file: header once, then records).
    const source = readFileSync(sampleCaptures().find((f) => f.endsWith('.pcap'))!);
    const records = source.subarray(24);
    const copies = Math.ceil((4 << 20) / records.length);
    const file = join(mkdtempSync(join(tmpdir(), 'natpath-cref-')), 'repeated.pcap');
    writeFileSync(file, Buffer.concat([source.subarray(0, 24), ...Array.from({ length: copies }, () => records)]));
    const reads = (args: string[]): number => {
      const r = spawnSync('strace', ['-f', '-c', '-e', 'trace=read', '-o', `${file}.strace`, binary, ...args, file], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const line = readFileSync(`${file}.strace`, 'utf8').split('\n').find((l) => / read$/.test(l.trim()));
      return Number(line!.trim().split(/\s+/)[3]);
    };
    expect(reads([])).toBeGreaterThan(500); // 4 MiB in 4 KiB blocks: ~1 000
    expect(reads(['-b', String(1 << 20)])).toBeLessThan(20); // 4 reads of the file, a few of libraries
  });
});
