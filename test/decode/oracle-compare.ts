// Compares natpath's decoding with tshark 4.0's per-frame fields (../shared/corpus/oracle), the
// way tshark reports them: `occurrence=f` is the first occurrence of EACH field (outermost), the
// `.inner.csv` the last occurrence of each field (innermost). natpath's view is projected the
// same way: for each field, the first / last depth that has it.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCaptureFile } from '../../src/capture/read-capture-file.js';
import type { PacketRecord } from '../../src/capture/index.js';
import { decodePacket, Has, isLinkTypeSupported, IpProto, PacketView, Tunnel } from '../../src/decode/index.js';
import { parseIpv4 } from '../../src/net/ipv4.js';
import { parseIpv6 } from '../../src/net/ipv6.js';
import { CORPUS_ROOT } from '../corpus.js';
import { loadIndex, splitCsvLine } from '../capture/oracle.js';
import { EXTRA_FIELDS, loadExtraOracle, type ExtraField } from './tshark-extra-oracle.js';

export const COMPARED_FIELDS = [
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.proto',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'ip.id',
  'tcp.seq_raw',
  'vxlan.vni',
] as const;
export type Field = (typeof COMPARED_FIELDS)[number];
export type Side = 'outer' | 'inner';
export type Projection = Record<Field, string>;

/** What natpath made of one frame, kept for classifying disagreements. */
export interface NatpathFrame {
  outer: Projection;
  inner: Projection;
  status: number;
  reason: number;
  depthCount: number;
  /** Per depth: how it was reached, what it holds, and the view's raw Has / State bits. */
  layers: Array<{ tunnel: number; ipVersion: number; l4Proto: number; has: number; state: number; srcPort: number; dstPort: number; icmpType: number }>;
  nonIpEtherType: number;
  capLength: number;
  origLength: number;
}

export interface Mismatch {
  key: string;
  frame: number;
  side: Side;
  field: Field;
  tshark: string;
  natpath: string;
  protocols: string;
  ours: NatpathFrame;
}

export interface FileComparison {
  key: string;
  frames: number;
  /** Frames present on one side only (alignment is the capture reader's job, tested there). */
  unmatched: number;
  fieldComparisons: number;
  mismatches: Mismatch[];
}

function normalizeTshark(field: Field, value: string): string {
  if (value === '') return '';
  switch (field) {
    case 'ip.src':
    case 'ip.dst': {
      const n = parseIpv4(value);
      return n === null ? `?${value}` : String(n);
    }
    case 'ipv6.src':
    case 'ipv6.dst': {
      const w = parseIpv6(value);
      return w === null ? `?${value}` : Array.from(w).join('.');
    }
    case 'ip.id':
      return String(parseInt(value, 16));
    default:
      return value;
  }
}

function project(view: PacketView, last: boolean): Projection {
  const out = Object.fromEntries(COMPARED_FIELDS.map((f) => [f, ''])) as Projection;
  const n = view.depthCount;
  const order = Array.from({ length: n }, (_, i) => (last ? n - 1 - i : i));
  const pick = (field: Field, ok: (d: number) => boolean, value: (d: number) => string): void => {
    for (const d of order) {
      if (ok(d)) {
        out[field] = value(d);
        return;
      }
    }
  };
  const has = (d: number, bit: number): boolean => view.hasField(d, bit);
  pick('ip.src', (d) => has(d, Has.IPV4), (d) => String(view.src4[d]));
  pick('ip.dst', (d) => has(d, Has.IPV4), (d) => String(view.dst4[d]));
  pick('ipv6.src', (d) => has(d, Has.IPV6), (d) => Array.from(view.addr6.subarray(d * 8, d * 8 + 4)).join('.'));
  pick('ipv6.dst', (d) => has(d, Has.IPV6), (d) => Array.from(view.addr6.subarray(d * 8 + 4, d * 8 + 8)).join('.'));
  pick('ip.proto', (d) => has(d, Has.IPV4), (d) => String(view.ipProto[d]));
  pick('ip.id', (d) => has(d, Has.IPV4), (d) => String(view.ipId[d]));
  const isTcp = (d: number): boolean => has(d, Has.PORTS) && view.l4Proto[d] === IpProto.TCP;
  const isUdp = (d: number): boolean => has(d, Has.PORTS) && view.l4Proto[d] === IpProto.UDP;
  pick('tcp.srcport', isTcp, (d) => String(view.srcPort[d]));
  pick('tcp.dstport', isTcp, (d) => String(view.dstPort[d]));
  pick('udp.srcport', isUdp, (d) => String(view.srcPort[d]));
  pick('udp.dstport', isUdp, (d) => String(view.dstPort[d]));
  pick('tcp.seq_raw', (d) => has(d, Has.TCP_SEQ) && view.l4Proto[d] === IpProto.TCP, (d) => String(view.tcpSeq[d]));
  pick('vxlan.vni', (d) => view.encapType[d] === Tunnel.VXLAN && has(d, Has.ENCAP_ID), (d) => String(view.encapId[d]));
  return out;
}

function snapshotFrame(view: PacketView, capLength: number, origLength: number, outer: Projection, inner: Projection): NatpathFrame {
  const layers = [];
  for (let d = 0; d < view.depthCount; d++) {
    layers.push({
      tunnel: view.encapType[d]!,
      ipVersion: view.ipVersion[d]!,
      l4Proto: view.l4ProtoAt(d),
      has: view.has[d]!,
      state: view.state[d]!,
      srcPort: view.srcPortAt(d),
      dstPort: view.dstPortAt(d),
      icmpType: view.hasField(d, Has.ICMP) ? view.icmpType[d]! : -1,
    });
  }
  return {
    outer,
    inner,
    status: view.status,
    reason: view.reason,
    depthCount: view.depthCount,
    layers,
    nonIpEtherType: view.nonIpEtherType,
    capLength,
    origLength,
  };
}

function loadFields(path: string): Map<number, { values: Projection; protocols: string }> {
  const map = new Map<number, { values: Projection; protocols: string }>();
  if (!existsSync(path)) return map;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const header = splitCsvLine(lines.shift()!);
  const col = Object.fromEntries(header.map((h, i) => [h, i]));
  for (const line of lines) {
    const f = splitCsvLine(line);
    const values = Object.fromEntries(COMPARED_FIELDS.map((name) => [name, normalizeTshark(name, f[col[name]!] ?? '')])) as Projection;
    map.set(Number(f[col['frame.number']!]), { values, protocols: f[col['frame.protocols']!] ?? '' });
  }
  return map;
}

/** Corpus files whose capture has at least one link type natpath decodes and an oracle to compare with. */
export function comparableFiles(): Array<{ corpus: string; file: string }> {
  return loadIndex()
    .filter((r) => ['ok', 'malformed-frames', 'truncated-file'].includes(r.status))
    .filter((r) => r.linkTypes.split(';').some((t) => t !== '' && isLinkTypeSupported(Number(t))))
    .filter((r) => existsSync(join(CORPUS_ROOT, 'oracle', r.corpus, `${r.file}.csv`)))
    .map((r) => ({ corpus: r.corpus, file: r.file }));
}

/** Compares each decoded frame with the shared oracle (outer and inner CSV); the caller reads and decodes. */
function outerComparer(corpus: string, file: string, view: PacketView): { result: FileComparison; compare(r: PacketRecord, number: number): void } {
  const key = `${corpus}/${file}`;
  const outerOracle = loadFields(join(CORPUS_ROOT, 'oracle', corpus, `${file}.csv`));
  const innerPath = join(CORPUS_ROOT, 'oracle', corpus, `${file}.inner.csv`);
  const innerOracle = loadFields(innerPath);
  const hasInner = existsSync(innerPath);
  const result: FileComparison = { key, frames: 0, unmatched: 0, fieldComparisons: 0, mismatches: [] };
  const compare = (r: PacketRecord, number: number): void => {
    const outer = outerOracle.get(number);
    if (outer === undefined) {
      result.unmatched++;
      return;
    }
    result.frames++;
    const mine = { outer: project(view, false), inner: project(view, true) };
    let ours: NatpathFrame | null = null;
    const sides: Array<[Side, { values: Projection; protocols: string } | undefined]> = [['outer', outer]];
    if (hasInner) sides.push(['inner', innerOracle.get(number)]);
    for (const [side, theirs] of sides) {
      if (theirs === undefined) continue;
      for (const field of COMPARED_FIELDS) {
        result.fieldComparisons++;
        if (theirs.values[field] === mine[side][field]) continue;
        ours ??= snapshotFrame(view, r.capLength, r.origLength, mine.outer, mine.inner);
        result.mismatches.push({ key, frame: number, side, field, tshark: theirs.values[field], natpath: mine[side][field], protocols: theirs.protocols, ours });
      }
    }
  };
  return { result, compare };
}

// ---- the fields of the recorded tshark oracle (tshark-extra-oracle.ts) ----

export interface ExtraMismatch {
  key: string;
  frame: number;
  side: Side;
  field: ExtraField;
  tshark: string;
  natpath: string;
  protocols: string;
  ours: NatpathFrame;
}

export interface ExtraComparison {
  key: string;
  frames: number;
  fieldComparisons: number;
  mismatches: ExtraMismatch[];
}

/** For each extra field, the natpath value at every depth that has it, outermost first. */
function projectExtra(view: PacketView): Record<ExtraField, string[]> {
  const out = Object.fromEntries(EXTRA_FIELDS.map((f) => [f, [] as string[]])) as Record<ExtraField, string[]>;
  for (let d = 0; d < view.depthCount; d++) {
    const has = (bit: number): boolean => view.hasField(d, bit);
    const l4 = view.l4ProtoAt(d);
    if (l4 === IpProto.TCP && has(Has.TCP_ACK)) out['tcp.ack_raw'].push(String(view.tcpAck[d]));
    if (l4 === IpProto.TCP && has(Has.TCP_FLAGS)) out['tcp.flags'].push(String(view.tcpFlags[d]));
    const icmp = l4 === IpProto.ICMP ? 'icmp' : l4 === IpProto.ICMPV6 ? 'icmpv6' : null;
    if (icmp !== null && has(Has.ICMP)) {
      out[`${icmp}.type`].push(String(view.icmpType[d]));
      out[`${icmp}.code`].push(String(view.icmpCode[d]));
    }
    if (icmp === 'icmp' && has(Has.ICMP_QUERY)) {
      out['icmp.ident'].push(String(view.icmpId[d]));
      out['icmp.seq'].push(String(view.icmpSeq[d]));
    }
    if (icmp === 'icmpv6' && has(Has.ICMP_QUERY)) {
      out['icmpv6.echo.identifier'].push(String(view.icmpId[d]));
      out['icmpv6.echo.sequence_number'].push(String(view.icmpSeq[d]));
    }
    if (view.encapType[d] === Tunnel.GENEVE && has(Has.ENCAP_ID)) out['geneve.vni'].push(String(view.encapId[d]));
    if (view.encapType[d] === Tunnel.GRE && has(Has.ENCAP_ID)) out['gre.key'].push(String(view.encapId[d]));
  }
  return out;
}

/** tshark prints some of these in hex (`0x0018`); numbers are compared in decimal. */
function normalizeExtra(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  const n = Number(value);
  return Number.isFinite(n) ? String(n) : `?${value}`;
}

/** Compares each decoded frame with tshark's recorded extra fields; the caller reads and decodes. */
function extraComparer(corpus: string, file: string, view: PacketView): { result: ExtraComparison; compare(r: PacketRecord, number: number): void } {
  const key = `${corpus}/${file}`;
  const oracle = loadExtraOracle(corpus, file);
  const result: ExtraComparison = { key, frames: 0, fieldComparisons: 0, mismatches: [] };
  const compare = (r: PacketRecord, number: number): void => {
    const theirs = oracle.get(number);
    if (theirs === undefined) return;
    result.frames++;
    const mine = projectExtra(view);
    let ours: NatpathFrame | null = null;
    for (const field of EXTRA_FIELDS) {
      const t = theirs.values[field];
      const m = mine[field];
      const pairs: Array<[Side, string, string]> = [
        ['outer', normalizeExtra(t[0]), m[0] ?? ''],
        ['inner', normalizeExtra(t[t.length - 1]), m[m.length - 1] ?? ''],
      ];
      for (const [side, tv, mv] of pairs) {
        result.fieldComparisons++;
        if (tv === mv) continue;
        ours ??= snapshotFrame(view, r.capLength, r.origLength, project(view, false), project(view, true));
        result.mismatches.push({ key, frame: number, side, field, tshark: tv, natpath: mv, protocols: theirs.protocols, ours });
      }
    }
  };
  return { result, compare };
}

/**
 * One corpus capture against both oracles — the shared CSVs and tshark's recorded extra fields —
 * reading and decoding each frame once (the capture is read a single time for both).
 */
export async function compareWithOracles(corpus: string, file: string, view = new PacketView()): Promise<{ shared: FileComparison; extra: ExtraComparison }> {
  const shared = outerComparer(corpus, file, view);
  const extra = extraComparer(corpus, file, view);
  await readCaptureFile(join(CORPUS_ROOT, corpus, file), (r) => {
    if (!isLinkTypeSupported(r.linkType)) return;
    decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
    const number = r.frameNumber + r.customBlocksBefore;
    shared.compare(r, number);
    extra.compare(r, number);
  });
  return { shared: shared.result, extra: extra.result };
}
