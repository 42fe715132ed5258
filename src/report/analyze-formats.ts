// The output formats of `natpath analyze`: the keys of this registry are the allowed `--format` values.

import type { AnalyzeFormat } from './format-names.js';
import type { AnalyzeReport } from './analyze-model.js';
import type { RenderContext } from './inspect-formats.js';
import { renderAnalyzeText } from './render-analyze-text.js';
import { renderAnalyzeMarkdown } from './render-analyze-markdown.js';
import { ruleName, ruleSourceText } from './rule-name.js';
import { listedMappings, type ListedMapping } from './related-mappings.js';
import { renderAnalyzeHtml } from './html/render-html.js';
import { safeCsvRows } from './csv-cell.js';

/** One row per hop (a flow at one capture point), with the translation that follows it. */
function renderAnalyzeCsv(report: AnalyzeReport): string {
  const rows: unknown[][] = [];
  for (const f of report.flows) {
    let hopNumber = 0;
    for (const leg of f.legs) {
      for (const h of leg.hops) {
        hopNumber++;
        const point = `${leg.host}:${h.interface}`;
        const next = f.translations.filter((t) => t.between[0] === point);
        const kept = f.untranslated.filter((u) => u.capturePoint === point);
        rows.push([
          f.id, hopNumber, f.proto, f.client, f.server, leg.host, h.interface, h.direction ?? '', h.src, h.dst,
          h.encapsulation.map((e) => e.type).join('/'), h.encapsulation[0]?.vni ?? '',
          h.packetsToServer, h.packetsToClient, h.bytesToServer, h.bytesToClient, h.position.toFixed(6), h.communityId ?? '',
          next.map((t) => t.kind).join('+'), next.map((t) => t.description).join('; '), next.map((t) => t.rule?.text ?? '').filter(Boolean).join('; '),
          next.map((t) => (t.rule === null ? '' : `${ruleName(t.rule)} (${ruleSourceText(t.rule)})`)).filter(Boolean).join('; '),
          f.icmpError?.name ?? '', f.icmpError?.relatedFlows.join(' ') ?? '',
          next.flatMap((t) => (t.related === null ? [] : listedMappings(t.related, t.host).map(mappingCell))).join('; '),
          f.seenByServer !== null, f.translatedBeyond ?? '', f.translatedBeyondReason ?? '',
          kept.map((u) => (u.rule === null ? '' : `${u.rule.table}/${u.rule.chain} rule ${u.rule.ruleNumber} (${u.rule.file}:${u.rule.line})`)).filter(Boolean).join('; '),
          kept.map((u) => u.reason).join('; '),
          f.ambiguous?.candidates.map((c) => c.flow).join(' ') ?? '', f.ambiguous?.reason ?? '',
          f.orientation.basis, f.orientation.guessed,
        ]);
      }
    }
  }
  return safeCsvRows([CSV_COLUMNS, ...rows]);
}

/** A related_mapping_rule cell's part: the rule by name and source, and its flows when the quoted flows' mappings differ. */
function mappingCell(m: ListedMapping): string {
  const what = m.rule === null ? (m.none ?? '') : `${ruleName(m.rule)} (${ruleSourceText(m.rule)})`;
  return m.flows === '' ? what : `${what} for ${m.flows}`;
}

const CSV_COLUMNS = [
  'flow', 'hop', 'proto', 'client', 'server', 'host', 'interface', 'direction', 'src', 'dst', 'tunnel', 'vni',
  'packets_to_server', 'packets_to_client', 'bytes_to_server', 'bytes_to_client', 'position_s', 'community_id',
  // rule_ref: the rule by name and source (iptables file:line; nft family/table/chain/handle and line or JSON path).
  'next_translation', 'translation', 'rule', 'rule_ref',
  // ICMP error flows: the error, the flows whose packets they quote (conntrack RELATED, space-separated),
  // and on the hop before a translation, the rule that made the quoted flows' mapping (the errors meet no nat rule: 'rule' stays
  // empty); when their mappings differ, each mapping with its flows ("nat/POSTROUTING rule 1 (…) for flow 1; … for flow 3").
  'icmp_error', 'related_flows', 'related_mapping_rule',
  // Per flow: captured at the server's own host, else whether it is translated after its last capture point, and why.
  'seen_at_server', 'translated_beyond', 'translated_beyond_reason',
  // On the hop where the flow left a host still with its private source (a leak, or a source translated
  // again beyond): the SNAT/MASQUERADE rule that came nearest, and what excluded it or kept the walk from it.
  'untranslated_rule', 'untranslated_reason',
  // Per flow, when evidence could not tell which other flow continues it: the candidates' flow ids
  // (space-separated, at most 8) and why.
  'ambiguous_candidates', 'ambiguous_reason',
  // Per flow, what decided which end is the client (tcp-handshake, conntrack, first-sender), and
  // whether that is only a guess (then client and server may be the other way round).
  'orientation', 'orientation_guessed',
];

export const ANALYZE_FORMATS = {
  table: (report: AnalyzeReport, ctx: RenderContext) => renderAnalyzeText(report, { style: ctx.style, width: ctx.width, verbose: ctx.verbose }),
  // Indented for people up to a thousand flows; beyond, compact (a third of the size and time).
  json: (report: AnalyzeReport) => `${JSON.stringify(report, null, report.flows.length <= 1000 ? 2 : undefined)}\n`,
  csv: (report: AnalyzeReport) => renderAnalyzeCsv(report),
  markdown: (report: AnalyzeReport, ctx?: RenderContext) => renderAnalyzeMarkdown(report, { provenance: ctx?.provenance, verbose: ctx?.verbose }),
  html: (report: AnalyzeReport, ctx?: RenderContext) => renderAnalyzeHtml(report, { provenance: ctx?.provenance }),
} satisfies Record<AnalyzeFormat, (report: AnalyzeReport, ctx: RenderContext) => string>;

