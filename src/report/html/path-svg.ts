// Draws a PathLayout as inline SVG. Only drawing here: every coordinate comes from path-layout.ts.
// Hover texts (<title>) carry what the diagram cuts short: the full rule, conntrack, notes.

import type { Flow, Translation } from '../analyze-model.js';
import { Html, html, joinHtml, px } from './escape.js';
import { type Box, type HopLayout, type Label, type PathLayout, type TranslationLayout, SIZES, changeText, layoutPath } from './path-layout.js';
import { ruleName, ruleSourceText } from '../rule-name.js';
import { listedMappings } from '../related-mappings.js';

/** The full story of a translation, for its tooltip and for the list under the diagram. */
export function translationDetail(t: Translation): string[] {
  const lines = [`${t.kind}: ${t.description}`];
  if (t.rule !== null) {
    lines.push(`rule: ${ruleName(t.rule)} (${t.rule.target}) on ${t.rule.host}`);
    lines.push(t.rule.text);
    if (t.rule.file !== null) lines.push(`from ${ruleSourceText(t.rule)}`);
  }
  if (t.related !== null) {
    lines.push(`related: conntrack RELATED to ${t.related.flowText} (no nat rule sees an ICMP error)`);
    for (const { rule: m, flows, none } of listedMappings(t.related, t.host)) {
      const of = flows === '' ? '' : ` (${flows})`;
      if (m === null) lines.push(`mapping${of}: ${none}`);
      else lines.push(`mapping${of} made by ${ruleName(m)} (${m.target}) on ${m.host}`, m.text, ...(m.file !== null ? [`from ${ruleSourceText(m)}`] : []));
    }
  }
  if (t.conntrack !== null) lines.push(`conntrack ${t.conntrack.file}:${t.conntrack.line}: ${t.conntrack.entry}`);
  if (t.note !== null) lines.push(`note: ${t.note}`);
  if (!t.explained && t.where !== 'beyond') lines.push('NOT EXPLAINED by a rule of the host');
  return lines;
}

function text(l: Label, cls: string, dy = 0.72): Html {
  // y is the top of the label box; the baseline sits ~0.72 of the box height lower.
  return html`<text class="${cls}" x="${px(l.x)}" y="${px(l.y + l.h * dy)}">${l.text}</text>`;
}

function rect(b: Box, cls: string, rx = 4): Html {
  return html`<rect class="${cls}" x="${px(b.x)}" y="${px(b.y)}" width="${px(b.w)}" height="${px(b.h)}" rx="${rx}"/>`;
}

/** A cloud outline around a box: bumps along each side. */
function cloudPath(b: Box): string {
  const r = 7;
  const across = Math.max(2, Math.round(b.w / (2 * r)));
  const down = Math.max(1, Math.round(b.h / (2 * r)));
  const sx = b.w / across;
  const sy = b.h / down;
  let d = `M${px(b.x)},${px(b.y)}`;
  for (let i = 1; i <= across; i++) d += ` A${px(sx / 2)},${px(r)} 0 0 1 ${px(b.x + i * sx)},${px(b.y)}`;
  for (let i = 1; i <= down; i++) d += ` A${px(r)},${px(sy / 2)} 0 0 1 ${px(b.x + b.w)},${px(b.y + i * sy)}`;
  for (let i = 1; i <= across; i++) d += ` A${px(sx / 2)},${px(r)} 0 0 1 ${px(b.x + b.w - i * sx)},${px(b.y + b.h)}`;
  for (let i = 1; i <= down; i++) d += ` A${px(r)},${px(sy / 2)} 0 0 1 ${px(b.x)},${px(b.y + b.h - i * sy)}`;
  return `${d} Z`;
}

function drawHop(h: HopLayout, flowId: number): Html {
  const leak = h.srcLeak || h.dstLeak ? `; LEAK: a cluster-internal ${h.srcLeak ? 'source' : 'destination'} seen here, outside the cluster` : '';
  const title = `${h.host}:${h.hop.interface} — ${h.hop.src} → ${h.hop.dst}; direction ${h.hop.direction ?? 'not recorded'}; ${h.hop.packetsToServer} packets to the server, ${h.hop.packetsToClient} back; capture ${h.hop.captureFile}${leak}`;
  return html`<g class="hop" data-flow="${flowId}" data-hop="${h.index}"><title>${title}</title>
${rect(h.pill, 'iface')}<circle class="capture" cx="${px(h.captureDot.cx)}" cy="${px(h.captureDot.cy)}" r="${h.captureDot.r}"/>
<text class="iface-name" x="${px(h.pill.x + SIZES.pillPadX + 2 * SIZES.captureDotR + 4)}" y="${px(h.cy + 4)}">${h.pill.text}</text>
${h.outer !== null ? text(h.outer, 'outer') : ''}
<text class="addr${h.srcChanged ? ' changed' : ''}${h.srcLeak ? ' leak' : ''}" x="${px(h.src.x)}" y="${px(h.cy + 4)}">${h.src.text}</text>
<text class="arrow-text" x="${px(h.arrowX)}" y="${px(h.cy + 4)}"> → </text>
<text class="addr${h.dstChanged ? ' changed' : ''}${h.dstLeak ? ' leak' : ''}" x="${px(h.dst.x)}" y="${px(h.cy + 4)}">${h.dst.text}</text>
${text(h.meta, h.srcLeak || h.dstLeak ? 'hop-meta leak' : 'hop-meta')}</g>`;
}

function drawTranslation(t: TranslationLayout, flowId: number, wireX: number): Html {
  const tone = t.tone;
  const shape =
    t.shape === 'cloud'
      ? html`<path class="cloud" d="${cloudPath(t.box)}"/>`
      : rect(t.box, `tx-box ${tone}${t.shape === 'dashed' ? ' dashed' : ''}`, 5);
  const [first, ...rest] = t.lines;
  const head =
    first !== undefined
      ? html`<text class="tx-head ${tone}" x="${px(first.x)}" y="${px(first.y + first.h * 0.75)}"><tspan class="tx-kind">${t.translation.kind}</tspan>${first.text.slice(t.translation.kind.length)}</text>`
      : '';
  return html`<g class="tx" data-flow="${flowId}" data-tx="${t.index}" data-kind="${t.translation.kind}" data-tone="${tone}"><title>${translationDetail(t.translation).join('\n')}</title>
<line class="tx-link ${tone}" x1="${px(wireX)}" y1="${px(t.anchor.y)}" x2="${px(t.box.x)}" y2="${px(t.anchor.y)}"/>${shape}
<circle class="tx-dot ${tone}" cx="${px(wireX)}" cy="${px(t.anchor.y)}" r="5"/>
${head}${rest.map((l) => text(l, `tx-rule ${tone}`, 0.75))}</g>`;
}

/** The SVG of one flow's path: hosts, interfaces, addresses, tunnels, translations. */
export function renderPathSvg(flow: Flow, layout: PathLayout = layoutPath(flow)): Html {
  const L = layout;
  const label = `Path of flow ${flow.id}: ${flow.proto} ${flow.client} to ${flow.server}; ${flow.translations.map(changeText).join('; ') || 'no translation'}`;
  const arrows: Html[] = [];
  for (let i = 1; i < L.hops.length; i++) {
    const a = L.hops[i - 1]!;
    const b = L.hops[i]!;
    arrows.push(html`<line class="wire" x1="${px(L.wireX)}" y1="${px(a.pill.y + a.pill.h)}" x2="${px(L.wireX)}" y2="${px(b.pill.y - 2)}" marker-end="url(#arrow-${flow.id})"/>`);
  }
  return html`<svg class="path" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${label}" viewBox="0 0 ${L.width} ${L.height}" width="${L.width}" height="${L.height}" data-flow="${flow.id}">
<defs><marker id="arrow-${flow.id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>
${text(L.top, 'endpoint')}
${L.panels.map((p) => html`<g class="host" data-host="${p.host}">${rect(p.box, 'host-box', 6)}${text(p.name, 'host-name')}${p.meta !== null ? text(p.meta, 'host-meta') : ''}</g>`)}
${L.pipes.map((p) => html`<g class="pipe">${rect(p.box, 'pipe', 9)}</g>`)}
${joinHtml(arrows)}
${L.translations.map((t) => drawTranslation(t, flow.id, L.wireX))}
${L.hops.map((h) => drawHop(h, flow.id))}
${text(L.bottom, 'endpoint')}
</svg>`;
}
