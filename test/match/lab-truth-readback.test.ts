// The lab's own read-back (samples/lab/truth.mjs) on real recordings edited the way a recording
// can go wrong, so that a truth which cannot be read back is said to be so, never written as a
// wrong path. In CI once (2026-12-07) truth.json said the partner of pod-egress-natgw saw the pod's
// address: the pod's first datagram was followed only within 1 s of its first sight, and its path
// stopped at node1's cni0. The same truth comes from a real kernel when the datagram waits more than
// 1 s for the gateway's MAC on node1 (samples/lab/README.md, "When the truth cannot be read back").
//
// truth.mjs needs the lab's scratch folder beside the case: the spec (who is who) is derived here
// from the sample's truth.json, and each host's links.json (ifindex → name) from its shipped
// `ip -d link`. On the unedited sample that gives the committed truth.json back. Needs tshark, as
// the lab does; without it the file is skipped.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, samplePath } from '../corpus.js';
import { readRecords } from './merge-pcaps.js';
import { PACKET_OUTGOING, readSll2Capture } from './sll2-records.js';

const TRUTH_MJS = join(PROJECT_ROOT, 'samples', 'lab', 'truth.mjs');
const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'natpath-truth-readback-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What truth.mjs needs of a sample's truth.json to rebuild the lab's spec. */
interface SampleTruth {
  scenario: string;
  description: string;
  hosts: Record<string, { role: string; capture: { file: string; captureInterfaces: string[] } }>;
  hostsNotInCase: Record<string, string>;
  flows: { proto: string; client: { host: string; pod?: string; address: string }; server: { address: string; port?: number } }[];
  partnerSees: string[];
}

interface Run {
  status: number | null;
  truth: SampleTruth | null;
  stderr: string;
}

/** A copy of `sample` as lab.sh leaves it for truth.mjs: the case, a spec, each host's snapshots with links.json. */
function labFolders(sample: string, name: string): { dir: string; caseDir: string } {
  const dir = join(scratch, name);
  const caseDir = join(dir, 'case');
  cpSync(samplePath(sample), caseDir, { recursive: true });
  const truth = JSON.parse(readFileSync(join(caseDir, 'truth.json'), 'utf8')) as SampleTruth;
  rmSync(join(caseDir, 'truth.json'));
  const hosts: Record<string, unknown> = {};
  for (const [host, h] of Object.entries(truth.hosts)) {
    hosts[host] = { role: h.role, capture: h.capture.file.slice(host.length + 1), captureInterfaces: h.capture.captureInterfaces };
    const snap = join(dir, 'snap', host);
    mkdirSync(snap, { recursive: true });
    for (const f of readdirSync(join(caseDir, host))) cpSync(join(caseDir, host, f), join(snap, f));
    const ipLink = readFileSync(join(caseDir, host, 'ip-link.txt'), 'utf8');
    const links = [...ipLink.matchAll(/^(\d+): ([^:@\s]+)[@:]/gm)].map((m) => ({ ifindex: Number(m[1]), ifname: m[2] }));
    writeFileSync(join(snap, 'links.json'), JSON.stringify(links));
  }
  const clients = new Map(truth.flows.map((f) => [f.client.address, { host: f.client.host, pod: f.client.pod, address: f.client.address }]));
  const services = new Map(truth.flows.map((f) => [`${f.proto} ${f.server.address} ${f.server.port}`, { proto: f.proto, address: f.server.address, port: f.server.port }]));
  const spec = { scenario: truth.scenario, description: truth.description, hosts, clients: [...clients.values()], services: [...services.values()], hostsNotInCase: truth.hostsNotInCase };
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  return { dir, caseDir };
}

function readBack(dir: string, caseDir: string): Run {
  const r = spawnSync(process.execPath, [TRUTH_MJS, '--spec', join(dir, 'spec.json'), '--snapshots', join(dir, 'snap'), '--case', caseDir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, truth: r.status === 0 ? (JSON.parse(r.stdout) as SampleTruth) : null, stderr: r.stderr };
}

const committedTruth = (sample: string): SampleTruth => JSON.parse(readFileSync(join(samplePath(sample), 'truth.json'), 'utf8')) as SampleTruth;

// pod-egress-natgw's first datagram, as the pod sent it (its echo starts with "echo ").
const FIRST_DATAGRAM = Buffer.from('natpath-lab pod-egress-natgw datagram 1');
const SLL2_HEADER = 20;
const ETHERNET_HEADER = 14;
const RECORD_HEADER = 16;

/** Whether the record (pcap record header + frame) is an IPv4 UDP datagram carrying exactly `payload`. */
function carries(record: Buffer, linkHeader: number, payload: Buffer): boolean {
  const ip = RECORD_HEADER + linkHeader;
  if (record.length < ip + 20 || record[ip]! >> 4 !== 4 || record[ip + 9] !== 17) return false;
  const udp = ip + (record[ip]! & 0x0f) * 4;
  return record.subarray(udp + 8).equals(payload);
}

/** The record with its timestamp `micros` later. */
function later(record: Buffer, micros: number): Buffer {
  const copy = Buffer.from(record);
  const total = copy.readUInt32LE(4) + micros;
  copy.writeUInt32LE(copy.readUInt32LE(0) + Math.floor(total / 1e6), 0);
  copy.writeUInt32LE(total % 1e6, 4);
  return copy;
}

/** Rewrites a capture of the case record by record: `edit` returns the record to write, or null to leave it out. */
function editCapture(file: string, linkHeader: number, edit: (record: Buffer, isFirstDatagram: boolean, outgoing: boolean) => Buffer | null): void {
  const bytes = readFileSync(file);
  const out: Buffer[] = [bytes.subarray(0, 24)];
  // Only a cooked capture (-i any) says which way a packet went.
  const records = linkHeader === SLL2_HEADER ? readSll2Capture(file).records.map((r) => ({ bytes: r.bytes, outgoing: r.pktType === PACKET_OUTGOING })) : readRecords(file, bytes).map((r) => ({ bytes: r.bytes, outgoing: false }));
  for (const r of records) {
    const kept = edit(r.bytes, carries(r.bytes, linkHeader, FIRST_DATAGRAM), r.outgoing);
    if (kept) out.push(kept);
  }
  writeFileSync(file, Buffer.concat(out));
}

describe.runIf(hasTshark)('truth.mjs: a flow followed by its first packet, on edited recordings of pod-egress-natgw', () => {
  it('follows the first datagram that reached node1:eth0 1.5 s after cni0 (and everything after it late too) to the partner: the committed truth', () => {
    const { dir, caseDir } = labFolders('pod-egress-natgw', 'delayed');
    // What a datagram waiting in node1's neighbour queue looks like: from its eth0 copy on, node1
    // records everything later, and so do the gateway and the partner from their first copy on.
    const DELAY_MICROS = 1_500_000;
    let waited = false;
    editCapture(join(caseDir, 'node1', 'capture.pcap'), SLL2_HEADER, (r, first, outgoing) => {
      waited ||= first && outgoing;
      return waited ? later(r, DELAY_MICROS) : r;
    });
    for (const [host, linkHeader] of [['natgw', SLL2_HEADER], ['partner', ETHERNET_HEADER]] as const) {
      let reached = false;
      editCapture(join(caseDir, host, 'capture.pcap'), linkHeader, (r, first) => {
        reached ||= first;
        return reached ? later(r, DELAY_MICROS) : r;
      });
      expect(reached).toBe(true);
    }
    expect(waited).toBe(true);
    const run = readBack(dir, caseDir);
    expect(run.stderr).toBe('');
    expect(run.truth).toEqual(committedTruth('pod-egress-natgw'));
  }, 60_000);

  it('says it cannot read the truth back when every capture point after node1:cni0 missed the first datagram (the later two went through)', () => {
    const { dir, caseDir } = labFolders('pod-egress-natgw', 'missed-after-cni0');
    let dropped = 0;
    // node1 keeps the datagram's copies on the pod's veth and cni0 (in), loses the one leaving eth0.
    const missed = (onlyOutgoing: boolean) => (r: Buffer, first: boolean, outgoing: boolean) => {
      if (!first || (onlyOutgoing && !outgoing)) return r;
      dropped++;
      return null;
    };
    editCapture(join(caseDir, 'node1', 'capture.pcap'), SLL2_HEADER, missed(true));
    editCapture(join(caseDir, 'natgw', 'capture.pcap'), SLL2_HEADER, missed(false));
    editCapture(join(caseDir, 'partner', 'capture.pcap'), ETHERNET_HEADER, missed(false));
    expect(dropped).toBe(4); // node1:eth0, natgw:eth0, natgw:eth1, partner:eth0
    const run = readBack(dir, caseDir);
    expect(run.status).toBe(3);
    expect(run.truth).toBeNull();
    expect(run.stderr).toMatch(
      /^truth\.mjs: cannot read back the truth from this recording: the udp flow 10\.244\.1\.2:\d+ > 198\.51\.100\.10:9000 \(first seen at node1:veth62608e08 \(node1\/capture\.pcap frame \d+\)\): its first packet's path ends at node1:cni0 .* but node1\/conntrack\.txt translated that to 10\.0\.0\.11:\d+ > 198\.51\.100\.10:9000, which node1:eth0 \(node1\/capture\.pcap frame \d+\) carries/,
    );
  }, 60_000);

  it('says it cannot read the truth back when one capture point in the middle (natgw:eth1) missed the first datagram', () => {
    const { dir, caseDir } = labFolders('pod-egress-natgw', 'missed-natgw-eth1');
    let dropped = 0;
    editCapture(join(caseDir, 'natgw', 'capture.pcap'), SLL2_HEADER, (r, first, outgoing) => {
      if (!first || !outgoing) return r;
      dropped++;
      return null;
    });
    expect(dropped).toBe(1);
    const run = readBack(dir, caseDir);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/the udp flow .*: natgw:eth1 \(natgw\/capture\.pcap frame \d+\) captured another packet of the flow \(first seen at node1:veth62608e08 .*\) at a point where its first packet was not seen/);
  }, 60_000);
});

describe.runIf(hasTshark)('truth.mjs: contents that repeat', () => {
  it('udp6-echo-repeated: each round (the same datagrams from a new socket, 2 s apart) is its own flow, as committed', () => {
    const { dir, caseDir } = labFolders('udp6-echo-repeated', 'udp6-echo-repeated');
    const run = readBack(dir, caseDir);
    expect(run.stderr).toBe('');
    expect(run.truth).toEqual(committedTruth('udp6-echo-repeated'));
  }, 60_000);
});
