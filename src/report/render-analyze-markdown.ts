// Markdown of `natpath analyze` for tickets: a header with the case, hosts, capture window (UTC),
// natpath version, report time and command line; a one-line pasteable answer; then one section
// per path shape as in the terminal text. Rules and addresses are in code spans (ticket systems
// turn `--` into dashes and straighten quotes otherwise); every table and list has blank lines
// around it so every Markdown flavour renders it.

import type { AnalyzeReport } from './analyze-model.js';
import { answerSentence, answerSummary, candidateList } from './answer-text.js';
import { countWas, formatCount } from './format-number.js';
import { groupFlows, isMultiPoint, type PathShape } from './path-groups.js';
import { clientPorts, joinLines, shapeHops, shapeTranslations, whereText } from './path-shape-text.js';
import { captureWindow, type Provenance } from './provenance.js';
import { clockLines, diagnosticLine, icmpErrorText, inputLines, relatedLine } from './render-analyze-text.js';
import { ruleName, ruleSourceText } from './rule-name.js';
import { listedMappings } from './related-mappings.js';
import { addressOf } from './endpoint.js';
import { cell, code, plain } from './escape-markdown.js';

export interface AnalyzeMarkdownOptions {
  provenance?: Provenance;
  verbose?: boolean;
}

const DEFAULT_SHAPES = 20;
const DEFAULT_PORTS = 20;

export function renderAnalyzeMarkdown(report: AnalyzeReport, o: AnalyzeMarkdownOptions = {}): string {
  const out: string[] = [];
  const p = o.provenance;
  out.push(`# natpath analysis${p ? `: ${plain(p.caseName)}` : ''}`, '');
  const window = captureWindow(report);
  const facts: string[] = [];
  if (p) facts.push(`- **Case:** ${code(p.caseName)}`);
  facts.push(`- **Hosts:** ${report.hosts.map((h) => code(h.name)).join(', ') || 'none'}`);
  facts.push(`- **Capture window (UTC):** ${window ? `${window.first} – ${window.last}` : 'no timestamped packet in the listed flows'}`);
  if (p) {
    facts.push(`- **natpath:** ${plain(p.version)}, report made ${p.madeAt}`);
    facts.push(`- **Command:** ${code(p.commandLine)}`);
  }
  out.push(...facts, '');
  out.push('## Answer', '');
  if (report.answers.length === 0) out.push('No IP flow was found in the captures.', '');
  else {
    // One line per answer, pasteable as it is.
    out.push(...report.answers.map((a) => `> ${plain(answerSummary(a))}`), '');
    for (const a of report.answers) {
      out.push(`- **${plain(answerSentence(a))}**`);
      for (const t of a.translations) out.push(`  - ${plain(t)}`);
      for (const leak of a.leaks) out.push(`  - **LEAK:** ${plain(leak)}`);
      for (const u of a.untranslated) out.push(`  - **Why:** ${plain(u)}`);
      if (a.ambiguous !== null && a.flows > 0) out.push(`  - **Ambiguous:** ${plain(a.ambiguous.reason)}`);
      if (a.orientationGuessed !== null && a.flows > 0) out.push(`  - **Client unknown:** ${plain(a.orientationGuessed.reason)}`);
    }
    out.push('');
  }
  const t = report.totals;
  out.push(
    `${formatCount(t.flows)} flows (${formatCount(t.multiPointFlows)} at several capture points${t.ambiguousFlows > 0 ? `, ${formatCount(t.ambiguousFlows)} ambiguous` : ''}), ${formatCount(t.translations)} translations, ` +
      `${formatCount(t.unexplained)} not explained by a rule, ${formatCount(t.leaks)} leaks, ${formatCount(t.packets)} packets.`,
    '',
  );
  const shapes = groupFlows(report).flatMap((g) => (g.answer === null ? [] : g.shapes.filter((s) => isMultiPoint(s.flows[0]!))));
  const shown = o.verbose ? shapes : shapes.slice(0, DEFAULT_SHAPES);
  shown.forEach((shape, i) => out.push(...renderShape(shape, i + 1, shapes.length, o)));
  if (shown.length < shapes.length) {
    out.push(`${formatCount(shapes.length - shown.length)} more path(s) not shown (every flow is in the JSON report).`, '');
  }
  const single = report.flows.filter((f) => !isMultiPoint(f)).length;
  if (single > 0) out.push(`${countWas(single, 'flow')} seen at one capture point only (listed in the JSON and CSV reports).`, '');
  out.push('## Clocks', '', ...clockLines(report).map((l) => `- ${plain(l)}`), '');
  out.push('## Inputs', '', ...inputLines(report).map((l) => `- ${plain(l)}`), '');
  if (report.diagnostics.length > 0) {
    out.push('## Problems', '', ...report.diagnostics.map((d) => `- ${plain(diagnosticLine(d))}`), '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function renderShape(shape: PathShape, n: number, of: number, o: AnalyzeMarkdownOptions): string[] {
  const first = shape.flows[0]!;
  const count = shape.flows.length;
  const sources = [...new Set(shape.flows.map((f) => addressOf((f.seenByServer ?? f.lastSeen).src)))];
  const seen = first.orientation.guessed
    ? `client unknown: last seen at ${code(first.lastCapturePoint)}, from ${sources.map(code).join(', ')}`
    : first.seenByServer !== null ? `the server sees ${sources.map(code).join(', ')}` : `last seen at ${code(first.lastCapturePoint)} as ${sources.map(code).join(', ')}`;
  const out = [`## Path ${n} of ${of}: ${plain(first.proto)} to ${code(first.server)}`, ''];
  out.push(`${count === 1 ? `Flow ${first.id}` : `${formatCount(count)} flows`}; ${seen}${first.ambiguous !== null ? '; ambiguous' : ''}.`, '');
  if (count > 1) {
    const ports = clientPorts(shape.flows, o.verbose ? null : DEFAULT_PORTS);
    out.push(`Client ports: ${ports.shown.join(', ')}${ports.more > 0 ? `, … ${formatCount(ports.more)} more (-v)` : ''}.`, '');
  }
  const hops = shapeHops(shape);
  const tunnels = hops.some((h) => h.hop.encapsulation.length > 0);
  out.push(`| Capture point | Source | Destination |${tunnels ? ' Tunnel |' : ''} Packets →/← | When${count > 1 ? ' (first flow)' : ''} |`);
  out.push(`|---|---|---|${tunnels ? '---|' : ''}---:|---:|`);
  for (const h of hops) {
    const tunnel = h.hop.encapsulation.map((e) => `${e.type}${e.vni !== null ? ` ${e.vni}` : ''} ${e.src ?? '?'} → ${e.dst ?? '?'}`).join(' / ');
    const cells = [
      code(`${h.host}:${h.hop.interface}`) + (h.hop.direction !== null ? ` (${h.hop.direction})` : ''),
      code(h.src),
      code(h.dst),
      ...(tunnels ? [tunnel === '' ? '' : code(tunnel)] : []),
      `${formatCount(h.packetsToServer)} / ${formatCount(h.packetsToClient)}`,
      `+${(h.hop.position * 1e3).toFixed(3)} ms`,
    ];
    out.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  out.push('');
  const translations = shapeTranslations(shape);
  if (translations.length > 0) {
    out.push(translations.length === 1 ? 'Translation:' : "Translations, in the kernel's order:", '');
    translations.forEach((st, i) => {
      const tr = st.translation;
      const change = [
        tr.kind,
        ...(st.before.src !== st.after.src ? [`source ${code(st.before.src)} → ${code(st.after.src)}`] : []),
        ...(st.before.dst !== st.after.dst ? [`destination ${code(st.before.dst)} → ${code(st.after.dst)}`] : []),
      ].join(' ');
      out.push(`${i + 1}. ${change} ${plain(whereText(tr))}${!tr.explained && tr.where !== 'beyond' ? ' — **not explained by a rule**' : ''}`);
      if (tr.rule !== null) {
        out.push(`   - rule ${code(ruleName(tr.rule))} (${code(ruleSourceText(tr.rule))}): ${code(tr.rule.text)}`);
      } else if (tr.related !== null) {
        out.push(`   - related: ${plain(relatedLine(tr.related, tr.note))}`);
        for (const m of listedMappings(tr.related, tr.host)) {
          const flows = m.flows === '' ? '' : `, for ${m.flows}`;
          if (m.rule === null) out.push(`   - mapped by ${plain(m.none ?? '')}${flows}`);
          else out.push(`   - mapped by ${code(ruleName(m.rule))} (${code(ruleSourceText(m.rule))})${flows}: ${code(m.rule.text)}`);
        }
      } else if (tr.note !== null) out.push(`   - ${plain(tr.note)}`);
      if (st.conntrack.length > 0) out.push(`   - conntrack ${st.conntrack.slice(0, o.verbose ? undefined : 3).map(code).join(', ')}${!o.verbose && st.conntrack.length > 3 ? `, … ${formatCount(st.conntrack.length - 3)} more (-v)` : ''}`);
    });
    out.push('');
  }
  if (first.icmpError !== null) out.push(`ICMP ${plain(icmpErrorText(first.icmpError))}`, '');
  if (first.translatedBeyondReason !== null) out.push(`Not captured at the server: ${plain(first.translatedBeyondReason)}`, '');
  for (const leak of first.leaks) out.push(`**LEAK:** ${plain(leak.description)}`, '');
  for (const u of first.untranslated) out.push(`**Not translated on** ${plain(u.reason)}`, '');
  const joins = joinLines(shape.flows, o.verbose ? null : 3);
  for (const j of joins.joined) out.push(`**Joined by conntrack:** ${plain(j)}.`, '');
  for (const j of joins.apart) out.push(`**Fragment not joined:** ${plain(j)}.`, '');
  if (joins.more > 0) out.push(`… ${formatCount(joins.more)} more flows with fragments (every flow's are in the JSON report)`, '');
  if (first.orientation.guessed) out.push(`**Client unknown:** ${plain(first.orientation.reason)}.`, '');
  if (first.ambiguous !== null) {
    out.push(`**Ambiguous:** ${plain(first.ambiguous.reason)}.`, '');
    const named = o.verbose ? shape.flows : shape.flows.slice(0, 3);
    for (const f of named) out.push(`- flow ${f.id} may be part of ${plain(candidateList(f))}`);
    if (named.length < shape.flows.length) out.push(`- … ${formatCount(shape.flows.length - named.length)} more (every flow's candidates are in the JSON report)`);
    out.push('');
  }
  return out;
}
