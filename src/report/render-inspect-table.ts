// Terminal rendering of `natpath inspect`: one table per host, file → kind → facts, then problems.

import { FILE_KIND_LABELS } from '../case/file-kind.js';
import { layoutColumns, wrapWords } from './text-layout.js';
import { formatDiagnostic } from '../text/diagnostic.js';
import type { Style } from './terminal.js';
import { formatBytes, formatCount, formatDuration, formatTimestamp } from './format-number.js';
import type { FileFacts, InspectedFile, InspectReport } from './inspect-model.js';
import { shownEverywhere } from '../text/shown.js';

export function renderInspectTable(fromInputs: InspectReport, style: Style, width: number): string {
  // Names and text from the inputs reach a terminal here: their control characters are shown, not obeyed.
  const report = shownEverywhere(fromInputs);
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
 * The files of one host under a header (File, Kind, Facts), drawn by the table writer decode
 * --summary uses (layoutColumns): no borders, fitted to `width`, time linear in the rows. Every
 * column wraps at spaces, never inside a word; a path wider than its column breaks only after a
 * `/` (as the HTML report's names do), so no name is cut or split. Facts also breaks at its own
 * line breaks (nft facts: one line per table).
 */
function renderFiles(files: InspectedFile[], style: Style, width: number, sources: string[] = []): string {
  const rows = files.map((f) => {
    const kind = FILE_KIND_LABELS[f.kind] + (f.compression ? ` (${f.compression})` : '');
    const facts = f.facts !== null ? describeFacts(f.facts) : f.reason ?? (f.kind === 'collect-log' ? "the collector's own log: each command, its status and stderr" : 'facts could not be read');
    // Coloured word by word before layout: widths are measured without colour codes, and a wrapped kind keeps its colour on each line.
    return [shortenPath(f.path, sources), f.kind === 'unrecognised' ? kind.split(' ').map((w) => style.yellow(w)).join(' ') : kind, facts];
  });
  const columns = [{ head: 'File', wrap: true, breakAfter: '/' }, { head: 'Kind', wrap: true }, { head: 'Facts', wrap: true }];
  const laid = layoutColumns(columns, rows, width);
  return laid.lines.map((l, i) => (i < laid.headLines ? style.bold(l) : l)).join('\n');
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
