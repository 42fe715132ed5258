// Where everything of one flow's path diagram goes, computed from the report model alone (no
// per-scenario templates). The diagram reads top to bottom, like the packet travels:
//
//   client 10.244.1.2:55794 → 198.51.100.10:80
//   ┌ node1 ──────────────────────────────────────────────────────┐
//   │ ● veth…  │ 10.244.1.2:55794 → 198.51.100.10:80 │ in 5→ 5← │
//   │    │  ◆── SNAT source 10.244.1.2:55794 → 10.0.0.11:48280     │
//   │ ● eth0   │ 10.0.0.11:48280  → 198.51.100.10:80 │ out …    │
//   └─────────────────────────────────────────────────────────────┘
//        ☁ beyond the captured hosts: SNAT …
//   ┌ partner ─ …
//
// Column 1 holds the interfaces (capture points) on a vertical wire; column 2 the addresses on
// that segment (inside an outer "pipe" when tunnelled); column 3 direction, packets and time.
// Translations get rows of their own between the two hops they happened between, so labels never
// share a row. Widths come from character counts (monospace for addresses); a test checks that
// no two label boxes overlap.

import type { Flow, Hop, Translation } from '../analyze-model.js';
import { pointName } from '../endpoint.js';
import { clip, monoWidth, sansWidth } from './text-width.js';
import { wrapWords } from '../text-layout.js';
import { ruleName } from '../rule-name.js';
import { listedMappings } from '../related-mappings.js';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type LabelKind = 'host-name' | 'host-meta' | 'interface' | 'address' | 'hop-meta' | 'translation' | 'tunnel' | 'endpoint';

/** A box that holds text: no two of these may overlap. */
export interface Label extends Box {
  kind: LabelKind;
  text: string;
}

export const SIZES = {
  pad: 12,
  font: 12,
  small: 11,
  hostFont: 13,
  headerH: 24,
  hopH: 24,
  tunnelHopH: 42,
  rowGap: 10,
  txLineH: 16,
  gapH: 30,
  panelPadBottom: 8,
  colGap: 16,
  pillPadX: 8,
  captureDotR: 4,
  /** Long rule texts are cut in the diagram (the full text is in the tooltip and the list below it). */
  maxTxChars: 96,
} as const;

export interface PanelLayout {
  host: string;
  box: Box;
  name: Label;
  meta: Label | null;
}

export interface HopLayout {
  hop: Hop;
  host: string;
  index: number;
  pill: Label;
  captureDot: { cx: number; cy: number; r: number };
  /** Vertical centre of the inner packet's line. */
  cy: number;
  src: Label;
  arrowX: number;
  dst: Label;
  srcChanged: boolean;
  dstChanged: boolean;
  /** A cluster-internal address seen here, outside the cluster. */
  srcLeak: boolean;
  dstLeak: boolean;
  outer: Label | null;
  meta: Label;
}

export type TranslationTone = 'translated' | 'unexplained';

export interface TranslationLayout {
  translation: Translation;
  index: number;
  /** 'box' inside a host panel; 'cloud' beyond the captured hosts; 'dashed' somewhere between hosts. */
  shape: 'box' | 'cloud' | 'dashed';
  tone: TranslationTone;
  box: Box;
  lines: Label[];
  /** The dot on the wire where it happened. */
  anchor: { x: number; y: number };
}

export interface PipeLayout {
  box: Box;
  label: Label;
}

export interface PathLayout {
  width: number;
  height: number;
  wireX: number;
  /** The wire runs between these, under the interface pills. */
  wireTop: number;
  wireBottom: number;
  panels: PanelLayout[];
  hops: HopLayout[];
  translations: TranslationLayout[];
  pipes: PipeLayout[];
  top: Label;
  bottom: Label;
  /** Every text box, for the overlap check. */
  labels: Label[];
}

interface HopRef {
  hop: Hop;
  host: string;
  legIndex: number;
  point: string;
}

type Slot = 'inside' | 'panel-bottom' | 'gap' | 'panel-top';

interface PlacedTranslation {
  translation: Translation;
  index: number;
  /** It happened after this hop (index into the flow's hops in order). */
  after: number;
  slot: Slot;
}

export function tunnelText(hop: Hop): string {
  return hop.encapsulation
    .map((e) => `${e.type}${e.vni !== null ? ` VNI ${e.vni}` : ''}  ${e.src ?? '?'} → ${e.dst ?? '?'}`)
    .join('  /  ');
}

export function ruleSummary(t: Translation): string {
  if (t.rule !== null) {
    const at = t.rule.file !== null ? ` · ${baseName(t.rule.file)}${t.rule.line !== null ? `:${t.rule.line}` : t.rule.jsonPath !== null ? ` ${t.rule.jsonPath}` : ''}` : '';
    return `${ruleName(t.rule)} · ${t.rule.target}${at}`;
  }
  if (t.related !== null) {
    const flows = t.related.flows.length === 0 ? 'a flow not in the case' : `flow ${t.related.flows.join(', ')}`;
    const listed = listedMappings(t.related, t.host);
    // The diagram has room for one rule: when the quoted flows' mappings differ, it says so (the list under it names them).
    const m = listed.length === 1 ? listed[0]!.rule : null;
    const mapping = m !== null ? ` · mapping by ${ruleName(m)} · ${m.target}${m.file !== null && m.line !== null ? ` · ${baseName(m.file)}:${m.line}` : ''}` : listed.length > 1 ? ` · ${listed.length} mappings, by different rules` : '';
    return `conntrack: RELATED to ${flows}${mapping}`;
  }
  return t.note !== null ? `no rule named: ${t.note}` : 'no rule named';
}

export function changeText(t: Translation): string {
  return t.kind === 'SNAT' ? `source ${t.before.src} → ${t.after.src}` : `destination ${t.before.dst} → ${t.after.dst}`;
}

/** The file with its folder: `samples/x/node1/capture.pcap` → `node1/capture.pcap`. */
export function folderAndName(file: string): string {
  const parts = file.split(/[/\\]/);
  return parts.slice(-2).join('/');
}

export function baseName(file: string): string {
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return slash >= 0 ? file.slice(slash + 1) : file;
}

export function toneOf(t: Translation): TranslationTone {
  return t.explained || t.where === 'beyond' ? 'translated' : 'unexplained';
}

function flattenHops(flow: Flow): HopRef[] {
  const refs: HopRef[] = [];
  flow.legs.forEach((leg, legIndex) => {
    for (const hop of leg.hops) refs.push({ hop, host: leg.host, legIndex, point: pointName(leg.host, hop.interface) });
  });
  return refs;
}

/** After which hop each translation happened, and in which part of the diagram it is drawn. */
function placeTranslations(flow: Flow, refs: HopRef[]): PlacedTranslation[] {
  return flow.translations.map((translation, index) => {
    const [from, to] = translation.between;
    let after = refs.findIndex((r, i) => r.point === from && refs[i + 1]?.point === to);
    if (after < 0) after = refs.findIndex((r) => r.point === from);
    if (after < 0) after = Math.max(0, refs.length - 2);
    after = Math.min(after, Math.max(0, refs.length - 1));
    const here = refs[after];
    const next = refs[after + 1];
    let slot: Slot;
    if (next === undefined) slot = 'panel-bottom';
    else if (here !== undefined && here.legIndex === next.legIndex) slot = 'inside';
    else if (translation.where === 'host' && translation.host === here?.host) slot = 'panel-bottom';
    else if (translation.where === 'host' && translation.host === next.host) slot = 'panel-top';
    else slot = 'gap';
    return { translation, index, after, slot };
  });
}

function addressesChanged(prev: Hop | undefined, hop: Hop): [boolean, boolean] {
  if (prev === undefined) return [false, false];
  return [prev.src !== hop.src, prev.dst !== hop.dst];
}

function leakFields(flow: Flow, host: string, hop: Hop): Set<'src' | 'dst'> {
  return new Set(flow.leaks.filter((l) => l.host === host && l.interface === hop.interface).map((l) => l.field));
}

function hopMetaText(hop: Hop, leaked = false): string {
  const dir = hop.direction ?? '·';
  const micros = hop.position * 1e6;
  const when = micros < 1000 ? `+${micros.toFixed(0)} µs` : `+${(micros / 1000).toFixed(2)} ms`;
  return `${dir}  ${hop.packetsToServer}→ ${hop.packetsToClient}←  ${when}${leaked ? '  LEAK' : ''}`;
}

function translationLines(t: Translation, slot: PlacedTranslation['slot']): string[] {
  const first = `${t.kind}  ${changeText(t)}`;
  let second: string;
  if (t.where === 'beyond') second = `beyond the captured hosts (a cloud NAT gateway, a load balancer)${t.note !== null ? `: ${t.note}` : ''}`;
  else if (t.where === 'between-hosts') second = `somewhere between the captured hosts${t.note !== null ? `: ${t.note}` : ''}`;
  else {
    const outside = slot === 'panel-bottom' || slot === 'panel-top' ? `on ${t.host ?? '?'}, outside its capture points · ` : '';
    second = `${outside}${t.explained ? ruleSummary(t) : `NOT EXPLAINED: ${t.note ?? 'no rule of the host does this'}`}`;
  }
  // A note beside a named rule (e.g. "this path has probability 0.500") gets a line of its own.
  const lines = t.explained && t.note !== null && t.where !== 'beyond' && t.where !== 'between-hosts' ? [first, second, t.note] : [first, second];
  // Long lines wrap (a cloud's sentence is never cut); a single word longer than a line is clipped.
  return lines.flatMap((l) => wrapWords(l, SIZES.maxTxChars)).map((l) => clip(l, SIZES.maxTxChars));
}

/** Lay out one flow's path. Pure: same flow → same coordinates. */
export function layoutPath(flow: Flow): PathLayout {
  const S = SIZES;
  const refs = flattenHops(flow);
  const placed = placeTranslations(flow, refs);
  const labels: Label[] = [];

  // Column widths from the widest text of each column.
  const pillW = Math.max(
    56,
    ...refs.map((r) => monoWidth(r.hop.interface, S.font) + 2 * S.pillPadX + 2 * S.captureDotR + 6),
    // The host name sits above the pills, left of the wire whose arrowhead comes down through the
    // header (and of the tunnel pipes around it): the pill is wide enough that the wire, its
    // middle, clears the name.
    ...flow.legs.map((l) => 2 * sansWidth(l.host, S.hostFont, true) + 32),
  );
  const srcW = Math.max(0, ...refs.map((r) => monoWidth(r.hop.src, S.font)));
  const dstW = Math.max(0, ...refs.map((r) => monoWidth(r.hop.dst, S.font)));
  const arrowW = monoWidth(' → ', S.font);
  const outerW = Math.max(0, ...refs.map((r) => monoWidth(tunnelText(r.hop), S.small)));
  const addrW = Math.max(srcW + arrowW + dstW, outerW);
  const metaW = Math.max(0, ...refs.map((r) => sansWidth(hopMetaText(r.hop, true), S.small, true)), ...flow.legs.map((l) => sansWidth(hostMetaText(flow, l.host), S.small)));

  const panelX = S.pad;
  const col1X = panelX + 10;
  const wireX = col1X + pillW / 2;
  const col2X = col1X + pillW + S.colGap + 8; // room for the tunnel pipe's edge
  const col3X = col2X + addrW + S.colGap + 8;
  const txX = col1X + pillW + S.colGap;
  const txW = Math.max(
    0,
    ...placed.map((p) => Math.max(...translationLines(p.translation, p.slot).map((l, i) => (i === 0 ? sansWidth(l, S.font, true) : sansWidth(l, S.small))))),
  );
  const endpointsW = Math.max(sansWidth(topText(flow), S.font, true), sansWidth(bottomText(flow), S.font, true));
  const contentRight = Math.max(col3X + metaW, txX + txW + 20, S.pad + endpointsW);
  const panelW = contentRight + 8 - panelX;
  const width = panelX + panelW + S.pad;

  let y = S.pad;
  const top: Label = { kind: 'endpoint', text: topText(flow), x: S.pad, y, w: sansWidth(topText(flow), S.font, true), h: 18 };
  labels.push(top);
  y += top.h + 8;

  const panels: PanelLayout[] = [];
  const hops: HopLayout[] = [];
  const translations: TranslationLayout[] = [];
  const txRow = (p: PlacedTranslation, x: number, shape: TranslationLayout['shape']): void => {
    const lines = translationLines(p.translation, p.slot);
    const w = Math.max(...lines.map((l, i) => (i === 0 ? sansWidth(l, S.font, true) : sansWidth(l, S.small)))) + 16;
    const h = lines.length * S.txLineH + 8;
    const box: Box = { x, y, w: shape === 'cloud' ? w + 12 : w, h };
    const lineLabels = lines.map((text, i) => {
      const l: Label = { kind: 'translation', text, x: box.x + (shape === 'cloud' ? 14 : 8), y: box.y + 4 + i * S.txLineH, w: w - 16, h: S.txLineH };
      labels.push(l);
      return l;
    });
    translations.push({ translation: p.translation, index: p.index, shape, tone: toneOf(p.translation), box, lines: lineLabels, anchor: { x: wireX, y: box.y + box.h / 2 } });
    y += h + S.rowGap;
  };

  let legStart = 0;
  flow.legs.forEach((leg, legIndex) => {
    const legRefs = refs.filter((r) => r.legIndex === legIndex);
    if (legIndex > 0) {
      // Between two hosts: the arrow crosses a gap, where translations beyond the hosts are drawn.
      const between = placed.filter((p) => p.after === legStart - 1 && p.slot === 'gap');
      y += S.rowGap;
      for (const p of between) txRow(p, txX, p.translation.where === 'beyond' ? 'cloud' : 'dashed');
      if (between.length === 0) y += S.gapH - S.rowGap;
    }
    const panelTop = y;
    const name: Label = { kind: 'host-name', text: leg.host, x: panelX + 8, y: y + 4, w: sansWidth(leg.host, S.hostFont, true), h: 18 };
    labels.push(name);
    const metaText = hostMetaText(flow, leg.host);
    const meta: Label | null = metaText === '' ? null : { kind: 'host-meta', text: metaText, x: col3X, y: y + 5, w: sansWidth(metaText, S.small), h: 16 };
    if (meta !== null) labels.push(meta);
    y += S.headerH + 4;
    for (const p of placed.filter((q) => q.after === legStart - 1 && q.slot === 'panel-top')) txRow(p, txX, 'box');
    legRefs.forEach((r, j) => {
      const index = legStart + j;
      if (j > 0) for (const p of placed.filter((q) => q.after === index - 1 && q.slot === 'inside')) txRow(p, txX, 'box');
      const tunnelled = r.hop.encapsulation.length > 0;
      const rowH = tunnelled ? S.tunnelHopH : S.hopH;
      const cy = y + rowH - S.hopH / 2;
      const pill: Label = { kind: 'interface', text: r.hop.interface, x: col1X, y: cy - 10, w: pillW, h: 20 };
      labels.push(pill);
      const [srcChanged, dstChanged] = addressesChanged(refs[index - 1]?.hop, r.hop);
      const src: Label = { kind: 'address', text: r.hop.src, x: col2X, y: cy - 9, w: monoWidth(r.hop.src, S.font), h: 18 };
      const dst: Label = { kind: 'address', text: r.hop.dst, x: col2X + srcW + arrowW, y: cy - 9, w: monoWidth(r.hop.dst, S.font), h: 18 };
      labels.push(src, dst);
      let outer: Label | null = null;
      if (tunnelled) {
        const text = tunnelText(r.hop);
        outer = { kind: 'tunnel', text, x: col2X, y: y + 3, w: monoWidth(text, S.small), h: 15 };
        labels.push(outer);
      }
      const leaks = leakFields(flow, r.host, r.hop);
      const metaText = hopMetaText(r.hop, leaks.size > 0);
      const metaLabel: Label = { kind: 'hop-meta', text: metaText, x: col3X, y: cy - 8, w: sansWidth(metaText, S.small, leaks.size > 0), h: 16 };
      labels.push(metaLabel);
      hops.push({
        hop: r.hop,
        host: r.host,
        index,
        pill,
        captureDot: { cx: col1X + S.pillPadX / 2 + S.captureDotR, cy, r: S.captureDotR },
        cy,
        src,
        arrowX: col2X + srcW,
        dst,
        srcChanged,
        dstChanged,
        srcLeak: leaks.has('src'),
        dstLeak: leaks.has('dst'),
        outer,
        meta: metaLabel,
      });
      y += rowH + S.rowGap;
    });
    for (const p of placed.filter((q) => q.after === legStart + legRefs.length - 1 && q.slot === 'panel-bottom')) txRow(p, txX, 'box');
    y += S.panelPadBottom - S.rowGap;
    panels.push({ host: leg.host, box: { x: panelX, y: panelTop, w: panelW, h: y - panelTop }, name, meta });
    legStart += legRefs.length;
  });

  // A translation whose capture points are not on the path still shows, after it.
  for (const p of placed.filter((q) => !translations.some((t) => t.index === q.index))) {
    y += S.rowGap;
    txRow(p, txX, 'dashed');
  }

  y += 10;
  const bottom: Label = { kind: 'endpoint', text: bottomText(flow), x: S.pad, y, w: sansWidth(bottomText(flow), S.font, true), h: 18 };
  labels.push(bottom);
  y += bottom.h + S.pad;

  const pipes = layoutPipes(hops, translations, col2X, addrW);
  const first = hops[0];
  const last = hops[hops.length - 1];
  return {
    width: Math.ceil(width),
    height: Math.ceil(y),
    wireX,
    wireTop: first !== undefined ? first.cy : top.y + top.h,
    wireBottom: last !== undefined ? last.cy : bottom.y,
    panels,
    hops,
    translations,
    pipes,
    top,
    bottom,
    labels,
  };
}

/** Consecutive hops inside the same tunnel share one pipe, across the gap between hosts too. */
function layoutPipes(hops: HopLayout[], translations: TranslationLayout[], col2X: number, addrW: number): PipeLayout[] {
  // A translation between two tunnelled hops (drawn across column 2) ends the pipe.
  const translationBetween = (a: HopLayout, b: HopLayout) => translations.some((t) => t.box.y > a.cy && t.box.y < b.cy);
  const pipes: PipeLayout[] = [];
  let i = 0;
  while (i < hops.length) {
    const start = hops[i]!;
    if (start.outer === null) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < hops.length && hops[j + 1]!.outer?.text === start.outer.text && !translationBetween(hops[j]!, hops[j + 1]!)) j++;
    const end = hops[j]!;
    pipes.push({ box: { x: col2X - 8, y: start.outer.y - 4, w: addrW + 16, h: end.cy + 12 - (start.outer.y - 4) }, label: start.outer });
    i = j + 1;
  }
  return pipes;
}

function captureFilesOf(flow: Flow, host: string): string[] {
  const files = new Set<string>();
  // "node1/capture.pcap": the host folder says which capture.pcap of the case it is.
  for (const leg of flow.legs) if (leg.host === host) for (const h of leg.hops) files.add(folderAndName(h.captureFile));
  return [...files];
}

function hostMetaText(flow: Flow, host: string): string {
  const files = captureFilesOf(flow, host);
  return files.length === 0 ? '' : `captured in ${files.join(', ')}`;
}

function topText(flow: Flow): string {
  return `client ${flow.client}  →  server ${flow.server}  (${flow.proto})`;
}

function bottomText(flow: Flow): string {
  return flow.seenByServer !== null
    ? `the server sees ${flow.seenByServer.src} → ${flow.seenByServer.dst}`
    : `last captured at ${flow.lastCapturePoint}: ${flow.lastSeen.src} → ${flow.lastSeen.dst}, not at the server (translated beyond: ${flow.translatedBeyond ?? 'no evidence'})`;
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
