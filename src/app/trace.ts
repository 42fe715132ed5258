// `natpath trace`: load the case, pick the host, read its snapshots, build the packet, walk it,
// build the report, render it, and answer the exit code. Problems with the request are a usage
// error with a message (exit 2), never thrown.

import { existsSync } from 'node:fs';
import { loadCase, parseHostSpec, type HostSpec } from '../case/load-case.js';
import { parseIpAddress, type IpAddress } from '../net/address.js';
import { isIcmpv4Error, isIcmpv6Error } from '../net/icmp-types.js';
import { ipProtocolName, ipProtocolNumber } from '../net/ip-protocol-names.js';
import type { TraceFormat } from '../report/format-names.js';
import { makeStyle, shouldUseColor } from '../report/terminal.js';
import { TRACE_FORMATS } from '../report/trace-formats.js';
import { buildTraceReport, formatEndpoint, type TraceReport } from '../report/trace-model.js';
import { findConntrackEvidence } from '../sim/conntrack-evidence.js';
import { loadHost } from '../sim/load-host.js';
import { simulate, type TraceRequest } from '../sim/simulate.js';
import { writeOutput } from './write-output.js';
import { findArrivalInterface } from '../sim/arrival-interface.js';
import { EXIT } from './exit-codes.js';
import { writeWhyUnusable } from './why-unusable.js';
import { formatDiagnostic } from '../text/diagnostic.js';
import { problemWithOutPath } from './out-path.js';
import { outputWidth, problemWithWidth } from './output-width.js';
import { tell } from './tell.js';

/** The source port of a packet whose `--src` has none: one from Linux's default ephemeral range (32768–60999). */
export const EPHEMERAL_PORT = 40000;

export interface TraceOptions {
  paths: string[];
  hosts: HostSpec[];
  /** Which host of the case, when it has several. */
  hostName?: string;
  proto: string;
  src?: string;
  dst: string;
  sport?: number;
  dport?: number;
  in?: string;
  /** The egress interface the user states (--oif): taken without a route snapshot, checked against one. */
  oif?: string;
  locallyGenerated?: boolean;
  mark?: number;
  hostAddrs?: string[];
  icmpType?: number;
  /** `-m recent` history: unknown (default) or a client never seen (`--new-client`). */
  newClient?: boolean;
}

export interface TraceCommandOptions extends Omit<TraceOptions, 'hosts' | 'hostName' | 'dst' | 'mark'> {
  /** `--host` as typed: NAME picks a host of the case, NAME=PATH names one. */
  hostArgs: string[] | undefined;
  dst: string | undefined;
  /** `--mark` as typed: decimal or 0x hex. */
  mark: string | undefined;
  format: TraceFormat;
  out: string | undefined;
  color: boolean | undefined;
  /** `--width`: columns of terminal text (0 = no limit); see output-width.ts. */
  width?: number | undefined;
}

export async function runTraceCommand(options: TraceCommandOptions): Promise<number> {
  const fail = (message: string): number => {
    tell('trace', message);
    return EXIT.usage;
  };
  const { hostArgs, format, out, color, width, dst, mark: markText, ...request } = options;
  const hosts: HostSpec[] = [];
  let hostName: string | undefined;
  for (const spec of hostArgs ?? []) {
    if (!spec.includes('=')) {
      hostName = spec;
      continue;
    }
    const parsed = parseHostSpec(spec);
    if (parsed === null) return fail(`--host expects NAME or NAME=PATH, got "${spec}"`);
    hosts.push(parsed);
  }
  if (request.paths.length === 0 && hosts.length === 0) return fail('name a host folder, snapshot files or a case folder');
  const named = [...request.paths, ...hosts.map((h) => h.path)];
  const missing = named.filter((p) => !existsSync(p));
  if (missing.length === named.length) {
    for (const p of missing) tell('trace', `${p}: no such file or folder`);
    return EXIT.noUsableInput;
  }
  const outProblem = problemWithOutPath(out) ?? problemWithWidth(width);
  if (outProblem !== null) return fail(outProblem);
  if (dst === undefined) return fail('--dst IP[:port] is required');
  let mark: number | undefined;
  if (markText !== undefined) {
    mark = Number(markText);
    if (!Number.isInteger(mark) || mark < 0 || mark > 0xffffffff) return fail(`--mark "${markText}" is not a 32-bit number`);
  }
  const run = await runTrace({ ...request, dst, mark, hosts, hostName });
  if (!run.ok) return fail(run.message);
  if (run.report.snapshots.length === 0) {
    writeWhyUnusable('trace', run.report.diagnostics.map(formatDiagnostic), 'the host has no snapshot to walk the packet through');
    return EXIT.noUsableInput;
  }
  const useColor = shouldUseColor(out ? {} : process.stdout, color, process.env);
  const toFile = out !== undefined && out !== '-';
  await writeOutput(TRACE_FORMATS[format](run.report, { style: makeStyle(useColor), width: outputWidth(width, toFile, process.stdout, process.env) }), out);
  return EXIT.ok;
}

export type TraceRun = { ok: true; report: TraceReport } | { ok: false; message: string };

/** The protocols the walk follows, by number (ports for tcp/udp/sctp, type/code for the ICMPs). */
const TRACED_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 1, 58, 132]);

/** `IP`, `IP:port`, `[v6]:port` or a bare IPv6 address. */
export function parseEndpoint(text: string): { address: IpAddress; port: number | null } | null {
  let addrText = text;
  let portText: string | null = null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return null;
    addrText = text.slice(1, close);
    if (text.length > close + 1) {
      if (text[close + 1] !== ':') return null;
      portText = text.slice(close + 2);
    }
  } else if (text.split(':').length === 2) {
    [addrText, portText] = text.split(':') as [string, string];
  }
  const address = parseIpAddress(addrText);
  if (address === null) return null;
  if (portText === null) return { address, port: null };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return null;
  return { address, port: Number(portText) };
}

/** ICMP errors (v4 3, 4, 5, 11, 12; v6 1-4): packets about another connection, never a connection's first packet. */
function isIcmpErrorType(proto: string, family: 'ipv4' | 'ipv6', type: number): boolean {
  if (proto === 'icmpv6' || (proto === 'icmp' && family === 'ipv6')) return isIcmpv6Error(type);
  return proto === 'icmp' && isIcmpv4Error(type);
}

/**
 * Why trace does not walk an ICMP error: the walk is a new connection's first packet through the
 * nat chains, and an error is none. Conntrack files it under the connection it quotes (RELATED;
 * with no such entry it is left untracked) and NAT rewrites it from that entry or not at all:
 * nf_nat_ipv4_fn hands RELATED ICMP to nf_nat_icmp_reply_translation before any nat chain, and
 * returns at once for an untracked packet (docs/analyze.md, ICMP errors).
 */
function icmpErrorRefusal(proto: string, type: number): string {
  return (
    `--icmp-type ${type} is an ICMP error: no nat rule ever sees one, so trace cannot walk it as a new connection. ` +
    'Conntrack relates an error to the connection whose packet it quotes and rewrites it (quote included) from that connection\'s entry; ' +
    'with no such entry it is untracked and left as it is. Trace the quoted connection instead (its --proto, --src and --dst), ' +
    `or analyze captures holding the errors, which names the flow each ${proto} error belongs to`
  );
}

export async function runTrace(o: TraceOptions): Promise<TraceRun> {
  // Any spelling the dumps use (`ipv6-icmp`, `TCP`, `6`) names the same protocol.
  const protocolNumber = ipProtocolNumber(o.proto);
  if (protocolNumber === null || !TRACED_PROTOCOLS.has(protocolNumber)) return { ok: false, message: `--proto must be tcp, udp, icmp, icmpv6 or sctp, not "${o.proto}"` };
  const proto = ipProtocolName(protocolNumber);
  const dst = parseEndpoint(o.dst);
  if (dst === null) return { ok: false, message: `--dst "${o.dst}" is not IP, IP:port or [IPv6]:port` };
  const errorType = o.icmpType !== undefined && isIcmpErrorType(proto, dst.address.family, o.icmpType);
  if (errorType) return { ok: false, message: icmpErrorRefusal(proto, o.icmpType!) };
  const src = o.src === undefined ? null : parseEndpoint(o.src);
  if (o.src !== undefined && src === null) return { ok: false, message: `--src "${o.src}" is not IP, IP:port or [IPv6]:port` };
  if (src !== null && src.address.family !== dst.address.family) return { ok: false, message: '--src and --dst are of different address families' };
  if (src === null && !o.locallyGenerated) return { ok: false, message: '--src is needed unless the packet is --locally-generated' };
  if (o.in !== undefined && o.locallyGenerated) return { ok: false, message: '--in and --locally-generated exclude each other' };
  const extra: IpAddress[] = [];
  for (const a of (o.hostAddrs ?? []).flatMap((x) => x.split(',')).filter((x) => x !== '')) {
    const addr = parseIpAddress(a.trim());
    if (addr === null) return { ok: false, message: `--host-addrs: "${a}" is not an address` };
    extra.push(addr);
  }

  const kase = await loadCase({ paths: o.paths, hosts: o.hosts });
  const candidates = o.hostName === undefined ? kase.hosts : kase.hosts.filter((h) => h.name === o.hostName);
  if (candidates.length === 0) {
    const names = kase.hosts.map((h) => h.name).join(', ');
    return { ok: false, message: o.hostName === undefined ? 'no host found in the inputs' : `no host "${o.hostName}" in the case (hosts: ${names || 'none'})` };
  }
  if (candidates.length > 1) return { ok: false, message: `the case has ${candidates.length} hosts (${candidates.map((h) => h.name).join(', ')}): name one with --host` };
  const host = candidates[0]!;
  const loaded = await loadHost(host, extra);

  const usesPorts = proto === 'tcp' || proto === 'udp' || proto === 'sctp';
  const sport = usesPorts ? (o.sport ?? src?.port ?? EPHEMERAL_PORT) : null;
  const dport = usesPorts ? (o.dport ?? dst.port ?? null) : null;
  if (usesPorts && dport === null) return { ok: false, message: `${proto} needs a destination port (--dst IP:port or --dport)` };
  const isIcmp = proto === 'icmp' || proto === 'icmpv6';
  const arrival = o.locallyGenerated || o.in !== undefined || src === null ? null : findArrivalInterface(loaded.model, src.address, proto);
  const family = dst.address.family;
  const req: TraceRequest = {
    family,
    protocol: proto,
    protocolNumber,
    src: src?.address ?? null,
    dst: dst.address,
    sport,
    dport,
    icmpType: isIcmp ? (o.icmpType ?? (family === 'ipv4' ? 8 : 128)) : null,
    icmpCode: isIcmp ? 0 : null,
    input: o.locallyGenerated ? { kind: 'local' } : o.in !== undefined ? { kind: 'interface', name: o.in } : arrival !== null ? { kind: 'interface', name: arrival.name } : { kind: 'auto' },
    mark: o.mark ?? 0,
    options: { recentHistory: o.newClient ? 'empty' : 'unknown' },
    ...(o.oif !== undefined ? { output: o.oif } : {}),
  };
  const result = simulate(loaded.model, req);
  const sportGiven = o.sport !== undefined || (src?.port ?? null) !== null;
  const evidence = findConntrackEvidence(loaded.model.conntrack, req, sportGiven, result.outcomes);
  const input = o.locallyGenerated ? 'locally generated' : o.in !== undefined ? `in on ${o.in}` : arrival !== null ? `in on ${arrival.name} (from the routes)` : result.locallyGenerated ? 'locally generated (source is a host address)' : 'arriving on an unknown interface';
  const report = buildTraceReport({
    host: host.name,
    snapshots: loaded.files,
    packet: {
      family,
      protocol: proto,
      src: src === null ? null : formatEndpoint(src.address, sport),
      dst: formatEndpoint(dst.address, dport)!,
      input: o.oif !== undefined ? `${input}, out on ${o.oif} as stated (--oif)` : input,
      mark: `0x${(req.mark >>> 0).toString(16)}`,
    },
    result,
    evidence,
    ...(o.oif !== undefined ? { statedOutput: o.oif } : {}),
    diagnostics: [...kase.diagnostics, ...loaded.diagnostics, ...result.diagnostics],
  });
  if (arrival !== null) report.notes.unshift(arrival.because);
  if (loaded.files.length === 0) report.notes.unshift(`host ${host.name} has no snapshot (iptables-save, ip route, …): nothing to simulate against`);
  return { ok: true, report };
}
