// Terminal rendering of `natpath inspect`: one table per host, file → kind → facts, then problems.

import Table from 'cli-table3';
import { FILE_KIND_LABELS } from '../case/file-kind.js';
import { wrapWords } from './text-layout.js';
import { formatDiagnostic } from '../text/diagnostic.js';
import type { Style } from './terminal.js';
import { formatBytes, formatCount, formatDuration, formatTimestamp } from './format-number.js';
import type { FileFacts, InspectedFile, InspectReport } from './inspect-model.js';

export function renderInspectTable(report: InspectReport, style: Style, width: number): string {
  const out: string[] = [];
  const t = report.totals;
  const summary =
    `${formatCount(t.hosts)} host(s), ${formatCount(t.files)} file(s): ${formatCount(t.captures)} capture(s) with ${formatCount(t.packets)} packets, ` +
    `${formatCount(t.snapshots)} snapshot(s), ${formatCount(t.unrecognised)} unrecognised${t.collectorFiles > 0 ? `, ${formatCount(t.collectorFiles)} from natpath collect` : ''}`;
  out.push(...wrapWords(summary, width).map((l) => style.bold(l)));
  for (const host of report.hosts) {
    out.push('');
    out.push(`${style.bold(`Host ${host.name}`)} ${style.dim(`(${host.sources.join(', ')})`)}`);
    out.push(renderFiles(host.files, style, width, host.sources));
    if (host.nftables !== null) {
      const ignored = host.nftables.ignored.length > 0 ? `; not used: ${host.nftables.ignored.join(', ')} (the JSON is preferred)` : '';
      const line = `nftables rules from ${host.nftables.files.join(', ')} (${host.nftables.format === 'json' ? 'nft -j list ruleset' : 'nft list ruleset'})${ignored}`;
      out.push(...wrapWords(line, width - 2).map((l, i) => (i === 0 ? l : `  ${l}`)));
    }
  }
  if (report.looseFiles.length > 0) {
    out.push('');
    out.push(style.bold('Files outside any host folder (not used)'));
    out.push(renderFiles(report.looseFiles, style, width));
  }
  const problems = [
    ...report.diagnostics,
    ...report.hosts.flatMap((h) => h.files.flatMap((f) => f.diagnostics)),
  ];
  if (problems.length > 0) {
    out.push('');
    out.push(style.bold(`Problems (${problems.length})`));
    for (const d of problems) {
      const colour = d.severity === 'error' ? style.red : d.severity === 'warning' ? style.yellow : (s: string) => s;
      out.push(...wrapWords(formatDiagnostic(d), width - 2).map((l, i) => colour(i === 0 ? l : `  ${l}`)));
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * Rows per cli-table3 table: its layout looks for span conflicts among all the cells above each
 * cell, so one table costs the square of its rows (20 000 files: over a minute). Chunks of this
 * many rows are drawn separately and joined into one table, drawn exactly as a single one would be.
 */
const ROWS_PER_CHUNK = 200;

function renderFiles(files: InspectedFile[], style: Style, width: number, sources: string[] = []): string {
  const rows = files.map((f) => {
    const kind = FILE_KIND_LABELS[f.kind] + (f.compression ? ` (${f.compression})` : '');
    const facts = f.facts !== null ? describeFacts(f.facts) : f.reason ?? (f.kind === 'collect-log' ? "the collector's own log: each command, its status and stderr" : 'facts could not be read');
    // Paths have no spaces to break at: wrap them anywhere rather than cut them off.
    return [{ content: shortenPath(f.path, sources), wrapOnWordBoundary: false }, f.kind === 'unrecognised' ? style.yellow(kind) : kind, facts] as Table.HorizontalTableRow;
  });
  const head = ['File', 'Kind', 'Facts'];
  if (Number.isFinite(width)) {
    const fileWidth = Math.max(16, Math.min(40, Math.floor(width * 0.3)));
    const kindWidth = 18;
    const colWidths = [fileWidth, kindWidth, Math.max(20, width - fileWidth - kindWidth - 4)];
    return joinChunks(chunksOf(rows).map((chunk, i) => drawTable(i === 0 ? head : [], chunk, { colWidths, wordWrap: true, wrapOnWordBoundary: true })));
  }
  // No width limit (a file, a pipe without COLUMNS): columns as wide as their text, nothing
  // wrapped. Each chunk measures its own columns; chunks narrower than the widest are drawn again
  // at the widest widths (cli-table3 measures, so wide characters count as it counts them).
  const chunks = chunksOf(rows);
  const drawn = chunks.map((chunk, i) => drawTable(i === 0 ? head : [], chunk, {}));
  const widths = drawn.map(columnWidths);
  const widest = widths[0]!.map((_, c) => Math.max(...widths.map((w) => w[c] ?? 0)));
  return joinChunks(drawn.map((text, i) => (widths[i]!.every((w, c) => w === widest[c]) ? text : drawTable(i === 0 ? head : [], chunks[i]!, { colWidths: widest }))));
}

function chunksOf<T>(rows: T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) chunks.push(rows.slice(i, i + ROWS_PER_CHUNK));
  return chunks.length > 0 ? chunks : [[]];
}

function drawTable(head: string[], rows: Table.HorizontalTableRow[], options: Partial<Table.TableConstructorOptions>): string {
  const table = new Table({ head, ...options, style: { head: [], border: [] } });
  table.push(...rows);
  return table.toString();
}

/** Widths of the columns of a drawn table, from its top border (`┌───┬──┐`). */
function columnWidths(text: string): number[] {
  const top = text.slice(0, text.indexOf('\n') >>> 0);
  return top.slice(1, -1).split('┬').map((part) => part.length);
}

/**
 * One table from tables drawn with the same columns: the first keeps its top border and head,
 * each later one's top border becomes a row separator and every bottom border but the last goes.
 */
function joinChunks(tables: string[]): string {
  if (tables.length === 1) return tables[0]!;
  const lines: string[] = [];
  tables.forEach((text, i) => {
    const own = text.split('\n');
    const body = own.slice(i === 0 ? 0 : 1, i === tables.length - 1 ? own.length : -1);
    if (i > 0) lines.push(separatorFor(own[0]!));
    lines.push(...body);
  });
  return lines.join('\n');
}

/** `┌──┬──┐` → `├──┼──┤`. */
function separatorFor(top: string): string {
  return `├${top.slice(1, -1).replaceAll('┬', '┼')}┤`;
}

export function describeFacts(facts: FileFacts): string {
  switch (facts.type) {
    case 'capture': {
      const span =
        facts.firstTimestamp !== null && facts.lastTimestamp !== null
          ? `${formatTimestamp(facts.firstTimestamp)} + ${formatDuration(facts.durationSeconds ?? 0)}`
          : 'no timestamps';
      const links = facts.linkTypes.map((l) => l.name).join(', ');
      const ifaces = facts.interfaces
        .filter((i) => i.name !== null)
        .map((i) => `${i.name} (${formatCount(i.packets)})`)
        .join(', ');
      const parts = [
        `${formatCount(facts.packets)} packets, ${formatBytes(facts.capturedBytes)}`,
        `${facts.timestampPrecision} timestamps`,
        `link: ${links || 'none'}`,
      ];
      if (ifaces) parts.push(`interfaces: ${ifaces}`);
      parts.push(span);
      if (facts.truncatedPackets > 0) parts.push(`${formatCount(facts.truncatedPackets)} cut at snaplen`);
      if (!facts.complete) parts.push('DAMAGED: read up to the damage');
      return parts.join('; ');
    }
    case 'iptables':
      return [`${facts.family}, ${formatCount(facts.rules)} rules`, ...facts.tables.map((t) => `${t.name}: ${t.chains} chains (${t.userChains} user), ${formatCount(t.rules)} rules`)].join('; ');
    case 'routes':
      return `${facts.routes} routes (${facts.defaultRoutes} default); ${facts.byTable
        .map((t) => `${t.table}/${t.family === 'ipv4' ? 'v4' : 'v6'}: ${t.routes}`)
        .join(', ')}`;
    case 'rules':
      return `${facts.rules} rules (${facts.families.join(', ')}); tables: ${facts.tables.join(', ')}`;
    case 'interfaces':
      return `${facts.interfaces} interfaces, ${facts.addresses} addresses: ${facts.names.join(', ')}`;
    case 'conntrack':
      return [`${formatCount(facts.entries)} entries, ${formatCount(facts.natted)} NAT'd`, facts.byProtocol.map((p) => `${p.protocol}: ${formatCount(p.entries)}`).join(', ')]
        .filter((part) => part !== '')
        .join('; ');
    case 'host-info':
      return facts.entries.map((e) => `${e.key}: ${e.value}`).join('; ') || 'no entries';
    case 'nftables':
      return describeNftFacts(facts);
    case 'ipset': {
      const shown = facts.sets.slice(0, 12).map((s) => {
        const notes = [
          s.declaredEntries !== null ? `of ${s.declaredEntries} announced` : '',
          s.nomatchEntries > 0 ? `${s.nomatchEntries} nomatch` : '',
          s.timedEntries > 0 ? `${s.timedEntries} timed` : '',
        ].filter((n) => n !== '');
        return `${s.name} ${s.type}${s.family === 'ipv6' ? ' inet6' : ''}: ${s.entries}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
      });
      const more = facts.sets.length > shown.length ? `; … ${facts.sets.length - shown.length} more` : '';
      return `${facts.sets.length} sets, ${facts.entries} entries (ipset ${facts.format}); ${shown.join('; ')}${more}`;
    }
    case 'ipvs':
      return `${facts.services} virtual services (${facts.byProtocol.map((p) => `${p.protocol}: ${p.services}`).join(', ')}), ${facts.realServers} real servers${
        facts.servicesWithoutRealServers > 0 ? `, ${facts.servicesWithoutRealServers} without any` : ''
      }${facts.persistentServices > 0 ? `, ${facts.persistentServices} persistent` : ''}`;
  }
}

/** `inet fw4: 30 chains, 120 rules; hooks: input filter 0 drop (12), …; sets: zone_lan (3 elements)`. */
function describeNftFacts(facts: Extract<FileFacts, { type: 'nftables' }>): string {
  const head = `${facts.tables.length} table(s), ${facts.chains} chains, ${facts.rules} rules, ${facts.sets} sets/maps with ${facts.elements} elements${
    facts.handles ? ', with handles' : ''
  }`;
  const tables = facts.tables.map((t) => {
    const parts = [`${t.family} ${t.name}: ${t.chains} chains, ${t.rules} rules`];
    if (t.baseChains.length > 0) {
      parts.push(`hooks: ${t.baseChains.map((c) => `${c.name} (${c.type} ${c.hook} ${c.priority} ${c.policy}, ${c.rules} rule${c.rules === 1 ? '' : 's'})`).join(', ')}`);
    }
    if (t.sets.length > 0) {
      const shown = t.sets.slice(0, 8).map((s) => `${s.kind} ${s.name} (${s.elements})`);
      if (t.sets.length > shown.length) shown.push(`${t.sets.length - shown.length} more`);
      parts.push(`sets: ${shown.join(', ')}`);
    }
    return parts.join('; ');
  });
  return [head, ...tables].join('\n');
}

/** Under a host heading the host folder is already named: show paths relative to it. */
function shortenPath(path: string, sources: string[]): string {
  for (const source of sources) {
    const prefix = source.endsWith('/') ? source : `${source}/`;
    if (path.startsWith(prefix)) return path.slice(prefix.length);
  }
  return path;
}
