// The output formats of `natpath trace`: the keys of this registry are the allowed `--format` values.

import type { Style } from './terminal.js';
import { formatDiagnostic } from '../text/diagnostic.js';
import type { TraceFormat } from './format-names.js';
import type { TraceOutcome, TraceReport } from './trace-model.js';
import { traceRuleName } from './rule-name.js';

export interface TraceRenderContext {
  style: Style;
}

export const TRACE_FORMATS = {
  table: (report: TraceReport, ctx: TraceRenderContext) => renderTraceText(report, ctx.style),
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

export function renderTraceText(r: TraceReport, style: Style): string {
  const lines: string[] = [];
  const p = r.packet;
  lines.push(style.bold(`${r.host}: ${p.protocol} ${p.src ?? '(source chosen by the host)'} → ${p.dst}, ${p.input}${p.mark !== '0x0' ? `, mark ${p.mark}` : ''}`));
  for (const n of r.notes) lines.push(style.dim(`  ${n}`));
  r.outcomes.forEach((o, i) => {
    lines.push('');
    const color = o.verdict === 'ACCEPT' ? style.green : style.red;
    lines.push(`${style.bold(`Outcome ${i + 1}/${r.outcomes.length}`)}  ${percent(o.probability)}  ${color(headline(o))}`);
    lines.push(`  final packet: ${o.packet.src ?? '?'} → ${o.packet.dst}${o.mark !== '0x0' ? `  (mark ${o.mark})` : ''}`);
    if (o.verdict === 'ACCEPT' && o.verdictBy !== null) lines.push(`  accepted by: ${o.verdictBy}`);
    if (o.translatedBeyondReason !== null) lines.push(style.yellow(`  then: ${o.translatedBeyondReason}`));
    for (const t of o.translations) {
      lines.push(`  ${style.cyan(t.kind)}: ${t.before.src ?? '?'} → ${t.before.dst}  ⇒  ${t.after.src ?? '(address not known)'} → ${t.after.dst}${t.range ? `  (range ${t.range})` : ''}`);
      lines.push(style.dim(`         by ${traceRuleName(t.rule)}: ${t.rule.text}`));
    }
    for (const rt of o.routes) {
      const where = [rt.destination ? `${rt.destination}` : null, rt.table ? `table ${rt.table}` : null, rt.rulePriority !== null ? `ip rule ${rt.rulePriority}` : null].filter(Boolean).join(', ');
      const hop = [rt.dev ? `dev ${rt.dev}` : null, rt.via ? `via ${rt.via}` : null].filter(Boolean).join(' ');
      lines.push(`  route: ${rt.decision}${hop ? ` ${hop}` : ''}${where ? `  (${where})` : ''}`);
    }
    if (o.steps.length > 0) lines.push('  rules that matched:');
    for (const s of o.steps) {
      lines.push(`    ${s.hook.padEnd(11)} ${traceRuleName(s).padEnd(34)} → ${s.target}`);
      lines.push(style.dim(`      ${s.text}  [${s.source}]`));
    }
    if (o.stepsNotListed > 0) lines.push(`    … and ${o.stepsNotListed} more rules that matched (not listed)`);
    for (const u of o.unknowns) lines.push(style.yellow(`  unknown: ${u}`));
  });
  if (r.outcomes.length === 0) lines.push('', 'No outcome (every branch was cut).');
  if (r.conntrack.length > 0) {
    lines.push('', style.bold(`conntrack holds ${r.conntrack.length} connection(s) like this one (the kernel's own record):`));
    for (const c of r.conntrack) {
      const nat = c.snat || c.dnat ? `${c.translated.src ?? '?'} → ${c.translated.dst}` : 'not translated';
      const verdict = c.agreesWithOutcome === null ? style.red('matches no outcome') : style.green(`agrees with outcome ${c.agreesWithOutcome + 1}`);
      lines.push(`  ${c.original.src} → ${c.original.dst}: ${nat}${c.state ? ` [${c.state}]` : ''}  ${verdict}  ${style.dim(c.source)}`);
    }
  }
  const problems = r.diagnostics.filter((d) => d.severity !== 'info');
  if (problems.length > 0) {
    lines.push('', style.bold('Problems in the snapshots:'));
    for (const d of problems) lines.push(`  ${formatDiagnostic(d)}`);
  }
  return `${lines.join('\n')}\n`;
}
