// The output formats of `natpath decode`: the keys of DECODE_FORMATS are the allowed `--format`
// values. Each format streams: `start` once, `packet` per record (may buffer and return ''), `end`
// once — so NDJSON/CSV/table output never holds all packets in memory (JSON holds none either: the
// array is written element by element). `summary` renders `--summary` instead of per-packet lines.

import { csvRows } from './csv.js';
import type { DecodeFormatName } from './format-names.js';
import type { Style } from './terminal.js';
import { formatDiagnostic, type Diagnostic } from '../text/diagnostic.js';
import { DECODE_SCHEMA, type DecodeRecord } from './decode-record.js';
import type { DecodeSummary } from '../flow/decode-summary.js';
import { formatBytes, formatCount, formatDuration } from './format-number.js';
import { safeCsvRows } from './csv-cell.js';
import { labelled, layoutColumns, wrapWords, type Column } from './text-layout.js';
import { ipProtocolName, shownIpProtocolNumber } from '../net/ip-protocol-names.js';
import { shown, shownEverywhere } from '../text/shown.js';

export const DECODE_SUMMARY_SCHEMA = 'natpath.decode-summary/1';

export interface DecodeRenderContext {
  style: Style;
  width: number;
  file: string;
}

export interface DecodeEnd {
  summary: DecodeSummary;
  diagnostics: Diagnostic[];
  complete: boolean;
  stoppedEarly: boolean;
}

export interface DecodeStream {
  start(): string;
  packet(record: DecodeRecord): string;
  end(end: DecodeEnd): string;
}

export interface DecodeFormat {
  stream(ctx: DecodeRenderContext): DecodeStream;
  summary(end: DecodeEnd, ctx: DecodeRenderContext): string;
}

// ---- JSON / NDJSON ----

function summaryObject(end: DecodeEnd): object {
  return {
    schema: DECODE_SUMMARY_SCHEMA,
    ...end.summary,
    complete: end.complete,
    stoppedEarly: end.stoppedEarly,
    diagnostics: end.diagnostics,
  };
}

const json: DecodeFormat = {
  stream: (ctx) => {
    let first = true;
    return {
      start: () => `{"schema":${JSON.stringify(DECODE_SCHEMA)},"file":${JSON.stringify(ctx.file)},"packets":[`,
      packet: (r) => {
        const text = `${first ? '\n' : ',\n'}${JSON.stringify(r)}`;
        first = false;
        return text;
      },
      end: (e) => `\n],"summary":${JSON.stringify(summaryObject(e))}}\n`,
    };
  },
  summary: (e) => `${JSON.stringify(summaryObject(e), null, 2)}\n`,
};

const ndjson: DecodeFormat = {
  stream: () => ({ start: () => '', packet: (r) => `${JSON.stringify(r)}\n`, end: () => '' }),
  summary: (e) => `${JSON.stringify(summaryObject(e))}\n`,
};

// ---- CSV ----

export const CSV_COLUMNS = [
  'frame',
  'ts',
  'interface',
  'ifIndex',
  'direction',
  'linkType',
  'length',
  'capLength',
  'ipVersion',
  'src',
  'dst',
  'proto',
  'sport',
  'dport',
  'ipId',
  'tcpSeq',
  'tcpAck',
  'tcpFlags',
  'icmpType',
  'icmpCode',
  'icmpId',
  'icmpSeq',
  'encap',
  'fingerprint',
  'nonIp',
  'status',
  'truncated',
  'malformed',
] as const;

/** `vxlan:42:192.0.2.1>192.0.2.2` per layer, `|`-separated, outermost first. */
export function encapText(r: DecodeRecord): string {
  return r.encap.map((e) => `${e.type}${e.vni === null ? '' : `:${e.vni}`}:${e.src ?? ''}>${e.dst ?? ''}`).join('|');
}

function csvRow(r: DecodeRecord): unknown[] {
  return [
    r.frame,
    r.ts,
    r.interface,
    r.ifIndex,
    r.direction,
    r.linkType,
    r.length,
    r.capLength,
    r.ipVersion,
    r.src,
    r.dst,
    r.proto,
    r.sport,
    r.dport,
    r.ipId,
    r.tcpSeq,
    r.tcpAck,
    r.tcpFlags,
    r.icmp?.type ?? null,
    r.icmp?.code ?? null,
    r.icmp?.id ?? null,
    r.icmp?.seq ?? null,
    encapText(r),
    r.fingerprint,
    r.nonIp,
    r.status,
    r.truncated,
    r.malformed,
  ];
}

const CSV_BATCH = 1000;

const csv: DecodeFormat = {
  stream: () => {
    let rows: unknown[][] = [];
    const flush = (): string => {
      if (rows.length === 0) return '';
      const text = safeCsvRows(rows);
      rows = [];
      return text;
    };
    return {
      start: () => csvRows([CSV_COLUMNS]),
      packet: (r) => {
        rows.push(csvRow(r));
        return rows.length >= CSV_BATCH ? flush() : '';
      },
      end: () => flush(),
    };
  },
  summary: (e) => {
    const s = e.summary;
    const rows: unknown[][] = [['section', 'name', 'value']];
    const add = (section: string, name: string | number, value: unknown): void => void rows.push([section, name, value]);
    add('totals', 'packets', s.packets);
    add('totals', 'bytes', s.bytes);
    add('totals', 'capturedBytes', s.capturedBytes);
    add('totals', 'flows', s.flows);
    add('totals', 'firstTs', s.firstTs);
    add('totals', 'lastTs', s.lastTs);
    add('totals', 'spanSeconds', s.spanSeconds);
    add('totals', 'processingSeconds', s.processingSeconds);
    add('totals', 'packetsPerSecond', s.packetsPerSecond);
    add('totals', 'complete', e.complete);
    for (const [k, v] of Object.entries(s.status)) add('status', k, v);
    for (const r of s.reasons) add('reason', r.reason, r.packets);
    for (const l of s.linkTypes) add('linkType', l.name, l.packets);
    for (const i of s.interfaces) add('interface', i.name ?? `#${i.index}`, i.packets);
    for (const i of s.ifIndexes) add('ifIndex', i.name === null ? String(i.ifIndex) : `${i.ifIndex} (${i.name})`, i.packets);
    if (s.ifIndexesNotCounted > 0) add('ifIndex', 'not counted', s.ifIndexesNotCounted);
    if (s.ifIndexesInvalid > 0) add('ifIndex', 'invalid (top bit set)', s.ifIndexesInvalid);
    for (const p of s.protocols) add('protocol', p.proto, p.packets);
    for (const t of s.tunnels) add('tunnel', t.kind, t.packets);
    return safeCsvRows(rows);
  },
};

// ---- table ----

const TABLE_PAGE = 1000;
/**
 * Columns of the packet table. Addresses with their ports and interface names are never cut;
 * when a row does not fit the width, `info` goes on its own line under the row, and as a last
 * resort the row's cells flow as one wrapped line (text-layout.ts). A status other than `ok` is
 * said in `info`, so that a column of "ok" does not take room.
 */
const TABLE_COLUMNS: readonly Column[] = [
  { head: 'frame', right: true, keep: true },
  { head: 'time (UTC)', keep: true },
  { head: 'if', keep: true },
  { head: 'dir', keep: true },
  { head: 'source', keep: true },
  { head: 'destination', keep: true, below: true },
  { head: 'proto', keep: true, below: true },
  { head: 'info', wrap: true, below: true, min: 16 },
];
/** One space between columns, as tcpdump: two would push the destination off an 80-column line. */
const TABLE_GAP = 1;

/** "22:19:01.123456" (UTC time of day, the file's precision) from the record's epoch text. */
function timeOfDay(ts: string | null): string {
  if (ts === null) return '-';
  const dot = ts.indexOf('.');
  const whole = Number(dot < 0 ? ts : ts.slice(0, dot));
  const day = ((whole % 86400) + 86400) % 86400;
  const hh = String(Math.floor(day / 3600)).padStart(2, '0');
  const mm = String(Math.floor((day % 3600) / 60)).padStart(2, '0');
  const ss = String(day % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}${dot < 0 ? '' : ts.slice(dot, dot + 7)}`;
}

export function infoText(r: DecodeRecord): string {
  const parts: string[] = [];
  if (r.tcp !== null) {
    parts.push(`[${r.tcp.flags ?? '?'}]`);
    if (r.tcp.seq !== null) parts.push(`seq ${r.tcp.seq}`);
    if (r.tcp.ack !== null && r.tcp.flags !== null && r.tcp.flags.includes('.')) parts.push(`ack ${r.tcp.ack}`);
  } else if (r.icmp !== null) {
    parts.push(`type ${r.icmp.type}/${r.icmp.code}`);
    if (r.icmp.id !== null) parts.push(`id ${r.icmp.id} seq ${r.icmp.seq}`);
  }
  for (const e of r.encap) parts.push(`<${e.type}${e.vni === null ? '' : ` ${e.vni}`}>`);
  if (r.status !== 'ok') parts.push(r.malformed !== null ? `${r.status}: ${r.malformed.toLowerCase()}` : r.status);
  return parts.join(' ');
}

/** "10.0.0.1:443", "[2001:db8::1]:443", the address alone without a port, "-" without an address. */
function endpointText(address: string | null, port: number | null): string {
  if (address === null) return '-';
  if (port === null) return address;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function tableRow(r: DecodeRecord): string[] {
  return [
    String(r.frame),
    timeOfDay(r.ts),
    // The capture's own name for it (pcapng if_name): shown, not obeyed, on a terminal.
    r.interface !== null ? shown(r.interface) : r.ifIndex !== null ? `if${r.ifIndex}` : '-',
    r.direction ?? '-',
    endpointText(r.src, r.sport),
    endpointText(r.dst, r.dport),
    // The decoder names only the protocols it reads (tcp, udp, icmp…); igmp, not "2".
    typeof r.proto === 'number' ? ipProtocolName(r.proto) : r.proto !== null ? r.proto : r.nonIp !== null ? (r.nonIp === 'arp' ? 'arp' : `ethertype ${r.nonIp}`) : '-',
    infoText(r),
  ];
}

/** "igmp (2)": names with their number, so that both can be searched for; plain numbers as they are. */
function protocolText(proto: string): string {
  if (proto === 'non-ip') return 'not IP';
  if (proto === 'unknown') return 'IP, upper layer not read';
  if (proto === 'arp') return 'arp';
  const number = shownIpProtocolNumber(proto);
  return number === undefined ? `IP protocol ${proto}` : `${proto} (${number})`;
}

function interfaceRows(s: DecodeSummary): Array<[string, number]> {
  if (s.ifIndexes.length > 0 || s.ifIndexesInvalid > 0) {
    // Linux cooked v2 / NFLOG: each packet says its kernel interface; the file's one "interface" says nothing.
    const rows = s.ifIndexes.map((i): [string, number] => [i.name !== null ? `${i.name} (ifindex ${i.ifIndex})` : `ifindex ${i.ifIndex} (not in the host's ip link)`, i.packets]);
    if (s.ifIndexesNotCounted > 0) rows.push(['other interface indexes (not counted one by one)', s.ifIndexesNotCounted]);
    if (s.ifIndexesInvalid > 0) rows.push(['unknown: interface index with its top bit set (no kernel\'s)', s.ifIndexesInvalid]);
    return rows;
  }
  return s.interfaces.map((i): [string, number] => [
    i.name === null ? `#${i.index} (the capture does not name it)` : i.nameFrom === 'file-name' ? `${i.name} (the file's name; in the host's ip link)` : i.name,
    i.packets,
  ]);
}

function renderSummaryTable(e: DecodeEnd, ctx: DecodeRenderContext): string {
  // Names from the capture and the host's dumps reach a terminal here: their control characters are shown, not obeyed.
  const s = shownEverywhere(e.summary);
  const st = ctx.style;
  const width = ctx.width;
  const pct = (n: number): string => (s.packets > 0 ? `${((n / s.packets) * 100).toFixed(1)} %` : '-');
  const line = (label: string, text: string) => labelled('', st.bold(label), 9, text, width);
  const section = (title: string, rows: Array<[string, number]>): string[] => {
    if (rows.length === 0) return [];
    const columns = [{ head: title, wrap: true }, { head: 'packets', right: true, keep: true }, { head: 'share', right: true, keep: true }];
    const laid = layoutColumns(columns, rows.map(([name, n]) => [name, formatCount(n), pct(n)]), width);
    return ['', ...laid.lines.map((l, i) => (i < laid.headLines ? st.bold(l) : l))];
  };
  const state = e.complete ? '' : e.stoppedEarly ? '  (stopped at --limit)' : '  (INCOMPLETE: see the problems below)';
  const out = [
    ...line('capture', `${ctx.file}${state}`).map((l) => (state !== '' && !e.stoppedEarly ? st.red(l) : l)),
    ...line('packets', `${formatCount(s.packets)}; ${formatCount(s.bytes)} bytes on the wire (${formatBytes(s.bytes)}), ${formatCount(s.capturedBytes)} captured`),
    ...line('flows', `${formatCount(s.flows)}${s.flowsSaturated ? ' at least (flow table full)' : ''} (innermost 5-tuples, both directions as one)`),
    ...line('first', withUtc(s.firstTs)),
    ...line('last', withUtc(s.lastTs)),
    ...(s.spanSeconds === null ? [] : line('span', formatDuration(s.spanSeconds))),
    ...line(
      'status',
      `ok ${formatCount(s.status.ok)}, truncated ${formatCount(s.status.truncated)}, malformed ${formatCount(s.status.malformed)}, unsupported ${formatCount(s.status.unsupported)}`,
    ),
    ...line('processed', `in ${formatDuration(s.processingSeconds)}${s.packetsPerSecond === null ? '' : ` (${formatCount(s.packetsPerSecond)} packets/s)`}`),
    ...section('link type', s.linkTypes.map((l) => [`${l.name} (${l.linkType})`, l.packets])),
    ...section('interface', interfaceRows(s)),
    ...section('protocol (innermost)', s.protocols.map((p) => [protocolText(p.proto), p.packets])),
    ...section('tunnel (outermost)', s.tunnels.map((t) => [t.kind, t.packets])),
    ...section('problem', s.reasons.map((r) => [`${r.reason.toLowerCase()} (${r.status})`, r.packets])),
  ];
  if (e.diagnostics.length > 0) {
    out.push('', st.bold('file problems'));
    for (const d of e.diagnostics) {
      const mark = d.severity === 'error' ? st.red('!') : st.yellow('~');
      out.push(...wrapWords(formatDiagnostic(d), Math.max(20, width - 2)).map((l, i) => `${i === 0 ? `${mark} ` : '  '}${l}`));
    }
  }
  return `${out.join('\n')}\n`;
}

const table: DecodeFormat = {
  stream: (ctx) => {
    let rows: string[][] = [];
    let pages = 0;
    // Widths never shrink from one page to the next, so that columns stay aligned down the
    // stream; the header is repeated only when a later page needs a different layout.
    let atLeast: number[] = [];
    let shownLayout = '';
    const notes = new Set<string>();
    const flush = (): string => {
      if (rows.length === 0) return '';
      const laid = layoutColumns(TABLE_COLUMNS, rows, ctx.width, { gap: TABLE_GAP, atLeast });
      atLeast = laid.natural;
      const head = laid.lines.slice(0, laid.headLines);
      const body = laid.lines.slice(laid.headLines);
      const layout = head.join('\n');
      const text = `${layout === shownLayout ? '' : `${head.map((l) => ctx.style.bold(l)).join('\n')}\n`}${body.join('\n')}\n`;
      shownLayout = layout;
      for (const b of laid.below) notes.add(b);
      pages++;
      rows = [];
      return text;
    };
    return {
      start: () => '',
      packet: (r) => {
        rows.push(tableRow(r));
        return rows.length >= TABLE_PAGE ? flush() : '';
      },
      // File problems go to stderr (the command prints them), so stdout stays the table.
      end: () => {
        const rest = flush();
        if (pages === 0) return 'no packets\n';
        const note = notes.size === 0 ? '' : ctx.style.dim(`${wrapWords(`(${[...notes].join(', ')} under each row to fit ${ctx.width} columns; --width 0 puts ${notes.size === 1 ? 'it' : 'them'} beside)`, ctx.width).join('\n')}\n`);
        return rest + note;
      },
    };
  },
  summary: renderSummaryTable,
};

export const DECODE_FORMATS = { table, csv, json, ndjson } satisfies Record<DecodeFormatName, DecodeFormat>;

/** The instant in UTC ISO 8601 (the capture's precision kept), then the epoch seconds as the capture has them. */
function withUtc(epoch: string | null): string {
  if (epoch === null) return '- (no timestamp)';
  const [whole, fraction = ''] = epoch.split('.');
  const seconds = Number(whole);
  if (!Number.isFinite(seconds) || Math.abs(seconds) > 8.64e12) return epoch;
  const iso = new Date(seconds * 1000).toISOString().replace(/\.000Z$/, '');
  return `${iso}${fraction !== '' ? `.${fraction}` : ''}Z  (epoch ${epoch})`;
}
