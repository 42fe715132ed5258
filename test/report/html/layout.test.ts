import { describe, expect, it } from 'vitest';
import { renderAnalyzeHtml } from '../../../src/report/html/render-html.js';
import { type Label, boxesOverlap, layoutPath } from '../../../src/report/html/path-layout.js';
import { monoWidth } from '../../../src/report/html/text-width.js';
import { makeFlow, makeReport, podEgressPath, tenInterfacePath } from './synthetic.js';

function overlaps(labels: Label[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      if (boxesOverlap(labels[i]!, labels[j]!)) found.push(`${labels[i]!.kind} "${labels[i]!.text}" × ${labels[j]!.kind} "${labels[j]!.text}"`);
    }
  }
  return found;
}

describe('path layout', () => {
  const flow = makeFlow(1, tenInterfacePath());
  const layout = layoutPath(flow);

  it('draws all ten interfaces, each translation and the tunnel pipe', () => {
    expect(layout.hops).toHaveLength(10);
    expect(layout.panels.map((p) => p.host)).toEqual(['node1', 'node2-with-a-rather-long-host-name.example.internal', 'gw']);
    expect(layout.translations).toHaveLength(flow.translations.length);
    expect(flow.translations.length).toBeGreaterThanOrEqual(3);
    expect(layout.pipes).toHaveLength(1);
  });

  it('has no two overlapping label boxes on a 10-interface path', () => {
    expect(overlaps(layout.labels)).toEqual([]);
  });

  it('keeps every label inside the drawing and inside its host panel', () => {
    for (const l of layout.labels) {
      expect(l.x).toBeGreaterThanOrEqual(0);
      expect(l.y).toBeGreaterThanOrEqual(0);
      expect(l.x + l.w).toBeLessThanOrEqual(layout.width);
      expect(l.y + l.h).toBeLessThanOrEqual(layout.height);
    }
    for (const h of layout.hops) {
      const panel = layout.panels.find((p) => p.host === h.host)!;
      for (const l of [h.pill, h.src, h.dst, h.meta]) {
        expect(l.x).toBeGreaterThanOrEqual(panel.box.x);
        expect(l.x + l.w).toBeLessThanOrEqual(panel.box.x + panel.box.w);
        expect(l.y).toBeGreaterThanOrEqual(panel.box.y);
        expect(l.y + l.h).toBeLessThanOrEqual(panel.box.y + panel.box.h);
      }
    }
  });

  it('lets the tunnel pipe cross only the addresses and outer headers it carries', () => {
    for (const pipe of layout.pipes) {
      const crossing = layout.labels.filter((l) => boxesOverlap(l, pipe.box));
      expect(crossing.map((l) => l.kind).filter((k) => k !== 'address' && k !== 'tunnel')).toEqual([]);
    }
  });

  it('sizes address columns from monospace character counts', () => {
    const longest = '[2001:db8:ffff:ffff:ffff:ffff:ffff:fff1]:48280';
    const hop = layout.hops.find((h) => h.src.text === longest)!;
    expect(hop.src.w).toBeCloseTo(monoWidth(longest, 12));
    // Destinations start after the widest source plus the arrow, on every row.
    expect(new Set(layout.hops.map((h) => h.dst.x)).size).toBe(1);
  });

  it('places a translation between the hops it happened between', () => {
    for (const t of layout.translations) {
      const [from, to] = t.translation.between;
      const a = layout.hops.find((h) => `${h.host}:${h.hop.interface}` === from)!;
      const b = layout.hops.find((h) => `${h.host}:${h.hop.interface}` === to && h.index > a.index)!;
      expect(t.box.y).toBeGreaterThan(a.cy);
      expect(t.box.y + t.box.h).toBeLessThan(b.cy);
    }
  });

  it('draws a translation beyond the captured hosts as a cloud between the two hosts', () => {
    const hops = [
      { host: 'node1', iface: 'eth0', src: '10.0.0.11:1000', dst: '198.51.100.10:80' },
      { host: 'partner', iface: 'eth0', src: '203.0.113.7:1000', dst: '198.51.100.10:80' },
    ];
    const l = layoutPath(makeFlow(2, hops));
    expect(l.translations.map((t) => t.shape)).toEqual(['cloud']);
    const [node1, partner] = l.panels;
    expect(l.translations[0]!.box.y).toBeGreaterThanOrEqual(node1!.box.y + node1!.box.h);
    expect(l.translations[0]!.box.y + l.translations[0]!.box.h).toBeLessThanOrEqual(partner!.box.y);
    expect(overlaps(l.labels)).toEqual([]);
  });

  it('lays out a one-flow, one-hop report and an unexplained translation in red', () => {
    const one = makeFlow(3, [
      { host: 'solo', iface: 'eth0', src: '10.0.0.1:1', dst: '10.0.0.2:2' },
      { host: 'solo', iface: 'eth1', src: '192.0.2.1:1', dst: '10.0.0.2:2' },
    ], 'tcp', { unexplainedAt: 1 });
    const l = layoutPath(one);
    expect(l.translations[0]!.tone).toBe('unexplained');
    expect(l.translations[0]!.lines[1]!.text).toMatch(/^NOT EXPLAINED/);
    expect(overlaps(l.labels)).toEqual([]);
  });
});

describe('500 flows', () => {
  it('of one pod to one partner render one diagram, every flow listed, under 1.5 MB', () => {
    const flows = Array.from({ length: 500 }, (_, i) => makeFlow(i + 1, podEgressPath(30000 + i)));
    const report = makeReport(flows);
    const html = renderAnalyzeHtml(report);
    expect((html.match(/<svg class="path"/g) ?? []).length).toBe(1);
    expect((html.match(/<li class="translation /g) ?? []).length).toBe(1000);
    for (const f of flows) {
      expect(html).toContain(`id="flow-${f.id}"`);
      expect(html).toContain(`<tr data-flow="${f.id}"`);
    }
    expect(Buffer.byteLength(html)).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('on 500 different 10-interface IPv6 paths stop drawing after the diagram budget and stay under 4.5 MB', () => {
    const flows = Array.from({ length: 500 }, (_, i) => makeFlow(i + 1, tenInterfacePath(i + 1)));
    const html = renderAnalyzeHtml(makeReport(flows));
    expect((html.match(/<svg class="path"/g) ?? []).length).toBe(60);
    expect(html).toContain('Diagrams of 440 more flows are left out');
    expect(Buffer.byteLength(html)).toBeLessThan(4.5 * 1024 * 1024);
  });
});
