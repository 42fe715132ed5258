// The output formats of `natpath trace`: the keys of this registry are the allowed `--format` values.

import type { Style } from './terminal.js';
import { formatDiagnostic } from '../text/diagnostic.js';
import type { TraceFormat } from './format-names.js';
import type { TraceOutcome, TraceReport } from './trace-model.js';
import { ruleName } from './rule-name.js';
import { labelled, textWidth, wrapWords } from './text-layout.js';
import { shownEverywhere } from '../text/shown.js';

export interface TraceRenderContext {
  style: Style;
  /** Columns to fit; Infinity: no limit (a file). Rule text wraps under its label, never cut. */
  width?: number;
}

export const TRACE_FORMATS = {
  table: (report: TraceReport, ctx: TraceRenderContext) => renderTraceText(report, ctx.style, ctx.width),
  json: (report: TraceReport) => `${JSON.stringify(report, null, 2)}\n`,
} satisfies Record<TraceFormat, (report: TraceReport, ctx: TraceRenderContext) => string>;

function percent(p: number): string {
  const v = p * 100;
  return `${Number.isInteger(v) ? v : v.toFixed(v < 1 ? 2 : 1)}%`;
}

function headline(o: TraceOutcome): string {
  if (o.verdict !== 'ACCEPT') return `${o.verdict}${o.verdictBy ? ` (${o.verdictBy})` : ''}`;
  if (o.delivery === 'local') return 'ACCEPT, delivered locally';
  const out = o.egress?.interface ?? 'an unknown interface';
  const via = o.egress?.via ? ` via ${o.egress.via}` : '';
  return `ACCEPT, ${o.delivery === 'output' ? 'sent' : 'forwarded'} out of ${out}${via}`;
}

/**
 * The trace as text that fits `width`: every long line (notes, translations, rule text, conntrack
 * entries, problems) wraps under its label or its first words; the full rule text is always
 * there, as analyze shows it.
 */
export function renderTraceText(fromInputs: TraceReport, style: Style, width = Number.POSITIVE_INFINITY): string {
  // Names and text from the inputs reach a terminal here: their control characters are shown, not obeyed.
  const r = shownEverywhere(fromInputs);
  const lines: string[] = [];
  const p = r.packet;
  /** `text` wrapped to the width, the first line after `indent`, the others after `hang`. */
  const wrap = (text: string, indent: string, hang = `${indent}  `) => wrapWords(text, Math.max(20, width - textWidth(hang))).map((l, i) => (i === 0 ? indent : hang) + l);
  lines.push(...wrap(`${r.host}: ${p.protocol} ${p.src ?? '(source chosen by the host)'} → ${p.dst}, ${p.input}${p.mark !== '0x0' ? `, mark ${p.mark}` : ''}`, '').map(style.bold));
  for (const n of r.notes) lines.push(...wrap(n, '  ', '    ').map(style.dim));
  r.outcomes.forEach((o, i) => {
    lines.push('');
    const color = o.verdict === 'ACCEPT' ? style.green : style.red;
    const label = `Outcome ${i + 1}/${r.outcomes.length}  ${percent(o.probability)}  `;
    const verdict = wrapWords(headline(o), Math.max(20, width - textWidth(label)));
    lines.push(style.bold(`Outcome ${i + 1}/${r.outcomes.length}`) + label.slice(`Outcome ${i + 1}/${r.outcomes.length}`.length) + color(verdict[0]!));
    lines.push(...verdict.slice(1).map((l) => ' '.repeat(textWidth(label)) + color(l)));
    lines.push(...labelled('  ', 'final packet:', 13, `${o.packet.src ?? '?'} → ${o.packet.dst}${o.mark !== '0x0' ? `  (mark ${o.mark})` : ''}`, width));
    if (o.verdict === 'ACCEPT' && o.verdictBy !== null) lines.push(...labelled('  ', 'accepted by:', 12, o.verdictBy, width));
    if (o.translatedBeyondReason !== null) lines.push(...labelled('  ', 'then:', 5, o.translatedBeyondReason, width).map(style.yellow));
    const ea = o.egressAssumption;
    if (ea !== null) lines.push(...labelled('  ', ea.holds === false ? 'contradiction:' : 'egress:', ea.holds === false ? 14 : 7, ea.reason, width).map(ea.holds === true ? (x: string) => x : style.yellow));
    for (const t of o.translations) {
      const change = `${t.before.src ?? '?'} → ${t.before.dst}  ⇒  ${t.after.src ?? '(address not known)'} → ${t.after.dst}${t.range ? `  (range ${t.range})` : ''}`;
      lines.push(...labelled('  ', `${style.cyan(t.kind)}:`, 5, change, width));
      const step = o.steps.find((x) => x.table === t.rule.table && x.chain === t.rule.chain && x.ruleNumber === t.rule.ruleNumber && x.nft?.handle === t.rule.nft?.handle);
      lines.push(...labelled('    ', 'by', 4, `${ruleName(t.rule)}${step === undefined ? '' : ` (${step.source})`}`, width).map(style.dim));
      lines.push(...labelled('    ', '', 4, t.rule.text, width).map(style.dim));
    }
    for (const rt of o.routes) {
      const where = [rt.destination ? `${rt.destination}` : null, rt.table ? `table ${rt.table}` : null, rt.rulePriority !== null ? `ip rule ${rt.rulePriority}` : null].filter(Boolean).join(', ');
      const hop = [rt.dev ? `dev ${rt.dev}` : null, rt.via ? `via ${rt.via}` : null].filter(Boolean).join(' ');
      lines.push(...labelled('  ', 'route:', 6, `${rt.decision}${hop ? ` ${hop}` : ''}${where ? `  (${where})` : ''}`, width));
    }
    if (o.steps.length > 0) lines.push('  rules that matched:');
    for (const s of o.steps) {
      lines.push(...labelled('    ', s.hook, 11, `${ruleName(s)} → ${s.target}`, width));
      lines.push(...labelled('    ', '', 11, s.text, width).map(style.dim));
      lines.push(...labelled('    ', '', 11, s.source, width).map(style.dim));
    }
    if (o.stepsNotListed > 0) lines.push(...wrap(`… and ${o.stepsNotListed} more rules that matched (not listed)`, '    ', '      '));
    for (const u of o.unknowns) lines.push(...labelled('  ', 'unknown:', 8, u, width).map(style.yellow));
  });
  if (r.outcomes.length === 0) lines.push('', 'No outcome (every branch was cut).');
  if (r.conntrack.length > 0) {
    lines.push('', ...wrap(`conntrack holds ${r.conntrack.length} connection(s) like this one (the kernel's own record):`, '').map(style.bold));
    for (const c of r.conntrack) {
      const nat = c.snat || c.dnat ? `${c.translated.src ?? '?'} → ${c.translated.dst}` : 'not translated';
      const verdict = c.agreesWithOutcome === null ? 'matches no outcome' : `agrees with outcome ${c.agreesWithOutcome + 1}`;
      const paint = c.agreesWithOutcome === null ? style.red : style.green;
      lines.push(...wrap(`${c.original.src} → ${c.original.dst}: ${nat}${c.state ? ` [${c.state}]` : ''}`, '  ', '    '));
      lines.push(`    ${paint(verdict)}`, ...wrap(c.source, '    ', '      ').map(style.dim));
    }
  }
  const problems = r.diagnostics.filter((d) => d.severity !== 'info');
  if (problems.length > 0) {
    lines.push('', style.bold('Problems in the snapshots:'));
    for (const d of problems) lines.push(...wrap(formatDiagnostic(d), '  ', '    '));
  }
  return `${lines.join('\n')}\n`;
}
