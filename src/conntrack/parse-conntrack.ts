// Reads `conntrack -L [-o extended]` output. One entry per line:
//   [ipv4 2] PROTO NUM TIMEOUT [STATE] src= dst= sport= dport= [packets= bytes=] [UNREPLIED]
//            src= dst= sport= dport= [packets= bytes=] [ASSURED] mark= [zone=] use=
// The second `src=` starts the reply tuple. conntrack's summary line (from stderr, often pasted
// in) gives the expected entry count.

import { parseIpAddress, sameAddress, type Family } from '../net/address.js';
import type { ParseResult } from '../text/diagnostic.js';
import { splitLines } from '../text/line-cursor.js';
import { ProblemCollector } from '../text/problem-collector.js';
import type { ConntrackEntry, ConntrackTable, ConntrackTuple } from './model.js';

const SUMMARY = /^conntrack v[\d.]+ \(conntrack-tools\): (\d+) flow entries have been shown\.?$/;

export function parseConntrack(text: string, file: string): ParseResult<ConntrackTable> {
  const issues = new ProblemCollector(file, 'conntrack');
  const entries: ConntrackEntry[] = [];
  let reportedCount: number | null = null;
  let summaryLine = 0;
  for (const line of splitLines(text)) {
    const trimmed = line.text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const summary = SUMMARY.exec(trimmed);
    if (summary !== null) {
      reportedCount = Number(summary[1]);
      summaryLine = line.number;
      continue;
    }
    const result = readEntry(trimmed, file, line.number);
    if (typeof result === 'string') issues.skip(line.number, 'conntrack.bad-line', result);
    else entries.push(result);
  }
  if (reportedCount !== null && reportedCount !== entries.length) {
    issues.warn(summaryLine, 'conntrack.count-mismatch', `conntrack reported ${reportedCount} entries, ${entries.length} were read`);
  }
  return { value: { entries, reportedCount }, issues: issues.finish() };
}

/** Whitespace-separated words, with `[start=Sun Sep 20 15:32:30 2026]` kept as one word. */
function words(text: string): string[] {
  const raw = text.split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    let w = raw[i]!;
    if (w.startsWith('[') && !w.endsWith(']')) {
      while (i + 1 < raw.length && !w.endsWith(']')) w += ` ${raw[++i]!}`;
    }
    out.push(w);
  }
  return out;
}

function readEntry(text: string, file: string, line: number): ConntrackEntry | string {
  const w = words(text);
  let i = 0;
  if ((w[0] === 'ipv4' || w[0] === 'ipv6') && /^\d+$/.test(w[1] ?? '')) i = 2;
  const protocol = w[i];
  const protoNumber = w[i + 1];
  const timeout = w[i + 2];
  if (protocol === undefined || !/^[a-z0-9]+$/.test(protocol) || !/^\d+$/.test(protoNumber ?? '') || !/^\d+$/.test(timeout ?? '')) {
    return `expected "PROTOCOL NUMBER TIMEOUT [STATE] src=… dst=…", found "${clip(text)}"`;
  }
  i += 3;
  let state: string | null = null;
  if (w[i] !== undefined && /^[A-Z_]+$/.test(w[i]!)) state = w[i++]!;

  const tuples: Array<Record<string, string>> = [];
  const flags: string[] = [];
  const tail: Record<string, string> = {};
  for (; i < w.length; i++) {
    const word = w[i]!;
    if (word.startsWith('[')) {
      const inner = word.slice(1, -1);
      // [start=…]/[stop=…] (timestamps) are values, [ASSURED] & co. are flags.
      if (inner.includes('=')) tail[inner.slice(0, inner.indexOf('='))] = inner.slice(inner.indexOf('=') + 1);
      else flags.push(inner);
      continue;
    }
    const eq = word.indexOf('=');
    if (eq <= 0) return `unexpected word "${word}" in "${clip(text)}"`;
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1);
    if (key === 'src') tuples.push({});
    const tuple = tuples.at(-1);
    // Keys after the reply tuple's fields (mark, use, zone, …) belong to the entry.
    if (tuple === undefined || ENTRY_KEYS.has(key)) tail[key] = value;
    else tuple[key] = value;
  }
  if (tuples.length !== 2) return `expected an original and a reply tuple (two "src="), found ${tuples.length}: "${clip(text)}"`;
  const original = readTuple(tuples[0]!);
  const reply = readTuple(tuples[1]!);
  if (typeof original === 'string') return `original tuple: ${original}`;
  if (typeof reply === 'string') return `reply tuple: ${reply}`;
  if (PORT_PROTOCOLS.has(protocol)) {
    for (const [name, t] of [['original', original], ['reply', reply]] as const) {
      if (t.sport === null || t.dport === null) return `${protocol} ${name} tuple lacks sport= or dport= (line cut short?): "${clip(text)}"`;
    }
  }
  const family: Family = original.src.family;
  const snat = !sameAddress(original.src, reply.dst) || original.sport !== reply.dport;
  const dnat = !sameAddress(original.dst, reply.src) || original.dport !== reply.sport;
  const num = (k: string): number | null => (tail[k] !== undefined && /^\d+$/.test(tail[k]!) ? Number(tail[k]) : null);
  return {
    family,
    protocol,
    protocolNumber: Number(protoNumber),
    timeoutSeconds: Number(timeout),
    state,
    original,
    reply,
    flags,
    mark: num('mark'),
    zone: num('zone'),
    use: num('use'),
    snat,
    dnat,
    translatedSource: { address: reply.dst, port: reply.dport },
    translatedDestination: { address: reply.src, port: reply.sport },
    source: { file, line },
  };
}

const ENTRY_KEYS = new Set(['mark', 'use', 'zone', 'secctx', 'delta-time', 'labels', 'helper', 'timeout']);
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);

function readTuple(kv: Record<string, string>): ConntrackTuple | string {
  const src = parseIpAddress(kv.src ?? '');
  const dst = parseIpAddress(kv.dst ?? '');
  if (src === null || dst === null) return `src/dst "${kv.src ?? ''}"/"${kv.dst ?? ''}" are not addresses`;
  if (src.family !== dst.family) return 'src and dst are of different families';
  const port = (k: string): number | null => {
    const v = kv[k];
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
  };
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(kv)) {
    if (!TUPLE_KEYS.has(k)) extra[k] = v;
  }
  const type = port('type');
  return {
    src,
    dst,
    sport: port('sport'),
    dport: port('dport'),
    icmp: type === null ? null : { type, code: port('code') ?? 0, id: port('id') ?? 0 },
    packets: port('packets'),
    bytes: port('bytes'),
    zone: port('zone-orig') ?? port('zone-reply'),
    extra,
  };
}

const TUPLE_KEYS = new Set(['src', 'dst', 'sport', 'dport', 'type', 'code', 'id', 'packets', 'bytes', 'zone-orig', 'zone-reply']);

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
