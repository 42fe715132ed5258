// Terminal rendering of `natpath analyze`, sized for the terminal: the answer first, then one
// section per path shape (flows that take the same path and whose translations differ only in
// ports, told once with their count and client ports), translations in the kernel's order with
// the rule's full text wrapped under its label, then clocks, inputs and problems. Bounded: at
// most DEFAULT_SHAPES sections and DEFAULT_PORTS client ports each unless verbose.

import type { Style } from './terminal.js';
import type { AnalyzeReport, DiagnosticView, IcmpErrorFacts, RelatedTranslation } from './analyze-model.js';
import { answerSentence, candidateList } from './answer-text.js';
import { countWas, formatCount } from './format-number.js';
import { groupFlows, isMultiPoint, type PathShape } from './path-groups.js';
import { changeText, clientPorts, flowMappings, joinLines, shapeHops, shapeTranslations, whereText } from './path-shape-text.js';
import { ruleName, ruleSourceText } from './rule-name.js';
import { listedMappings } from './related-mappings.js';
import { addressOf } from './endpoint.js';
import { labelled, layoutColumns, wrapWords } from './text-layout.js';
import { shownEverywhere } from '../text/shown.js';

export interface AnalyzeTextOptions {
  style: Style;
  /** Columns to fit; Infinity: no limit (a file). */
  width: number;
  /** Every path shape, every client port, each flow's own mapping. */
  verbose?: boolean;
}

/** Path sections shown by default; the rest are counted (`-v` shows them). */
export const DEFAULT_SHAPES = 10;
/** Client ports listed per section by default. */
export const DEFAULT_PORTS = 12;

export function renderAnalyzeText(fromInputs: AnalyzeReport, o: AnalyzeTextOptions): string {
  // Names and text from the inputs reach a terminal here: their control characters are shown, not obeyed.
  const report = shownEverywhere(fromInputs);
  const { style, width } = o;
  const out: string[] = [];
  // The room is the narrower of the first line's and the continuation lines' (the hang is often deeper).
  const wrap = (text: string, indent: string, hang = indent) =>
    wrapWords(text, width - Math.max(indent.length, hang.length)).map((l, i) => (i === 0 ? indent : hang) + l);

  out.push(style.bold('Answer'));
  if (report.answers.length === 0) out.push('  no IP flow was found in the captures');
  for (const a of report.answers) {
    out.push(...wrap(answerSentence(a), '  ', '    '));
    for (const t of a.translations) out.push(...wrap(t, '    · ', '      ').map((l) => style.dim(l)));
    for (const leak of a.leaks) out.push(...wrap(`LEAK: ${leak}`, '    ! ', '      ').map((l) => style.red(l)));
    for (const u of a.untranslated) out.push(...wrap(u, '    ! ', '      ').map((l) => style.yellow(l)));
    if (a.ambiguous !== null && a.flows > 0) out.push(...wrap(`ambiguous: ${a.ambiguous.reason}`, '    ? ', '      ').map((l) => style.yellow(l)));
    if (a.orientationGuessed !== null && a.flows > 0) out.push(...wrap(`client unknown: ${a.orientationGuessed.reason}`, '    ? ', '      ').map((l) => style.yellow(l)));
  }
  const t = report.totals;
  out.push('');
  out.push(
    ...wrap(
      `${formatCount(t.flows)} flows (${formatCount(t.multiPointFlows)} seen at several capture points${t.ambiguousFlows > 0 ? `, ${formatCount(t.ambiguousFlows)} ambiguous` : ''}), ${formatCount(t.translations)} translations, ` +
        `${formatCount(t.unexplained)} not explained by a rule, ${formatCount(t.leaks)} leaks, ${formatCount(t.packets)} packets`,
      '',
    ),
  );

  const shapes = groupFlows(report).flatMap((g) => (g.answer === null ? [] : g.shapes.filter((s) => isMultiPoint(s.flows[0]!))));
  const shown = o.verbose ? shapes : shapes.slice(0, DEFAULT_SHAPES);
  const droppedColumns = new Set<string>();
  shown.forEach((shape, i) => out.push('', ...renderShape(shape, i + 1, shapes.length, { ...o, droppedColumns })));
  if (droppedColumns.size > 0) {
    out.push('', ...wrap(`Columns left out to fit ${width} columns: ${[...droppedColumns].join(', ')} (--width 0 or a wider terminal shows them; --format json has every field).`, '').map((l) => style.dim(l)));
  }
  if (shown.length < shapes.length) {
    const rest = shapes.slice(shown.length).reduce((n, s) => n + s.flows.length, 0);
    out.push('', style.dim(`${formatCount(shapes.length - shown.length)} more path(s) of ${formatCount(rest)} flow(s) not shown: -v shows every path, --format json lists every flow.`));
  }
  const single = report.flows.filter((f) => !isMultiPoint(f)).length;
  if (single > 0) out.push('', ...wrap(`${countWas(single, 'flow')} seen at one capture point only (listed in --format json/csv).`, '').map((l) => style.dim(l)));
  if (t.listedFlows < t.flows) {
    out.push(...wrap(`${formatCount(t.flows - t.listedFlows)} more flows are counted above but not listed (--max-flows ${formatCount(t.listedFlows)}; 0 lists all).`, '').map((l) => style.dim(l)));
  }
  out.push('', style.bold('Clocks'), ...clockLines(report).flatMap((l) => wrap(l, '  ', '    ')));
  out.push('', style.bold('Inputs'), ...inputLines(report).flatMap((l) => wrap(l, '  ', '    ')));
  if (report.diagnostics.length > 0) {
    out.push('', style.bold(`Problems (${formatCount(report.diagnostics.length)})`));
    for (const d of report.diagnostics) {
      const colour = d.severity === 'error' ? style.red : d.severity === 'warning' ? style.yellow : (s: string) => s;
      out.push(...wrap(diagnosticLine(d), '', '  ').map(colour));
    }
  }
  return `${out.join('\n')}\n`;
}

function renderShape(shape: PathShape, n: number, of: number, o: AnalyzeTextOptions & { droppedColumns?: Set<string> }): string[] {
  const { style, width } = o;
  const first = shape.flows[0]!;
  const count = shape.flows.length;
  const seen = first.orientation.guessed
    ? `client unknown: last seen at ${first.lastCapturePoint}, from ${shapeSource(shape)}` + (first.ambiguous !== null ? '; ambiguous' : '')
    : (first.seenByServer !== null ? `the server sees ${shapeSource(shape)}` : `last seen at ${first.lastCapturePoint} as ${shapeSource(shape)}`) +
      (first.ambiguous !== null ? '; ambiguous' : '');
  const head = `Path ${n} of ${of}: ${first.proto} to ${first.server}, ${count === 1 ? `flow ${first.id}` : `${formatCount(count)} flows`}; ${seen}`;
  const lines = wrapWords(head, width).map((l) => style.bold(l));
  const ports = clientPorts(shape.flows, o.verbose ? null : DEFAULT_PORTS);
  if (count > 1) {
    const list = `${ports.shown.join(', ')}${ports.more > 0 ? `, … ${formatCount(ports.more)} more (-v)` : ''}`;
    lines.push(...labelled('  ', 'client ports', 12, list, width));
  }
  const hops = shapeHops(shape);
  const tunnels = hops.some((h) => h.hop.encapsulation.length > 0);
  const columns = [
    { head: 'capture point', keep: true },
    { head: 'dir', optional: true, min: 3 },
    { head: 'source', keep: true },
    { head: 'destination', keep: true },
    ...(tunnels ? [{ head: 'tunnel', wrap: true }] : []),
    { head: 'packets →/←', right: true, min: 11, optional: true },
    { head: count > 1 ? 'when (1st)' : 'when', right: true, min: 10, optional: true },
  ];
  const rows = hops.map((h) => [
    `${h.host}:${h.hop.interface}`,
    h.hop.direction ?? '',
    h.src,
    h.dst,
    ...(tunnels ? [h.hop.encapsulation.map((e) => `${e.type}${e.vni !== null ? ` ${e.vni}` : ''} ${e.src ?? '?'}→${e.dst ?? '?'}`).join(' / ')] : []),
    `${formatCount(h.packetsToServer)} / ${formatCount(h.packetsToClient)}`,
    `+${(h.hop.position * 1e3).toFixed(3)} ms`,
  ]);
  const table = layoutColumns(columns, rows, width, { indent: '  ' });
  for (const head of table.dropped) o.droppedColumns?.add(head.replace(/ \(1st\)$/, ''));
  lines.push(...table.lines.map((l, i) => (i === 0 ? style.dim(l) : l)));

  const translations = shapeTranslations(shape);
  if (translations.length > 0) lines.push(`  ${style.bold(translations.length === 1 ? 'Translation' : "Translations, in the kernel's order")}`);
  translations.forEach((st, i) => {
    const tr = st.translation;
    const unexplained = !tr.explained && tr.where !== 'beyond';
    const colour = unexplained ? style.yellow : (s: string) => s;
    lines.push(...wrapWords(`${i + 1}. ${changeText(st)} ${whereText(tr)}`, width - 2).map((l, j) => colour(`${j === 0 ? '  ' : '     '}${l}`)));
    if (tr.rule !== null) {
      lines.push(...labelled('     ', 'rule', 9, `${ruleName(tr.rule)} (${ruleSourceText(tr.rule)})`, width));
      lines.push(...labelled('     ', '', 9, tr.rule.text, width));
    } else if (tr.related !== null) {
      // An ICMP error: conntrack's RELATED entry translated it; the rules named made the quoted flows' mappings.
      lines.push(...labelled('     ', 'related', 9, relatedLine(tr.related, tr.note), width).map(colour));
      for (const m of listedMappings(tr.related, tr.host)) {
        const flows = m.flows === '' ? '' : `, for ${m.flows}`;
        if (m.rule === null) {
          lines.push(...labelled('     ', 'mapped by', 9, `${m.none}${flows}`, width));
          continue;
        }
        lines.push(...labelled('     ', 'mapped by', 9, `${ruleName(m.rule)} (${ruleSourceText(m.rule)})${flows}`, width));
        lines.push(...labelled('     ', '', 9, m.rule.text, width));
      }
    } else if (tr.note !== null) {
      lines.push(...labelled('     ', 'no rule', 9, tr.note, width).map(colour));
    }
    if (st.conntrack.length > 0) {
      const listed = o.verbose || st.conntrack.length <= 3 ? st.conntrack : [...st.conntrack.slice(0, 3), `… ${formatCount(st.conntrack.length - 3)} more (-v)`];
      lines.push(...labelled('     ', 'conntrack', 9, listed.join(', '), width));
    }
  });
  if (first.icmpError !== null) lines.push(...labelled('  ', 'icmp', 9, icmpErrorText(first.icmpError), width));
  if (first.translatedBeyondReason !== null) lines.push(...labelled('  ', 'beyond', 9, `not captured at the server: ${first.translatedBeyondReason}`, width).map(style.yellow));
  for (const leak of first.leaks) lines.push(...labelled('  ', 'LEAK', 9, leak.description, width).map(style.red));
  for (const u of first.untranslated) lines.push(...labelled('  ', 'why', 9, `not translated on ${u.reason}`, width).map(style.yellow));
  const joins = joinLines(shape.flows, o.verbose ? null : 3);
  for (const j of joins.joined) lines.push(...labelled('  ', 'joined', 9, j, width));
  for (const j of joins.apart) lines.push(...labelled('  ', 'fragment', 9, j, width).map(style.yellow));
  if (joins.more > 0) lines.push(...labelled('  ', '', 9, `… ${formatCount(joins.more)} more flows with fragments (-v)`, width));
  if (first.orientation.guessed) lines.push(...labelled('  ', 'client', 9, `unknown: ${first.orientation.reason}`, width).map(style.yellow));
  if (first.ambiguous !== null) {
    lines.push(...labelled('  ', 'ambiguous', 9, first.ambiguous.reason, width).map(style.yellow));
    const named = o.verbose ? shape.flows : shape.flows.slice(0, 3);
    const more = shape.flows.length - named.length;
    const list = named.map((f) => `flow ${f.id} may be part of ${candidateList(f)}`).join('; ') + (more > 0 ? `; … ${formatCount(more)} more (-v)` : '');
    lines.push(...labelled('  ', '', 9, list, width));
  }
  if (o.verbose && count > 1) for (const m of flowMappings(shape.flows)) lines.push(...labelled('  ', '', 9, m, width));
  return lines;
}

/** What the server (or the last capture point) saw as the source, over the shape's flows. */
function shapeSource(shape: PathShape): string {
  const sources = [...new Set(shape.flows.map((f) => (f.seenByServer ?? f.lastSeen).src))];
  if (sources.length === 1) return sources[0]!;
  const addresses = [...new Set(sources.map(addressOf))];
  return addresses.length === 1 ? `${addresses[0]} (${formatCount(sources.length)} ports)` : addresses.join(', ');
}

function diagnosticLine(d: DiagnosticView): string {
  const where = d.line !== undefined ? `${d.file}:${d.line}` : d.offset !== undefined ? `${d.file} (byte offset ${formatCount(d.offset)})` : d.jsonPath !== undefined ? `${d.file} ${d.jsonPath}` : d.file;
  return `${where}: ${d.severity}: ${d.message}${d.count !== undefined && d.count > 1 ? ` (${formatCount(d.count)} times)` : ''}`;
}

export function clockLines(report: AnalyzeReport): string[] {
  return report.hosts.map(({ name, clock: c }) =>
    c.basis === 'reference'
      ? `${name}: reference clock`
      : c.basis === 'unknown' || c.offsetSeconds === null
        ? `${name}: unknown (no packet shared with another host)`
        : `${name}: ${(c.offsetSeconds * 1e3).toFixed(3)} ms ± ${((c.spreadSeconds ?? 0) * 1e3).toFixed(3)} ms from ${formatCount(c.sharedPackets)} shared packets (${c.basis})`,
  );
}

export function inputLines(report: AnalyzeReport): string[] {
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

export { diagnosticLine };

/** An ICMP error flow in one sentence: the error, what its first one quotes, the flows it is RELATED to and how they were found. */
export function icmpErrorText(e: IcmpErrorFacts): string {
  const quote = e.quoted === null ? 'quoting nothing readable' : `the first quoting ${e.quoted.proto} ${e.quoted.src} → ${e.quoted.dst}${e.quoted.complete ? '' : ' (cut short before its ports)'}`;
  const related = e.relatedFlows.length === 0 ? 'RELATED to no flow of the case' : `RELATED to flow${e.relatedFlows.length === 1 ? '' : 's'} ${e.relatedFlows.join(', ')}`;
  return `errors (${e.name}), ${quote}; ${related}: ${e.reason}`;
}

/** An ICMP error's translation: the conntrack entry that made it; the full sentence (JSON note) when no quoted flow was found. */
export function relatedLine(r: RelatedTranslation, note: string | null): string {
  if (r.flows.length === 0) return note ?? r.flowText;
  const one = r.flows.length === 1;
  return `${one ? 'conntrack entry' : 'conntrack entries'} of ${r.flowText}: the errors are RELATED to ${one ? 'it' : 'them'}, no nat rule sees them`;
}
