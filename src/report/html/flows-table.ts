// The flows table: every flow as one row, rendered in full (so it prints and reads without
// JavaScript); table-script.ts adds sorting, filtering and pages on top.

import type { AnalyzeReport, Flow } from '../analyze-model.js';
import { type Html, html } from './escape.js';
import { addressOf } from '../endpoint.js';
import { toneOf } from './path-layout.js';

export const PAGE_SIZE = 50;

/** Columns: key (for sorting), header, numeric or text. */
const COLUMNS = [
  ['id', '#', 'num'],
  ['proto', 'Proto', 'text'],
  ['client', 'Client', 'text'],
  ['server', 'Server', 'text'],
  ['sees', 'Server sees', 'text'],
  ['path', 'Path (hosts)', 'text'],
  ['hops', 'Capture points', 'num'],
  ['nat', 'Translations', 'num'],
  ['tunnel', 'Tunnel', 'text'],
  ['packets', 'Packets', 'num'],
] as const;

function flowRow(f: Flow): Html {
  const hosts = [...new Set(f.legs.map((l) => l.host))];
  const hops = f.legs.reduce((n, l) => n + l.hops.length, 0);
  const packets = f.legs.reduce((n, l) => Math.max(n, l.packets), 0);
  const unexplained = f.translations.some((t) => toneOf(t) === 'unexplained');
  const sees = f.seenByServer?.src ?? f.lastSeen.src;
  const nat = f.translations.map((t) => t.kind).join(' + ');
  // Everything a person might type to find this flow: addresses at every hop, hosts, interfaces, rules.
  const words = [
    f.proto,
    f.client,
    f.server,
    ...f.legs.flatMap((l) => [l.host, ...l.hops.flatMap((h) => [h.interface, h.src, h.dst, ...h.encapsulation.flatMap((e) => [e.type, e.src ?? '', e.dst ?? ''])])]),
    ...f.translations.flatMap((t) => [t.kind, t.rule?.chain ?? '', t.rule?.target ?? '']),
  ];
  const haystack = [...new Set(words.map((w) => w.toLowerCase()))].join(' ');
  const state = f.translations.length === 0 ? 'none' : unexplained ? 'unexplained' : 'translated';
  // Cells sort by their text; data-v only where the text is not the value (the address without port, a count).
  return html`<tr data-flow="${f.id}" data-proto="${f.proto}" data-hosts="${hosts.join('\u001f')}" data-nat="${state}" data-tunnel="${f.tunnels.length > 0 ? 'yes' : 'no'}" data-text="${haystack}">
<td class="num"><a href="#flow-${f.id}">${f.id}</a></td><td>${f.proto}</td><td class="mono">${f.client}</td><td class="mono">${f.server}</td>
<td class="mono${f.translations.some((t) => t.kind === 'SNAT') ? ' changed' : ''}" data-v="${addressOf(sees)}">${sees}</td>
<td>${hosts.join(' → ')}</td><td class="num">${hops}</td>
<td data-v="${f.translations.length}">${f.translations.length > 0 ? html`<span class="badge ${unexplained ? 'unexplained' : 'translated'}">${nat}</span>` : html`<span class="muted">none</span>`}</td>
<td>${f.tunnels.length > 0 ? html`<span class="badge tunnel">${f.tunnels.join(', ')}</span>` : ''}</td><td class="num">${packets}</td></tr>`;
}

export function renderFlowsTable(report: AnalyzeReport): Html {
  const protos = [...new Set(report.flows.map((f) => f.proto))].sort();
  const hosts = [...new Set(report.flows.flatMap((f) => f.legs.map((l) => l.host)))].sort();
  return html`<section id="flows-table" class="flows-table">
<h2>All flows <span class="muted">(${report.flows.length}${report.totals.listedFlows < report.totals.flows ? ` listed of ${report.totals.flows}` : ''})</span></h2>
<div class="controls" role="search">
<label>Find <input type="search" id="flt-text" placeholder="address, host, interface, chain…" autocomplete="off"></label>
<label>Protocol <select id="flt-proto"><option value="">any</option>${protos.map((p) => html`<option value="${p}">${p}</option>`)}</select></label>
<label>Host <select id="flt-host"><option value="">any</option>${hosts.map((h) => html`<option value="${h}">${h}</option>`)}</select></label>
<label>Translated <select id="flt-nat"><option value="">any</option><option value="translated">translated</option><option value="none">not translated</option><option value="unexplained">not explained</option></select></label>
<label>Tunnel <select id="flt-tunnel"><option value="">any</option><option value="yes">tunnelled</option><option value="no">no tunnel</option></select></label>
<span id="flt-count" class="muted" aria-live="polite"></span>
</div>
<table id="flows" class="flows" data-page-size="${PAGE_SIZE}"><thead><tr>${COLUMNS.map(([key, label, type]) => html`<th scope="col" data-key="${key}" data-type="${type}" aria-sort="none"><button type="button">${label}</button></th>`)}</tr></thead>
<tbody>${report.flows.map(flowRow)}</tbody></table>
<nav class="pager" aria-label="Pages of the flows table"><button type="button" id="pg-prev">← Previous</button> <span id="pg-info"></span> <button type="button" id="pg-next">Next →</button></nav>
</section>`;
}
