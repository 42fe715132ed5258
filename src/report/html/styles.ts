// The report's stylesheet (inline): screen (light and dark), phone widths and print. Colours come
// from theme.ts only, as custom properties.

import { COLOURS, DARK_COLOURS, FONTS, SURFACES } from './theme.js';

const cssName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const declare = (palette: Record<string, string>) => Object.entries(palette).map(([k, v]) => `${cssName(k)}: ${v};`).join(' ');
/** Every colour is a custom property, so the dark palette is one block. */
const C = Object.fromEntries(Object.keys(COLOURS).map((k) => [k, `var(${cssName(k)})`])) as Record<keyof typeof COLOURS, string>;

export const STYLES = `
:root { color-scheme: light dark; ${declare(COLOURS)} ${declare(SURFACES.light)} }
@media (prefers-color-scheme: dark) {
  :root { ${declare(DARK_COLOURS)} ${declare(SURFACES.dark)} }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 ${FONTS.sans}; color: ${C.ink}; background: var(--page); }
main { max-width: 1180px; margin: 0 auto; padding: 16px 20px 40px; }
header.top { background: ${C.paper}; border-bottom: 1px solid var(--border); }
header.top .inner { max-width: 1180px; margin: 0 auto; padding: 14px 20px 10px; }
h1 { font-size: 20px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 8px; }
h5 { font-size: 12px; margin: 10px 0 4px; color: ${C.muted}; text-transform: uppercase; letter-spacing: .04em; }
a { color: ${C.tunnel}; }
.mono, pre, code { font-family: ${FONTS.mono}; font-size: 12.5px; }
.muted { color: ${C.muted}; }
.small { font-size: 12px; }
.changed { color: ${C.translated}; font-weight: 600; }
.unexplained-text { color: ${C.unexplained}; font-weight: 600; }
nav.toc a { margin-right: 14px; font-size: 13px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12.5px; margin: 8px 0 0; color: ${C.muted}; }
.legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -2px; margin-right: 4px; border: 1.5px solid; }
.swatch.translated { background: ${C.translatedFill}; border-color: ${C.translated}; }
.swatch.tunnel { background: ${C.tunnelFill}; border-color: ${C.tunnel}; }
.swatch.unexplained { background: ${C.unexplainedFill}; border-color: ${C.unexplained}; }
.swatch.beyond { background: ${C.beyondFill}; border-color: ${C.beyond}; border-style: dashed; }
.swatch.capture { background: ${C.capture}; border-color: ${C.capture}; border-radius: 50%; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; border: 1px solid; white-space: nowrap; }
.badge.translated { color: ${C.translated}; background: ${C.translatedFill}; border-color: ${C.translated}; }
.badge.tunnel { color: ${C.tunnel}; background: ${C.tunnelFill}; border-color: ${C.tunnel}; }
.badge.unexplained { color: ${C.unexplained}; background: ${C.unexplainedFill}; border-color: ${C.unexplained}; }
.badge.plain { color: ${C.muted}; background: ${C.host}; border-color: var(--chip-border); }
.answer-card { background: ${C.paper}; border: 1px solid var(--border); border-left: 5px solid ${C.translated}; border-radius: 6px; padding: 10px 14px; margin: 0 0 10px; }
.answer-card.has-problem { border-left-color: ${C.unexplained}; }
.answer-line { font-size: 18px; margin: 0 0 4px; }
.answer-line .sees { font-size: 20px; font-weight: 700; color: ${C.translated}; background: ${C.translatedFill}; padding: 0 6px; border-radius: 4px; }
.answer-line .sees.plain { color: ${C.ink}; background: ${C.host}; }
.answer-line .sees.leak { color: ${C.unexplained}; background: ${C.unexplainedFill}; }
.answer-line .server { font-weight: 600; }
.answer-line .verb { color: ${C.muted}; margin: 0 4px; }
.more-sources { display: inline; font-size: 13px; }
.more-sources[open] .sees { font-size: 14px; display: inline-block; margin: 2px 0; }
.chips { margin: 4px 0; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.sentence { margin: 4px 0; color: ${C.muted}; font-size: 13px; }
.answer-translations, .answer-unexplained, .answer-leaks, .answer-untranslated, .answer-ambiguous { margin: 4px 0 0; padding-left: 20px; font-size: 13px; }
li.unexplained { color: ${C.unexplained}; font-weight: 600; }
.totals { font-size: 13px; color: ${C.muted}; }
table { border-collapse: collapse; background: ${C.paper}; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.inputs { width: 100%; font-size: 13px; }
table.inputs ul { margin: 0; padding-left: 16px; }
/* File names break where they must, at a hyphen or slash first (word-break: break-all cut
   "ip-addr.txt" as "ip-a ddr.txt" even on a desktop); where the table has room, each stays whole. */
.file { overflow-wrap: anywhere; }
@media (min-width: 700px) { .file { display: inline-block; max-width: 100%; white-space: nowrap; } }
/* A capture's path breaks only after a slash (<wbr> between pieces): at desktop width each piece
   stays whole and its column is made wide enough for the longest (min-content); on a phone a piece
   wider than the whole column may still wrap rather than widen the page. */
.file-piece { display: inline-block; max-width: 100%; overflow-wrap: anywhere; }
@media (min-width: 700px) { .file-piece { white-space: nowrap; max-width: none; } }
/* A snapshot folder's pieces: whole where the column has room, else wrapped (the folder is context; its names are whole). */
.dir-piece { display: inline-block; max-width: 100%; overflow-wrap: anywhere; }
.diagnostics { font-size: 13px; padding-left: 18px; }
.group { background: ${C.paper}; border: 1px solid var(--border); border-radius: 6px; padding: 4px 14px 12px; margin: 0 0 14px; }
.path-figure { margin: 8px 0 12px; }
.path-figure figcaption { font-size: 13px; color: ${C.muted}; margin-bottom: 4px; }
.svg-wrap { overflow-x: auto; }
svg.path, svg.timeline { max-width: 100%; height: auto; display: block; }
svg text { white-space: pre; }
svg .endpoint { font: 600 12px ${FONTS.sans}; fill: ${C.ink}; }
svg .host-box { fill: ${C.host}; stroke: ${C.hostBorder}; stroke-width: 1.2; }
svg .host-name { font: 700 13px ${FONTS.sans}; fill: ${C.ink}; }
svg .host-meta { font: 11px ${FONTS.sans}; fill: ${C.muted}; }
svg .iface { fill: ${C.paper}; stroke: ${C.hostBorder}; }
svg .iface-name { font: 12px ${FONTS.mono}; fill: ${C.ink}; }
svg .capture { fill: ${C.capture}; }
svg .wire { stroke: ${C.line}; stroke-width: 2; }
svg .arrow-head { fill: ${C.line}; }
svg .addr { font: 12px ${FONTS.mono}; fill: ${C.ink}; }
svg .addr.changed { fill: ${C.translated}; font-weight: 700; }
svg .addr.leak, svg .hop-meta.leak { fill: ${C.unexplained}; font-weight: 700; }
svg .arrow-text { font: 12px ${FONTS.mono}; fill: ${C.muted}; }
svg .hop-meta { font: 11px ${FONTS.sans}; fill: ${C.muted}; }
svg .pipe { fill: ${C.tunnelFill}; fill-opacity: .75; stroke: ${C.tunnel}; stroke-width: 2.5; }
svg .outer { font: 11px ${FONTS.mono}; fill: ${C.tunnel}; font-weight: 600; }
svg .tx-box.translated { fill: ${C.translatedFill}; stroke: ${C.translated}; stroke-width: 1.4; }
svg .tx-box.unexplained { fill: ${C.unexplainedFill}; stroke: ${C.unexplained}; stroke-width: 2; }
svg .tx-box.dashed { stroke-dasharray: 5 3; }
svg .cloud { fill: ${C.beyondFill}; stroke: ${C.beyond}; stroke-width: 1.4; stroke-dasharray: 4 2; }
svg .tx-link.translated, svg .tx-link.unexplained { stroke-width: 1.4; stroke-dasharray: 2 2; }
svg .tx-link.translated { stroke: ${C.translated}; }
svg .tx-link.unexplained { stroke: ${C.unexplained}; }
svg .tx-dot.translated { fill: ${C.translated}; }
svg .tx-dot.unexplained { fill: ${C.unexplained}; }
svg .tx-head { font: 700 12px ${FONTS.sans}; }
svg .tx-head.translated { fill: ${C.translated}; }
svg .tx-head.unexplained { fill: ${C.unexplained}; }
svg .tx-rule { font: 11px ${FONTS.sans}; fill: ${C.ink}; }
svg .tx-rule.unexplained { fill: ${C.unexplained}; }
svg .tl-label, svg .tl-count, svg .tl-axis { font: 11px ${FONTS.mono}; fill: ${C.muted}; }
svg .tl-track { stroke: var(--rule); stroke-width: 1; }
svg .tl-bar { fill: ${C.tunnel}; fill-opacity: .55; }
svg g.hop:hover .iface, svg g.tx:hover rect, svg g.tx:hover path { stroke-width: 2.5; }
details.flow { border-top: 1px solid var(--rule); padding: 4px 0; }
details.flow > summary, details.flow-list > summary { cursor: pointer; font-size: 13px; }
details.flow-list > summary { font-weight: 600; margin: 6px 0; }
.flow-id { font-weight: 700; }
.flow-body { padding: 6px 0 6px 18px; overflow-x: auto; }
table.hops { font-size: 12.5px; }
table.hops td:nth-child(n+2):nth-child(-n+5), table.hops td:nth-child(8) { font-family: ${FONTS.mono}; }
table.hops td:nth-child(n+6):nth-child(-n+7) { text-align: right; font-variant-numeric: tabular-nums; }
table.hops td:nth-child(8) { color: ${C.tunnel}; }
table.hops td.changed { color: ${C.translated}; font-weight: 600; }
details.timeline-wrap summary { cursor: pointer; font-size: 12.5px; color: ${C.muted}; }
.tunnel-text { color: ${C.tunnel}; }
ol.translations { padding-left: 20px; margin: 8px 0; font-size: 13px; }
li.translation { margin: 3px 0; }
li.translation .where { color: ${C.muted}; }
li.translation.unexplained { border-left: 3px solid ${C.unexplained}; padding-left: 6px; }
details.evidence summary { cursor: pointer; color: ${C.muted}; font-size: 12px; }
details.evidence pre { white-space: pre-wrap; word-break: break-all; background: ${C.host}; padding: 6px 8px; border-radius: 4px; margin: 4px 0; }
.leaks { font-size: 13px; color: ${C.unexplained}; }
.flows-table { background: ${C.paper}; border: 1px solid var(--border); border-radius: 6px; padding: 4px 14px 12px; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; font-size: 13px; margin: 6px 0 10px; }
.controls input, .controls select { font: inherit; padding: 2px 4px; }
.controls input[type=search] { width: 260px; }
table.flows { width: 100%; font-size: 12.5px; }
table.flows th button { all: unset; cursor: pointer; font-weight: 700; }
table.flows th[aria-sort=ascending] button::after { content: ' ▲'; }
table.flows th[aria-sort=descending] button::after { content: ' ▼'; }
table.flows tr.filtered-out, table.flows tr.off-page { display: none; }
.pager { margin-top: 8px; font-size: 13px; }
/* Without JavaScript the filters and pager do nothing: hidden, and every row shown. */
html:not(.js) .controls, html:not(.js) .pager { display: none; }
html:not(.js) table.flows tr.off-page { display: table-row; }
code.rule-text { display: block; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--host); padding: 3px 6px; border-radius: 4px; margin: 3px 0; }
ol.rules { margin: 4px 0 8px; padding-left: 20px; font-size: 12.5px; }
ol.rules li { margin: 4px 0; }
.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 0 12px; margin: 6px 0 0; font-size: 12.5px; }
.provenance dt { color: var(--muted); }
.provenance dd { margin: 0; overflow-wrap: anywhere; }
.paste { font-size: 15px; margin: 8px 0 0; padding: 6px 10px; background: var(--host); border-left: 4px solid var(--translated); overflow-wrap: anywhere; }
/* Phones (390 px): the page never scrolls sideways; wide tables and diagrams scroll in their own box. */
.flows-table, section#inputs, .flow-body, .svg-wrap { overflow-x: auto; max-width: 100%; }
pre, code { overflow-wrap: anywhere; }
@media (max-width: 600px) {
  main { padding: 10px 8px 30px; }
  header.top .inner { padding: 10px 8px 8px; }
  .group, .flows-table { padding: 4px 8px 10px; }
  .controls input[type=search] { width: 100%; }
  .answer-line { font-size: 16px; overflow-wrap: anywhere; }
  svg.path { min-width: 560px; }
}
.single-page .pager { display: none; }
@page { margin: 14mm 12mm; }
@media print {
  :root { color-scheme: light; ${declare(COLOURS)} ${declare(SURFACES.light)} }
  body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  header.top { border: 0; }
  .controls, .pager, nav.toc { display: none; }
  table.flows tr.off-page, table.flows tr.filtered-out { display: table-row; }
  /* Small blocks stay whole; a whole group may be longer than a page (an empty first page otherwise). */
  .answer-card, .path-figure, table.hops, li.translation { break-inside: avoid; }
  h1, h2, h3, h5, summary, figcaption { break-after: avoid; }
  .group, .flows-table, .answer-card { border-color: #999; }
  .flows-table, section#inputs, .flow-body, .svg-wrap { overflow: visible; }
  details > summary { list-style: none; }
  /* Links inside the page mean nothing on paper: plain text. */
  a { color: inherit; text-decoration: none; }
  svg.path { max-width: 100%; min-width: 0; }
}
`;
