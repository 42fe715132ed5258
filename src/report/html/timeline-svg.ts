// A flow's timeline: when its packets passed each capture point, on one clock (each capture's
// times minus its host's clock offset), so a leg that started late, lasted longer (retransmits)
// or stopped early stands out.

import type { AnalyzeReport, Flow } from '../analyze-model.js';
import { type Html, html, px } from './escape.js';
import { pointName } from '../endpoint.js';
import { monoWidth } from './text-width.js';

const ROW_H = 18;
const BAR_AREA_W = 360;
const FONT = 11;

/** Seconds to subtract from each capture file's times (per the report's clock offsets). */
export function captureOffsets(report: AnalyzeReport): Map<string, number> {
  const offsets = new Map<string, number>();
  for (const h of report.hosts) for (const c of h.captures) offsets.set(c.file, c.clockOffsetSeconds ?? h.clock.offsetSeconds ?? 0);
  return offsets;
}

export interface TimelineRow {
  label: string;
  start: number;
  end: number;
  packets: number;
}

export function timelineRows(flow: Flow, offsets: Map<string, number>): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const leg of flow.legs) {
    for (const h of leg.hops) {
      const off = offsets.get(h.captureFile) ?? 0;
      rows.push({ label: pointName(leg.host, h.interface), start: Number(h.firstSeen) - off, end: Number(h.lastSeen) - off, packets: h.packetsToServer + h.packetsToClient });
    }
  }
  return rows;
}

function formatSpan(seconds: number): string {
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(0)} µs`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(2)} ms`;
  return `${seconds.toFixed(3)} s`;
}

/** Null when there is nothing to compare (one capture point, or no time information). */
export function renderTimelineSvg(flow: Flow, offsets: Map<string, number>): Html | null {
  const rows = timelineRows(flow, offsets).filter((r) => Number.isFinite(r.start) && Number.isFinite(r.end));
  if (rows.length < 2) return null;
  const t0 = Math.min(...rows.map((r) => r.start));
  const t1 = Math.max(...rows.map((r) => r.end));
  const span = Math.max(t1 - t0, 1e-6);
  const labelW = Math.max(...rows.map((r) => monoWidth(r.label, FONT))) + 12;
  const countW = monoWidth('000000 pkts', FONT);
  const x0 = 8 + labelW;
  const width = Math.ceil(x0 + BAR_AREA_W + 12 + countW + 8);
  const height = rows.length * ROW_H + 30;
  const scale = (t: number) => x0 + ((t - t0) / span) * BAR_AREA_W;
  return html`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Timeline of flow ${flow.id}" data-flow="${flow.id}">
${rows.map((r, i) => {
  const y = 6 + i * ROW_H;
  const x = scale(r.start);
  const w = Math.max(2, scale(r.end) - x);
  return html`<g class="tl-row"><title>${r.label}: ${formatSpan(r.start - t0)} to ${formatSpan(r.end - t0)} after the flow's first packet, ${r.packets} packets</title>
<text class="tl-label" x="8" y="${px(y + 12)}">${r.label}</text>
<line class="tl-track" x1="${px(x0)}" y1="${px(y + 8)}" x2="${px(x0 + BAR_AREA_W)}" y2="${px(y + 8)}"/>
<rect class="tl-bar" x="${px(x)}" y="${px(y + 3)}" width="${px(w)}" height="10" rx="2"/>
<text class="tl-count" x="${px(x0 + BAR_AREA_W + 12)}" y="${px(y + 12)}">${r.packets} pkts</text></g>`;
})}
<text class="tl-axis" x="${px(x0)}" y="${px(height - 6)}">0</text>
<text class="tl-axis" x="${px(x0 + BAR_AREA_W)}" y="${px(height - 6)}" text-anchor="end">${formatSpan(span)} (clock-corrected)</text>
</svg>`;
}
