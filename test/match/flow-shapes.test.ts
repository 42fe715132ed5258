// analyze describes one flow per shape for the answer and totals (flows that differ only in
// client port, counts and times answer alike). These tests hold it to describing every flow:
// on every lab scenario, on a busy case of thousands of connections, and with a rule that looks
// at source ports (then the client port is part of the shape).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { LegInput, LegTable } from '../../src/flow/leg-table.js';
import type { CaptureLegs } from '../../src/flow/collect-legs.js';
import { FlowShapes } from '../../src/match/flow-shapes.js';
import { LinkedFlows } from '../../src/match/link-legs.js';
import { LegIds } from '../../src/match/match-packets.js';
import { SAMPLES, labScenarios } from './truth.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-shapes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function bothWays(path: string) {
  const shared = await runAnalyze({ paths: [path], hosts: [] });
  const every = await runAnalyze({ paths: [path], hosts: [] }, { describeEveryFlow: true });
  return { shared, every };
}

describe('answers from one flow per shape', () => {
  for (const scenario of labScenarios()) {
    it(`equal describing every flow: ${scenario}`, async () => {
      const { shared, every } = await bothWays(join(SAMPLES, scenario));
      expect(shared).toEqual(every);
    });
  }

  describe.runIf(labScenarios().includes('pod-egress-natgw'))('a busy case: 4 000 connections of node1', async () => {
    const { makeCase, readTemplate } = await import('../../bench/scaling.mjs');
    const host = join(SAMPLES, 'pod-egress-natgw', 'node1');
    const busy = join(scratch, 'busy');
    makeCase(busy, host, await readTemplate(join(host, 'capture.pcap')), 3 * 2 ** 20);

    it('gives the same report, answer and totals', async () => {
      const { shared, every } = await bothWays(busy);
      expect(shared.totals.flows).toBeGreaterThan(500);
      expect(shared.answers.length).toBeGreaterThan(0);
      expect(shared).toEqual(every);
    });

    it('keeps client ports in the shape when a rule looks at source ports', async () => {
      const dump = join(busy, 'node1', 'iptables-save.txt');
      const text = readFileSync(dump, 'utf8');
      // A rule that never fires for this traffic, but makes source ports matter on node1.
      const nat = text.indexOf('*nat');
      const commit = text.indexOf('COMMIT', nat);
      writeFileSync(dump, `${text.slice(0, commit)}-A OUTPUT -p udp -m udp --sport 9 -j RETURN\n${text.slice(commit)}`);
      const { shared, every } = await bothWays(busy);
      expect(shared).toEqual(every);
      expect(shared.totals.translations).toBeGreaterThan(shared.totals.flows / 2);
    });
  });
});

describe('FlowShapes', () => {
  // Two capture points of one host: before and after a translation.
  const table = new LegTable();
  const input = new LegInput();
  function leg(point: number, src: number, sport: number, dst: number, dport: number): number {
    input.point = point;
    input.proto = 6;
    input.src.set([src, 0, 0, 0]);
    input.dst.set([dst, 0, 0, 0]);
    input.srcPort = sport;
    input.dstPort = dport;
    input.tcpFlags = 0x02;
    input.tcpSeq = sport;
    input.linkDirection = 1;
    return table.add(input);
  }
  const pod = 0x0af40102;
  const node = 0x0a00000b;
  const partner = 0xc6336405;
  // Flow 0: SNAT keeps the client port; flow 1 the same with another client port; flow 2: SNAT
  // changes the port too (a different translation); flow 3: another server port; flow 4:
  // another pod; flow 5: another partner; flow 6: the partner's answer seen at the second point only.
  const rows = [
    [leg(0, pod, 40000, partner, 80), leg(1, node, 40000, partner, 80)],
    [leg(0, pod, 40001, partner, 80), leg(1, node, 40001, partner, 80)],
    [leg(0, pod, 40002, partner, 80), leg(1, node, 50002, partner, 80)],
    [leg(0, pod, 40003, partner, 443), leg(1, node, 40003, partner, 443)],
    [leg(0, pod + 1, 40004, partner, 80), leg(1, node, 40004, partner, 80)],
    [leg(0, pod, 40005, partner + 1, 80), leg(1, node, 40005, partner + 1, 80)],
    [leg(0, pod, 40006, partner, 80), leg(2, node, 40006, partner, 80)],
  ];
  // Three pcapng interfaces: a shape reads whether a point is one interface (its recorded directions).
  const points = [0, 1, 2].map((index) => ({ index, fileInterface: index, ifIndex: -1, name: `if${index}`, linkType: 1, packets: 0 }));
  const capture = { legs: table, points } as unknown as CaptureLegs;
  const ids = new LegIds([capture]);
  const flows = new LinkedFlows(
    rows.length,
    Int32Array.from(rows.map((_, i) => 2 * i).concat(2 * rows.length)),
    Int32Array.from(rows.flat()),
    // The pod's side is the low endpoint in both legs here (10.x < 198.x).
    new Uint8Array(2 * rows.length).fill(1),
    new Float64Array(2 * rows.length),
    new Uint8Array(rows.length),
    new Uint8Array(rows.length),
  );

  it('puts flows that differ only in client port together, and nothing else', () => {
    const shapes = new FlowShapes(ids, [{ host: 0, legs: capture }], false);
    const of = rows.map((_, i) => shapes.shapeOf(flows, i));
    expect(of[1]).toBe(of[0]);
    expect(new Set([of[0], of[2], of[3], of[4], of[5], of[6]]).size).toBe(6);
    expect(shapes.count).toBe(6);
  });

  it('keeps every client port apart when source ports matter', () => {
    const shapes = new FlowShapes(ids, [{ host: 0, legs: capture }], true);
    expect(new Set(rows.map((_, i) => shapes.shapeOf(flows, i))).size).toBe(rows.length);
  });
});
