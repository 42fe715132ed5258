// The flows, grouped by answer: one path diagram per path shape, then every flow's details
// (hops, translations with their rules, leaks, timeline), collapsed so 500 flows stay a list.

import type { AnalyzeReport, Flow, Hop, Translation } from '../analyze-model.js';
import { type Html, html } from './escape.js';
import { type FlowGroup, isMultiPoint } from '../path-groups.js';
import { toneOf } from './path-layout.js';
import { renderPathSvg, translationDetail } from './path-svg.js';
import { captureOffsets, renderTimelineSvg } from './timeline-svg.js';
import { ruleName, ruleSourceText } from '../rule-name.js';
import { listedMappings } from '../related-mappings.js';
import { icmpErrorText } from '../render-analyze-text.js';

/** Past this many diagrams in one report, flows keep their tables and translations but no drawing. */
export const MAX_DIAGRAMS = 60;
/** Groups with more flows than this fold their list of flows into one more <details>. */
const FOLD_FLOWS_OVER = 12;

function tunnelCell(h: Hop): string {
  return h.encapsulation.map((e) => `${e.type}${e.vni !== null ? ` ${e.vni}` : ''} ${e.src ?? '?'} → ${e.dst ?? '?'}`).join(' / ');
}

/** One row per capture point. Plain markup (styles by column), since 500 flows make 5,000 rows. */
function hopTable(f: Flow): Html {
  const tunnelled = f.legs.some((l) => l.hops.some((h) => h.encapsulation.length > 0));
  const rows: Html[] = [];
  let prev: Hop | undefined;
  for (const leg of f.legs) {
    for (const h of leg.hops) {
      const srcChanged = prev !== undefined && prev.src !== h.src;
      const dstChanged = prev !== undefined && prev.dst !== h.dst;
      rows.push(html`<tr><td>${leg.host}</td><td>${h.interface}</td><td>${h.direction ?? ''}</td><td${srcChanged ? html` class="changed"` : ''}>${h.src}</td><td${dstChanged ? html` class="changed"` : ''}>${h.dst}</td><td>${h.packetsToServer}/${h.packetsToClient}</td><td>+${(h.position * 1e6).toFixed(0)} µs</td>${tunnelled ? html`<td>${tunnelCell(h)}</td>` : ''}</tr>`);
      prev = h;
    }
  }
  return html`<table class="hops"><thead><tr><th>Host</th><th>Interface</th><th>Dir</th><th>Source</th><th>Destination</th><th>Packets →/←</th><th>When</th>${tunnelled ? html`<th>Tunnel</th>` : ''}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * A translation of a flow. `full` shows the whole evidence (rule text, file:line, notes); the other
 * flows of the same path name the rule and keep their own conntrack entry.
 */
export function translationItem(f: Flow, t: Translation, i: number, full = true): Html {
  const tone = toneOf(t);
  const ruleLabel =
    t.rule !== null
      ? `${ruleName(t.rule)} (${t.rule.target})`
      : t.related !== null
        ? `conntrack: RELATED to ${t.related.flows.length === 0 ? 'a flow not in the case' : `flow ${t.related.flows.join(', ')}`}`
        : null;
  // The rule's full text is on the page (it prints, and needs no hover); the rest of the evidence folds.
  const evidence = full
    ? html`${t.rule !== null ? html`<code class="rule-text">${t.rule.text}</code>` : ''}<details class="evidence"><summary>${ruleLabel ?? 'why no rule'}</summary><pre>${translationDetail(t).join('\n')}</pre></details>`
    : html`<span class="muted small">${ruleLabel ?? t.note ?? ''}${t.conntrack !== null ? ` · conntrack ${t.conntrack.file}:${t.conntrack.line}` : ''}</span>`;
  return html`<li class="translation ${tone}" data-flow="${f.id}" data-tx="${i}" data-kind="${t.kind}" data-where="${t.where}" data-before="${t.kind === 'SNAT' ? t.before.src : t.before.dst}" data-after="${t.kind === 'SNAT' ? t.after.src : t.after.dst}"><span class="badge ${tone}">${t.kind}</span> <span class="where">${t.description}</span>${tone === 'unexplained' ? html` <span class="badge unexplained">not explained</span>` : ''} ${evidence}</li>`;
}

function flowSummary(f: Flow): Html {
  const sees = f.orientation.guessed ? `client unknown (guessed from the first captured packet)` : f.seenByServer !== null ? `server sees ${f.seenByServer.src}` : `last seen ${f.lastSeen.src} at ${f.lastCapturePoint}, not at the server (translated beyond: ${f.translatedBeyond ?? 'no evidence'})`;
  const unexplained = f.translations.filter((t) => toneOf(t) === 'unexplained').length;
  return html`<summary><span class="flow-id">Flow ${f.id}</span> <span class="mono">${f.proto} ${f.client} → ${f.server}</span> · ${sees}
${f.translations.length > 0 ? html` <span class="badge translated">${f.translations.length} translation${f.translations.length === 1 ? '' : 's'}</span>` : ''}
${unexplained > 0 ? html` <span class="badge unexplained">${unexplained} not explained</span>` : ''}
${f.tunnels.length > 0 ? html` <span class="badge tunnel">${f.tunnels.join(', ')}</span>` : ''}
${f.leaks.length > 0 ? html` <span class="badge unexplained">leak</span>` : ''}
${f.ambiguous !== null ? html` <span class="badge unexplained">ambiguous</span>` : ''}
${f.icmpError !== null ? html` <span class="badge translated" title="${icmpErrorText(f.icmpError)}">ICMP ${f.icmpError.name} · RELATED to ${f.icmpError.relatedFlows.length === 0 ? 'no flow of the case' : `flow ${f.icmpError.relatedFlows.join(', ')}`}</span>` : ''}
${f.orientation.guessed ? html` <span class="badge unexplained" data-orientation-guessed="true">client guessed</span>` : ''}</summary>`;
}

function flowDetails(f: Flow, representative: Flow): Html {
  const full = f === representative;
  return html`<details class="flow" id="flow-${f.id}" data-flow="${f.id}">${flowSummary(f)}
<div class="flow-body">${full ? '' : html`<p class="muted small">Same path as <a href="#flow-${representative.id}">flow ${representative.id}</a>; only ports differ.</p>`}${hopTable(f)}
${f.translations.length > 0 ? html`<ol class="translations">${f.translations.map((t, i) => translationItem(f, t, i, full))}</ol>` : html`<p class="muted">No address changed along this flow.</p>`}
${f.translatedBeyondReason !== null ? html`<p class="not-at-server" data-translated-beyond="${f.translatedBeyond ?? ''}">Not captured at the server: ${f.translatedBeyondReason}</p>` : ''}
${f.ambiguous !== null ? html`<p class="ambiguous" data-flow="${f.id}">Ambiguous: ${f.ambiguous.reason}. May be part of ${f.ambiguous.candidates.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="#flow-${c.flow}">flow ${c.flow}</a> (${c.capturePoints.join(', ')})`)}${f.ambiguous.candidateCount > f.ambiguous.candidates.length ? ` … ${f.ambiguous.candidateCount} in all` : ''}.</p>` : ''}
${f.orientation.guessed ? html`<p class="ambiguous" data-flow="${f.id}" data-orientation="${f.orientation.basis}">Client unknown: ${f.orientation.reason}.</p>` : ''}
${f.untranslated.length > 0 ? html`<ul class="untranslated">${f.untranslated.map((u) => html`<li data-flow="${f.id}" data-host="${u.host}">Not translated on ${u.reason}</li>`)}</ul>` : ''}
${f.leaks.length > 0 ? html`<ul class="leaks">${f.leaks.map((l) => html`<li class="leak" data-flow="${f.id}"><span class="badge unexplained">LEAK</span> ${l.description} <span class="muted">(${l.evidence})</span></li>`)}</ul>` : ''}
${f.legs[0]?.communityId ? html`<p class="muted small">Community ID <span class="mono">${f.legs[0].communityId}</span></p>` : ''}</div></details>`;
}

function sameShapeCaption(flows: Flow[]): string {
  const first = flows[0]!;
  if (flows.length === 1) return `Flow ${first.id}`;
  const others = flows.slice(1).map((f) => f.id);
  const list = others.length > 8 ? `${others.slice(0, 8).join(', ')} and ${others.length - 8} more` : others.join(', ');
  return `Flow ${first.id}; flows ${list} take the same path (only their ports differ)`;
}

export interface DiagramBudget {
  left: number;
}

export function renderGroup(report: AnalyzeReport, g: FlowGroup, budget: DiagramBudget, offsets = captureOffsets(report)): Html {
  const figures: Html[] = [];
  let omitted = 0;
  for (const s of g.shapes) {
    const first = s.flows[0]!;
    if (!isMultiPoint(first)) continue;
    if (budget.left <= 0) {
      omitted += s.flows.length;
      continue;
    }
    budget.left--;
    const timeline = renderTimelineSvg(first, offsets);
    figures.push(html`<figure class="path-figure" data-flows="${s.flows.map((f) => f.id).join(' ')}">
<figcaption>${sameShapeCaption(s.flows)}</figcaption><div class="svg-wrap">${renderPathSvg(first)}</div>
${ruleList(first)}
${timeline !== null ? html`<details class="timeline-wrap"><summary>Timeline of flow ${first.id}: when its packets passed each capture point</summary>${timeline}</details>` : ''}</figure>`);
  }
  const representative = new Map<Flow, Flow>();
  for (const sh of g.shapes) for (const f of sh.flows) representative.set(f, sh.flows[0]!);
  const details = g.flows.map((f) => flowDetails(f, representative.get(f) ?? f));
  const list =
    g.flows.length > FOLD_FLOWS_OVER || g.answer === null
      ? html`<details class="flow-list"><summary>All ${g.flows.length} flows of this group</summary>${details}</details>`
      : details;
  return html`<section class="group" id="${g.id}" data-group="${g.answer !== null ? `${g.answer.proto} ${g.answer.server}` : 'other'}">
<h3>${g.answer !== null ? html`<span class="mono">${g.title}</span> <span class="muted">— ${g.flows.length} flow${g.flows.length === 1 ? '' : 's'}</span>` : html`${g.title} <span class="muted">— ${g.flows.length}, seen at one capture point or to group addresses</span>`}</h3>
${figures}
${omitted > 0 ? html`<p class="muted">Diagrams of ${omitted} more flows are left out to keep the report small; their hops and translations are listed below.</p>` : ''}
${list}</section>`;
}

/** Each translation's rule in full under its diagram (the diagram has room for its name only). */
function ruleList(f: Flow): Html | string {
  // An ICMP error's translation lists the rules that made the quoted flows' mappings, saying so.
  const ruled = f.translations.flatMap((t) => {
    if (t.rule !== null) return [{ t, rule: t.rule, via: '' }];
    if (t.related === null) return [];
    return listedMappings(t.related, t.host).flatMap(({ rule, flows }) => (rule === null ? [] : [{ t, rule, via: `RELATED to ${flows === '' ? `flow ${t.related!.flows.join(', ')}` : flows}, mapped by ` }]));
  });
  if (ruled.length === 0) return '';
  return html`<ol class="rules">${ruled.map(
    ({ t, rule, via }) => html`<li><span class="badge ${toneOf(t)}">${t.kind}</span> ${via}${ruleName(rule)} <span class="muted small">(${ruleSourceText(rule)})</span><code class="rule-text">${rule.text}</code></li>`,
  )}</ol>`;
}
