// Terminal and Markdown renderings of `natpath analyze`: the answer first, then each flow's
// path hop by hop with its translations, then clocks, inputs and problems.

import Table from 'cli-table3';
import type { Style } from './terminal.js';
import type { AnalyzeReport, DiagnosticView, Flow, Hop, Translation } from './analyze-model.js';
import { answerSentence, flowSeenText } from './answer-text.js';
import { formatCount } from './format-number.js';
import { ruleName, ruleSourceText } from './rule-name.js';

function translationLine(t: Translation): string {
  const why = t.rule !== null ? ` — ${ruleName(t.rule)}: ${t.rule.text} (${ruleSourceText(t.rule)})` : t.note !== null ? ` (${t.note})` : '';
  const evidence = t.conntrack !== null ? `; conntrack ${t.conntrack.file}:${t.conntrack.line}` : '';
  return `${t.kind} ${t.description}${why}${evidence}`;
}

function hopLine(host: string, h: Hop): string[] {
  const tunnel = h.encapsulation.map((e) => `${e.type}${e.vni !== null ? ` ${e.vni}` : ''} ${e.src ?? '?'} → ${e.dst ?? '?'}`).join(' / ');
  return [
    `${host}:${h.interface}${h.direction !== null ? ` (${h.direction})` : ''}`,
    h.src,
    h.dst,
    tunnel,
    `${formatCount(h.packetsToServer)} / ${formatCount(h.packetsToClient)}`,
    `+${(h.position * 1e3).toFixed(3)} ms`,
  ];
}

function diagnosticLine(d: DiagnosticView): string {
  const where = d.line !== undefined ? `${d.file}:${d.line}` : d.offset !== undefined ? `${d.file} (byte offset ${d.offset})` : d.file;
  return `${where}: ${d.severity}: ${d.message}${d.count !== undefined && d.count > 1 ? ` (${d.count} times)` : ''}`;
}

function isMultiPoint(f: Flow): boolean {
  return f.legs.length > 1 || (f.legs[0]?.hops.length ?? 0) > 1;
}

export function renderAnalyzeTable(report: AnalyzeReport, style: Style): string {
  const out: string[] = [];
  out.push(style.bold('Answer'));
  if (report.answers.length === 0) out.push('  no IP flow was found in the captures');
  for (const a of report.answers) {
    out.push(`  ${answerSentence(a)}`);
    for (const t of a.translations) out.push(style.dim(`    · ${t}`));
    for (const leak of a.leaks) out.push(style.red(`    ! LEAK: ${leak}`));
  }
  const t = report.totals;
  out.push('');
  out.push(
    `${formatCount(t.flows)} flows (${formatCount(t.multiPointFlows)} seen at several capture points), ` +
      `${formatCount(t.translations)} translations, ${formatCount(t.unexplained)} not explained by a rule, ${formatCount(t.leaks)} leaks, ${formatCount(t.packets)} packets`,
  );
  for (const f of report.flows.filter(isMultiPoint)) out.push('', ...renderFlow(f, style));
  const single = report.flows.length - report.flows.filter(isMultiPoint).length;
  if (single > 0) out.push('', style.dim(`${formatCount(single)} flows were seen at one capture point only (listed in --format json/csv).`));
  if (t.listedFlows < t.flows) out.push(style.dim(`${formatCount(t.flows - t.listedFlows)} more flows are counted above but not listed (--max-flows ${t.listedFlows}; 0 lists all).`));
  out.push('', style.bold('Clocks'), renderClocks(report));
  out.push('', style.bold('Inputs'));
  for (const line of inputLines(report)) out.push(`  ${line}`);
  if (report.diagnostics.length > 0) {
    out.push('', style.bold(`Problems (${report.diagnostics.length})`));
    for (const d of report.diagnostics) {
      const line = diagnosticLine(d);
      out.push(d.severity === 'error' ? style.red(line) : d.severity === 'warning' ? style.yellow(line) : line);
    }
  }
  return `${out.join('\n')}\n`;
}

function renderFlow(f: Flow, style: Style): string[] {
  const head = `Flow ${f.id}: ${f.proto} ${f.client} → ${f.server}`;
  const sees = `; ${flowSeenText(f)}`;
  const table = new Table({ head: ['Capture point', 'Source', 'Destination', 'Tunnel', 'Packets →/←', 'When'], style: { head: [], border: [] } });
  for (const l of f.legs) for (const h of l.hops) table.push(hopLine(l.host, h));
  const lines = [style.bold(head) + sees, table.toString()];
  for (const t of f.translations) lines.push(`  ${!t.explained && t.where !== 'beyond' ? style.yellow(translationLine(t)) : translationLine(t)}`);
  if (f.translatedBeyondReason !== null) lines.push(style.yellow(`  Not captured at the server: ${f.translatedBeyondReason}`));
  for (const leak of f.leaks) lines.push(style.red(`  LEAK: ${leak.description}`));
  return lines;
}

function renderClocks(report: AnalyzeReport): string {
  return report.hosts
    .map(({ name, clock: c }) =>
      c.basis === 'reference'
        ? `  ${name}: reference clock`
        : c.basis === 'unknown' || c.offsetSeconds === null
          ? `  ${name}: unknown (no packet shared with another host)`
          : `  ${name}: ${(c.offsetSeconds * 1e3).toFixed(3)} ms ± ${((c.spreadSeconds ?? 0) * 1e3).toFixed(3)} ms from ${formatCount(c.sharedPackets)} shared packets (${c.basis})`,
    )
    .join('\n');
}

function inputLines(report: AnalyzeReport): string[] {
  const lines: string[] = [];
  for (const h of report.hosts) {
    for (const c of h.captures) {
      lines.push(
        `${h.name}: ${c.file} — ${formatCount(c.packets)} packets (${formatCount(c.nonIpPackets)} not IP, ${formatCount(c.damagedPackets)} damaged) at ${c.interfaces.join(', ') || 'no interface'}`,
      );
    }
    if (h.snapshots.length > 0) lines.push(`${h.name}: ${h.snapshots.length} snapshot(s): ${h.snapshots.join(', ')}`);
  }
  return lines;
}

/** Markdown for tickets: the answer, the translations, one table per flow. */
export function renderAnalyzeMarkdown(report: AnalyzeReport): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out: string[] = ['# natpath analysis', '', '## Answer', ''];
  if (report.answers.length === 0) out.push('No IP flow was found in the captures.');
  for (const a of report.answers) {
    out.push(`- **${esc(answerSentence(a))}**`);
    for (const t of a.translations) out.push(`  - ${esc(t)}`);
    for (const leak of a.leaks) out.push(`  - **LEAK:** ${esc(leak)}`);
  }
  const t = report.totals;
  out.push('', `${t.flows} flows (${t.multiPointFlows} at several capture points), ${t.translations} translations, ${t.unexplained} not explained by a rule.`);
  for (const f of report.flows.filter(isMultiPoint)) {
    out.push('', `## Flow ${f.id}: ${f.proto} ${esc(f.client)} → ${esc(f.server)}`, '');
    out.push('| Capture point | Source | Destination | Tunnel | Packets →/← | When |', '|---|---|---|---|---|---|');
    for (const l of f.legs) for (const h of l.hops) out.push(`| ${hopLine(l.host, h).map(esc).join(' | ')} |`);
    out.push('', `- ${esc(f.translatedBeyondReason !== null ? `Not captured at the server: ${f.translatedBeyondReason}` : flowSeenText(f))}`);
    for (const tr of f.translations) out.push(`- ${esc(translationLine(tr))}`);
    for (const leak of f.leaks) out.push(`- **LEAK:** ${esc(leak.description)}`);
  }
  out.push('', '## Clocks', '', renderClocks(report).replace(/^ {2}/gm, '- '));
  out.push('', '## Inputs', '');
  for (const line of inputLines(report)) out.push(`- ${esc(line)}`);
  if (report.diagnostics.length > 0) {
    out.push('', '## Problems', '');
    for (const d of report.diagnostics) out.push(`- ${esc(diagnosticLine(d))}`);
  }
  return `${out.join('\n')}\n`;
}
