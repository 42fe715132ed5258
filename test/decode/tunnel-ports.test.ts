// Tunnels on the ports the host configured: the captures in test/fixtures/tunnels (made by
// make-tunnel-captures.sh in two namespaces) carry VXLAN on UDP 20000 and flannel's UDP backend
// (a bare IP packet in UDP 8285). Decoded with the host's ports — from its `ip -d link` or from
// decode's options — the packets inside node-a's underlay capture are exactly the ones node-b
// captured on its tunnel device; without them they stay plain UDP.

import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { readCaptureFile } from '../../src/capture/index.js';
import { applyTunnelPorts, decodePacket, PacketView, tunnelName, type TunnelPorts } from '../../src/decode/index.js';
import { formatIpv4 } from '../../src/net/ipv4.js';
import { parseIpLink, tunnelPortsOf } from '../../src/route/index.js';
import { PROJECT_ROOT } from '../corpus.js';
import { runCliInProcess } from '../cli/run-cli-in-process.js';

const DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'tunnels');
const NO_PORTS: TunnelPorts = { vxlan: [], geneve: [], ipInUdp: [] };

/** Every IPv4 packet's innermost layer as `tunnels|src>dst id=IPID proto`, in capture order. */
async function innermost(file: string, ports: TunnelPorts): Promise<string[]> {
  const view = new PacketView();
  applyTunnelPorts(view, ports);
  const out: string[] = [];
  await readCaptureFile(file, (r) => {
    decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
    const d = view.depthCount - 1;
    if (view.src4[d] === 0 && view.dst4[d] === 0) return;
    const tunnels: string[] = [];
    for (let i = 1; i < view.depthCount; i++) tunnels.push(`${tunnelName(view.encapType[i]!)}${view.encapType[i] === 1 ? ` ${view.encapId[i]}` : ''}`);
    out.push(`${tunnels.join('/')}|${formatIpv4(view.src4[d]!)}>${formatIpv4(view.dst4[d]!)} id=${view.ipId[d]} proto=${view.l4Proto[d]}`);
  });
  return out;
}

const inner = (lines: string[], net: string) => lines.filter((l) => l.includes(`|${net}`)).map((l) => l.slice(l.indexOf('|') + 1));

describe('tunnel ports from the host\'s ip -d link', () => {
  it('reads a VXLAN device\'s dstport and flannel\'s UDP backend device', () => {
    const vx = tunnelPortsOf(parseIpLink(readFileSync(join(DIR, 'vxlan-20000/node-a/ip-d-link.txt'), 'utf8'), 'ip-d-link.txt').value.interfaces);
    expect(vx.ports).toEqual({ vxlan: [20000], geneve: [], ipInUdp: [] });
    expect(vx.notes).toEqual(['VXLAN on UDP 20000 (vxlan0: dstport 20000)']);
    const fl = tunnelPortsOf(parseIpLink(readFileSync(join(DIR, 'flannel-udp/node-a/ip-d-link.txt'), 'utf8'), 'ip-d-link.txt').value.interfaces);
    expect(fl.ports).toEqual({ vxlan: [], geneve: [], ipInUdp: [8285] });
  });
});

describe('decoding with the configured ports', () => {
  it('VXLAN on UDP 20000: node-a\'s underlay holds the packets node-b saw on vxlan0', async () => {
    const underlay = join(DIR, 'vxlan-20000/node-a/underlay.pcap');
    const plain = await innermost(underlay, NO_PORTS);
    expect(inner(plain, '10.42.')).toEqual([]);
    const decoded = await innermost(underlay, { ...NO_PORTS, vxlan: [20000] });
    const seen = inner(decoded, '10.42.');
    expect(seen.length).toBeGreaterThanOrEqual(6); // three pings and their replies
    expect(decoded.filter((l) => l.includes('|10.42.')).every((l) => l.startsWith('vxlan 42|'))).toBe(true);
    expect(seen).toEqual(inner(await innermost(join(DIR, 'vxlan-20000/node-b/vxlan0.pcap'), NO_PORTS), '10.42.'));
  });

  it('flannel UDP backend (IP in UDP 8285): node-a\'s underlay holds the packets node-b saw on flannel0', async () => {
    const underlay = join(DIR, 'flannel-udp/node-a/underlay.pcap');
    expect(inner(await innermost(underlay, NO_PORTS), '10.43.')).toEqual([]);
    const decoded = await innermost(underlay, { ...NO_PORTS, ipInUdp: [8285] });
    const seen = inner(decoded, '10.43.');
    expect(seen.length).toBe(6);
    expect(decoded.filter((l) => l.includes('|10.43.')).every((l) => l.startsWith('ip-in-udp|'))).toBe(true);
    expect(seen).toEqual(inner(await innermost(join(DIR, 'flannel-udp/node-b/flannel0.pcap'), NO_PORTS), '10.43.'));
  });

  it('decode: the ports from the capture\'s host folder, or --vxlan-port for a capture that stands alone', async () => {
    const inFolder = await runCliInProcess(['decode', join(DIR, 'vxlan-20000/node-a/underlay.pcap'), '--format', 'ndjson']);
    expect(inFolder.code).toBe(0);
    expect(inFolder.stderr).toContain('VXLAN on UDP 20000 (vxlan0: dstport 20000)');
    const vni = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as { tunnel: { vni: number } | null }).filter((r) => r.tunnel?.vni === 42).length;
    expect(vni(inFolder.stdout)).toBeGreaterThanOrEqual(6);
    // The same capture alone (copied away from its dumps is not needed: --vxlan-port says it).
    const alone = await runCliInProcess(['decode', join(DIR, 'vxlan-20000/node-a/underlay.pcap'), '--format', 'ndjson', '--vxlan-port', '20000']);
    expect(vni(alone.stdout)).toBe(vni(inFolder.stdout));
    const bad = await runCliInProcess(['decode', join(DIR, 'vxlan-20000/node-a/underlay.pcap'), '--vxlan-port', '70000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--vxlan-port expects a UDP port 1-65535, got 70000');
  });
});

describe('analyze decodes each host\'s captures with its own tunnel ports', () => {
  it.each([
    ['vxlan-20000', 'VXLAN on UDP 20000'],
    ['flannel-udp', 'IP in UDP 8285'],
  ])('%s: the pings are followed from node-a\'s underlay to node-b\'s tunnel device', async (folder, said) => {
    const report = await runAnalyze({ paths: [join(DIR, folder)], hosts: [] });
    expect(report.diagnostics.filter((d) => d.code === 'case.tunnel-ports').map((d) => d.message).join(' ')).toContain(said);
    expect(report.totals.multiPointFlows).toBeGreaterThanOrEqual(1);
    const multi = report.flows.filter((f) => new Set(f.legs.map((l) => l.host)).size > 1);
    expect(multi.length).toBeGreaterThanOrEqual(1);
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs', 'report-schema.json'), 'utf8')));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });
});
