// The flows, grouped by answer: one path diagram per path shape, then every flow's details
// (hops, translations with their rules, leaks, timeline), collapsed so 500 flows stay a list.

import type { AnalyzeReport, Flow, Hop, Translation } from '../analyze-model.js';
import { type Html, html } from './escape.js';
import { type FlowGroup, isMultiPoint } from './group-flows.js';
import { changeText, toneOf } from './path-layout.js';
import { renderPathSvg, translationDetail } from './path-svg.js';
import { captureOffsets, renderTimelineSvg } from './timeline-svg.js';

/** Past this many diagrams in one report, flows keep their tables and translations but no drawing. */
export const MAX_DIAGRAMS = 60;
/** Groups with more flows than this fold their list of flows into one more <details>. */
const FOLD_FLOWS_OVER = 12;

function tunnelCell(h: Hop): string {
  return h.encapsulation.map((e) => `${e.type}${e.vni !== null ? ` ${e.vni}` : ''} ${e.src ?? '?'} → ${e.dst ?? '?'}`).join(' / ');
}

function hopTable(f: Flow): Html {
  const rows: Html[] = [];
  let prev: Hop | undefined;
  for (const leg of f.legs) {
    for (const h of leg.hops) {
      const srcChanged = prev !== undefined && prev.src !== h.src;
      const dstChanged = prev !== undefined && prev.dst !== h.dst;
      rows.push(html`<tr data-hop-id="${h.id}"><td>${leg.host}</td><td class="mono">${h.interface}</td><td>${h.direction ?? ''}</td>
<td class="mono${srcChanged ? ' changed' : ''}">${h.src}</td><td class="mono${dstChanged ? ' changed' : ''}">${h.dst}</td>
<td class="mono tunnel-text">${tunnelCell(h)}</td><td class="num">${h.packetsToServer} / ${h.packetsToClient}</td><td class="num">+${(h.position * 1e6).toFixed(0)} µs</td></tr>`);
      prev = h;
    }
  }
  return html`<table class="hops"><thead><tr><th>Host</th><th>Interface</th><th>Dir</th><th>Source</th><th>Destination</th><th>Tunnel</th><th>Packets →/←</th><th>When</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function translationItem(f: Flow, t: Translation, i: number): Html {
  const tone = toneOf(t);
  const [head, ...rest] = translationDetail(t);
  return html`<li class="translation ${tone}" data-flow="${f.id}" data-tx="${i}" data-kind="${t.kind}" data-where="${t.where}" data-before="${t.kind === 'SNAT' ? t.before.src : t.before.dst}" data-after="${t.kind === 'SNAT' ? t.after.src : t.after.dst}">
<span class="badge ${tone}">${t.kind}</span> <span class="mono">${changeText(t)}</span> <span class="where">${t.description}</span>
${tone === 'unexplained' ? html` <span class="badge unexplained">not explained</span>` : ''}
<details class="evidence"><summary>${t.rule !== null ? `${t.rule.table}/${t.rule.chain} rule ${t.rule.ruleNumber} (${t.rule.target})` : 'why no rule'}</summary><pre>${[head, ...rest].join('\n')}</pre></details></li>`;
}

function flowSummary(f: Flow): Html {
  const sees = f.seenByServer !== null ? `server sees ${f.seenByServer.src}` : `last seen ${f.lastSeen.src} at ${f.lastCapturePoint}`;
  const unexplained = f.translations.filter((t) => toneOf(t) === 'unexplained').length;
  return html`<summary><span class="flow-id">Flow ${f.id}</span> <span class="mono">${f.proto} ${f.client} → ${f.server}</span> · ${sees}
${f.translations.length > 0 ? html` <span class="badge translated">${f.translations.length} translation${f.translations.length === 1 ? '' : 's'}</span>` : ''}
${unexplained > 0 ? html` <span class="badge unexplained">${unexplained} not explained</span>` : ''}
${f.tunnels.length > 0 ? html` <span class="badge tunnel">${f.tunnels.join(', ')}</span>` : ''}
${f.leaks.length > 0 ? html` <span class="badge unexplained">leak</span>` : ''}</summary>`;
}

function flowDetails(f: Flow, offsets: Map<string, number>): Html {
  const timeline = isMultiPoint(f) ? renderTimelineSvg(f, offsets) : null;
  return html`<details class="flow" id="flow-${f.id}" data-flow="${f.id}">${flowSummary(f)}
<div class="flow-body">${hopTable(f)}
${f.translations.length > 0 ? html`<ol class="translations">${f.translations.map((t, i) => translationItem(f, t, i))}</ol>` : html`<p class="muted">No address changed along this flow.</p>`}
${f.leaks.length > 0 ? html`<ul class="leaks">${f.leaks.map((l) => html`<li class="leak" data-flow="${f.id}"><span class="badge unexplained">LEAK</span> ${l.description} <span class="muted">(${l.evidence})</span></li>`)}</ul>` : ''}
${timeline !== null ? html`<div class="timeline-wrap"><h5>Timeline</h5>${timeline}</div>` : ''}
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
    figures.push(html`<figure class="path-figure" data-flows="${s.flows.map((f) => f.id).join(' ')}">
<figcaption>${sameShapeCaption(s.flows)}</figcaption><div class="svg-wrap">${renderPathSvg(first)}</div></figure>`);
  }
  const details = g.flows.map((f) => flowDetails(f, offsets));
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
