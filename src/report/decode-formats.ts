// The output formats of `natpath decode`: the keys of DECODE_FORMATS are the allowed `--format`
// values. Each format streams: `start` once, `packet` per record (may buffer and return ''), `end`
// once — so NDJSON/CSV/table output never holds all packets in memory (JSON holds none either: the
// array is written element by element). `summary` renders `--summary` instead of per-packet lines.

import Table from 'cli-table3';
import { csvRows } from './csv.js';
import type { DecodeFormatName } from './format-names.js';
import type { Style } from './terminal.js';
import { formatDiagnostic, type Diagnostic } from '../text/diagnostic.js';
import { DECODE_SCHEMA, type DecodeRecord } from './decode-record.js';
import type { DecodeSummary } from '../flow/decode-summary.js';
import { formatBytes, formatCount, formatDuration } from './format-number.js';
import { safeCsvRows } from './csv-cell.js';

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
    for (const p of s.protocols) add('protocol', p.proto, p.packets);
    for (const t of s.tunnels) add('tunnel', t.kind, t.packets);
    return safeCsvRows(rows);
  },
};

// ---- table ----

const TABLE_PAGE = 1000;
const TABLE_HEAD = ['frame', 'time (UTC)', 'if', 'dir', 'source', 'sport', 'destination', 'dport', 'proto', 'info', 'status'];
const TABLE_WIDTHS = [8, 17, 8, 5, 26, 7, 26, 7, 7, 34, 10];
const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: ' ',
};

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
  } else if (r.nonIp !== null) {
    parts.push(r.nonIp === 'arp' ? 'ARP' : `ethertype ${r.nonIp}`);
  }
  for (const e of r.encap) parts.push(`<${e.type}${e.vni === null ? '' : ` ${e.vni}`}>`);
  return parts.join(' ');
}

function tableRow(r: DecodeRecord): string[] {
  const dash = (v: string | number | null): string => (v === null ? '-' : String(v));
  return [
    String(r.frame),
    timeOfDay(r.ts),
    r.interface ?? (r.ifIndex !== null ? `if${r.ifIndex}` : '-'),
    dash(r.direction),
    r.src ?? '-',
    dash(r.sport),
    r.dst ?? '-',
    dash(r.dport),
    dash(r.proto),
    infoText(r),
    r.malformed !== null ? r.malformed.toLowerCase() : r.status,
  ];
}

function newPageTable(withHead: boolean, style: Style): Table.Table {
  return new Table({
    head: withHead ? TABLE_HEAD.map((h) => style.bold(h)) : [],
    colWidths: TABLE_WIDTHS,
    chars: BORDERLESS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    wordWrap: false,
  });
}

function diagnosticsText(diags: Diagnostic[], style: Style): string {
  return diags.map((d) => `${d.severity === 'error' ? style.red('!') : style.yellow('~')} ${formatDiagnostic(d)}`).join('\n');
}

function renderSummaryTable(e: DecodeEnd, ctx: DecodeRenderContext): string {
  const s = e.summary;
  const st = ctx.style;
  const pct = (n: number): string => (s.packets > 0 ? `${((n / s.packets) * 100).toFixed(1)} %` : '-');
  const section = (title: string, rows: Array<[string, number]>): string => {
    if (rows.length === 0) return '';
    const t = new Table({ head: [st.bold(title), st.bold('packets'), st.bold('share')], style: { head: [], border: [] } });
    for (const [name, n] of rows) t.push([name, { hAlign: 'right', content: formatCount(n) }, { hAlign: 'right', content: pct(n) }]);
    return `${t.toString()}\n`;
  };
  const lines = [
    `${st.bold('capture')}   ${ctx.file}${e.complete ? '' : st.red(e.stoppedEarly ? '  (stopped at --limit)' : '  (INCOMPLETE: see the problems below)')}`,
    `${st.bold('packets')}   ${formatCount(s.packets)}   ${st.bold('bytes')} ${formatBytes(s.bytes)} on the wire, ${formatBytes(s.capturedBytes)} captured`,
    `${st.bold('flows')}     ${formatCount(s.flows)}${s.flowsSaturated ? ' (at least: flow table full)' : ''} (innermost 5-tuples, both directions as one)`,
    `${st.bold('time')}      ${withUtc(s.firstTs)} → ${withUtc(s.lastTs)}${s.spanSeconds === null ? '' : `  (${formatDuration(s.spanSeconds)})`}`,
    `${st.bold('status')}    ok ${formatCount(s.status.ok)}, truncated ${formatCount(s.status.truncated)}, malformed ${formatCount(
      s.status.malformed,
    )}, unsupported ${formatCount(s.status.unsupported)}`,
    `${st.bold('processed')} in ${formatDuration(s.processingSeconds)}${
      s.packetsPerSecond === null ? '' : ` (${formatCount(s.packetsPerSecond)} packets/s)`
    }`,
    '',
  ];
  const out = [lines.join('\n')];
  out.push(section('link type', s.linkTypes.map((l) => [`${l.name} (${l.linkType})`, l.packets])));
  out.push(section('interface', s.interfaces.map((i) => [i.name ?? `#${i.index} (no name)`, i.packets])));
  out.push(section('protocol (innermost)', s.protocols.map((p) => [p.proto, p.packets])));
  out.push(section('tunnel (outermost)', s.tunnels.map((t) => [t.kind, t.packets])));
  out.push(section('problem', s.reasons.map((r) => [`${r.reason.toLowerCase()} (${r.status})`, r.packets])));
  if (e.diagnostics.length > 0) out.push(`${st.bold('file problems')}\n${diagnosticsText(e.diagnostics, st)}\n`);
  return out.filter((x) => x !== '').join('\n');
}

const table: DecodeFormat = {
  stream: (ctx) => {
    let page = newPageTable(true, ctx.style);
    let rows = 0;
    let pages = 0;
    const flush = (): string => {
      if (rows === 0) return '';
      const text = `${page.toString()}\n`;
      pages++;
      page = newPageTable(false, ctx.style);
      rows = 0;
      return text;
    };
    return {
      start: () => '',
      packet: (r) => {
        page.push(tableRow(r));
        rows++;
        return rows >= TABLE_PAGE ? flush() : '';
      },
      // File problems go to stderr (the command prints them), so stdout stays one line per packet.
      end: () => {
        const rest = flush();
        return pages === 0 && rest === '' ? 'no packets\n' : rest;
      },
    };
  },
  summary: renderSummaryTable,
};

export const DECODE_FORMATS = { table, csv, json, ndjson } satisfies Record<DecodeFormatName, DecodeFormat>;

/** Epoch seconds as the capture has them, then the same instant in UTC ISO 8601 (nanoseconds kept). */
function withUtc(epoch: string | null): string {
  if (epoch === null) return '-';
  const [whole, fraction = ''] = epoch.split('.');
  const seconds = Number(whole);
  if (!Number.isFinite(seconds)) return epoch;
  const iso = new Date(seconds * 1000).toISOString().replace(/\.000Z$/, '');
  return `${epoch} (${iso}${fraction !== '' ? `.${fraction}` : ''}Z)`;
}
