// Where evidence cannot decide, a flow is reported as ambiguous with its candidates, never split
// into answers that contradict each other (issue 11 §4). Real packets: samples/pod-egress-natgw (a
// kernel's captures at node1, the NAT gateway and the partner) copied three times 1 s apart by
// bench/replicate-case.mjs, with one host's capture missing copy 1 — a capture point that dropped
// packets under load. With the same ports in every copy (a pure replay) nothing tells the copies
// apart: the other hosts' three copies against that host's two, no print seen once to set the
// clocks. With other ports per copy, the addresses and ports that no NAT changed between two
// points (node1:eth0 and natgw:eth0 see the same tuple) tell them apart.
//
// The lab's truth is each copy of the original case: copy k's packets at a capture point are the
// original's k seconds later (and, with other ports, with ports shifted by shiftPort). Every
// flow natpath reports must be a piece of one copy's real path, never two copies glued together.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { rowFromReport } from '../../src/app/batch/summary.js';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import type { AnalyzeReport, Flow } from '../../src/report/analyze-model.js';
import { makeStyle } from '../../src/report/terminal.js';
import { PROJECT_ROOT, samplePath } from '../corpus.js';

const { replicateCase, shiftPort } = (await import(join(PROJECT_ROOT, 'bench', 'replicate-case.mjs'))) as {
  replicateCase(sample: string, out: string, copies: number, spacing: number, portStep: number, missing: Record<string, number[]>): Promise<unknown>;
  shiftPort(port: number, copy: number, portStep?: number): number;
};

const COPIES = 3;
const SPACING = 1;
const MISSED = 1;
const scratch = mkdtempSync(join(tmpdir(), 'natpath-ambiguous-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const original = await runAnalyze({ paths: [samplePath('pod-egress-natgw')], hosts: [] });
const truth = JSON.parse(readFileSync(join(samplePath('pod-egress-natgw'), 'truth.json'), 'utf8')) as { flows: { serverSees: { address: string } }[] };
const serverSees = [...new Set(truth.flows.map((f) => f.serverSees.address))];
const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs', 'report-schema.json'), 'utf8')));

const hopTexts = (f: Flow, mapPort: (p: number) => number = (p) => p): string[] =>
  f.legs.flatMap((l) => l.hops.map((h) => `${l.host}:${h.interface} ${[h.src, h.dst].map((e) => e.replace(/:(\d+)$/, (_m, p: string) => `:${mapPort(Number(p))}`)).join('>')}`));

/** Which copy a hop belongs to: its first packet's time against the original's at that point. */
function copyOf(host: string, iface: string, firstSeen: string): number {
  const at = original.flows.flatMap((f) => f.legs.filter((l) => l.host === host).flatMap((l) => l.hops.filter((h) => h.interface === iface)));
  return Math.round((Number(firstSeen) - Number(at[0]!.firstSeen)) / SPACING);
}

/** The copy every hop of the flow belongs to; fails when its hops come from several copies. */
function copyOfFlow(f: Flow): number {
  const copies = new Set(f.legs.flatMap((l) => l.hops.map((h) => copyOf(l.host, h.interface, h.firstSeen))));
  expect([...copies], `flow ${f.id} glues hops of several copies`).toHaveLength(1);
  return [...copies][0]!;
}

/** The original flow (index) whose path, in copy `copy`, holds every hop of these flows; -1 when none does. */
function originalOf(flows: Flow[], copy: number, portStep: number): number {
  const hops = flows.flatMap((f) => hopTexts(f));
  return original.flows.findIndex((o) => {
    const path = hopTexts(o, (p) => shiftPort(p, copy, portStep));
    return hops.every((h) => path.includes(h));
  });
}

async function analyzeCopies(name: string, portStep: number, missing: Record<string, number[]>, drop: string[] = [], copies = COPIES): Promise<AnalyzeReport> {
  const dir = join(scratch, name);
  await replicateCase(samplePath('pod-egress-natgw'), dir, copies, SPACING, portStep, missing);
  for (const host of drop) rmSync(join(dir, host), { recursive: true });
  const report = await runAnalyze({ paths: [dir], hosts: [] });
  expect(validate(JSON.parse(ANALYZE_FORMATS.json(report))), JSON.stringify(validate.errors)).toBe(true);
  return report;
}

/** Every flow is a piece of one copy's real path; each ambiguous flow's true continuation, when captured, is among its candidates. */
function expectTrueToCopies(report: AnalyzeReport, portStep: number, missedHost: string): void {
  const byId = new Map(report.flows.map((f) => [f.id, f]));
  for (const f of report.flows) {
    const copy = copyOfFlow(f);
    const o = originalOf([f], copy, portStep);
    expect(o, `flow ${f.id} is no piece of a real path`).toBeGreaterThanOrEqual(0);
    if (f.ambiguous === null) continue;
    expect(f.ambiguous.candidateCount).toBe(f.ambiguous.candidates.length);
    // Its own copy at the hosts it lacks, when that copy was captured there.
    const lacks = original.flows[o]!.legs.map((l) => l.host).filter((h) => !f.legs.some((l) => l.host === h));
    const captured = lacks.some((h) => h !== missedHost || copy !== MISSED);
    if (!captured) continue;
    const truePart = f.ambiguous.candidates.map((c) => byId.get(c.flow)!).find((c) => copyOfFlow(c) === copy && originalOf([f, c], copy, portStep) === o);
    expect(truePart, `flow ${f.id}'s own continuation is not among its candidates`).toBeDefined();
  }
}

/** No answer claims a source the truth does not give the server, and none says "sees" without the server's host. */
function expectAnswersTrue(report: AnalyzeReport): void {
  for (const a of report.answers) {
    if (a.seenAtServer) expect(a.sources).toEqual(serverSees);
    for (const s of a.sources) expect(serverSees, `${a.proto} ${a.server} lists ${s}`).toContain(s);
  }
}

describe('a pure replay with a capture point that missed a copy', () => {
  for (const missedHost of ['node1', 'natgw', 'partner']) {
    it(`${missedHost} missed copy ${MISSED}: the fragments are ambiguous with their candidates, the answers stay true`, async () => {
      const report = await analyzeCopies(`replay-${missedHost}`, 0, { [missedHost]: [MISSED] });
      expect(report.totals.ambiguousFlows).toBeGreaterThan(0);
      expect(report.totals.ambiguousFlows).toBe(report.flows.filter((f) => f.ambiguous !== null).length);
      expectTrueToCopies(report, 0, missedHost);
      expectAnswersTrue(report);
    });
  }

  it('node1 missed a copy: its fragments (last seen as 10.0.0.11) are left out of the answer, which rests on the flows seen at the partner', async () => {
    const report = await analyzeCopies('replay-node1-answer', 0, { node1: [MISSED] });
    const fragments = report.flows.filter((f) => f.seenByServer === null);
    expect(fragments.length).toBeGreaterThan(0);
    for (const f of fragments) {
      expect(f.lastCapturePoint).toBe('node1:eth0');
      expect(f.ambiguous).not.toBeNull();
    }
    // The copies carry no conntrack snapshot (one moment's state, replicate-case.mjs) and UDP no
    // handshake: node1's MASQUERADE and natgw's SNAT orient the UDP copies (orient-by-nat.ts), so
    // no line is left a guess and the UDP line is answered like the TCP one.
    expect(report.answers.filter((a) => a.orientationGuessed !== null)).toEqual([]);
    expect(report.answers.map((a) => `${a.proto} ${a.server}`).sort()).toEqual(['tcp 198.51.100.10:80', 'udp 198.51.100.10:9000']);
    for (const a of report.answers) {
      expect(a.seenAtServer).toBe(true);
      expect(a.sources).toEqual(serverSees);
      expect(a.lastSeen).toEqual([]);
      expect(a.ambiguous?.capturePoints).toEqual(['node1:eth0']);
    }
    expect(report.answers.reduce((n, a) => n + (a.ambiguous?.flows ?? 0), 0)).toBe(fragments.length);

    // Every format says so, and none says the server sees the node's address.
    const text = ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: Infinity });
    const markdown = ANALYZE_FORMATS.markdown(report);
    const html = ANALYZE_FORMATS.html(report);
    expect(text).toMatch(/\? ambiguous: \d+ flows last seen at node1:eth0 shared repeated packets/);
    expect(text).toMatch(/flow \d+ may be part of flow \d+/);
    expect(markdown).toMatch(/- \*\*Ambiguous:\*\* \d+ flows last seen at node1:eth0/);
    expect(markdown).toMatch(/^> tcp 198\.51\.100\.10:80 sees 203\.0\.113\.7 — AMBIGUOUS: \d+ flows last seen at node1:eth0 left out/m);
    expect(html).toContain('class="answer-ambiguous"');
    expect(html).toMatch(/class="ambiguous" data-flow="\d+">Ambiguous: /);
    for (const out of [text, markdown, html]) expect(out).not.toMatch(/sees 10\.0\.0\.11/);
    const csv = ANALYZE_FORMATS.csv(report).trim().split('\n');
    expect(csv[0]!.split(',').slice(-4)).toEqual(['ambiguous_candidates', 'ambiguous_reason', 'orientation', 'orientation_guessed']);
    for (const f of fragments) {
      const rows = csv.filter((r) => r.startsWith(`${f.id},`));
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r).toContain(`,${f.ambiguous!.candidates.map((c) => c.flow).join(' ')},"its packets repeat in `);
    }
    const row = rowFromReport(report);
    expect(row.ambiguousFlows).toBe(report.totals.ambiguousFlows);
    expect(row.egress).toEqual(serverSees);
    expect(row.answers).toHaveLength(2);
    for (const a of row.answers) expect(a).toMatch(/^(tcp|udp) 198\.51\.100\.10:(80|9000) sees 203\.0\.113\.7 — AMBIGUOUS: /);
  });

  it('sixty copies, the gateway missed an early one: no clock is set a whole copy off, no flow glues two copies', async () => {
    // Each leg keeps the prints of its first 256 packets: the UDP leg (6 packets a copy) keeps 43
    // copies at node1 and, one copy missing, 43 at the gateway too — one copy later. Equal counts
    // aligned k-th to k-th would put the gateway's clock 1 s off and link every connection to
    // the next copy's; their differences disagree, so they set no clock.
    const dir = join(scratch, 'replay-sixty');
    await replicateCase(samplePath('pod-egress-natgw'), dir, 60, SPACING, 0, { natgw: [2] });
    const report = await runAnalyze({ paths: [dir], hosts: [] });
    for (const f of report.flows) copyOfFlow(f);
    expectAnswersTrue(report);
    expect(report.hosts.find((h) => h.name === 'natgw')!.clock.offsetSeconds).not.toBeCloseTo(SPACING, 1);
  });

  it('without the partner, node1 and the gateway contradict each other: the answer is "ambiguous", not two sources', async () => {
    const report = await analyzeCopies('replay-no-partner', 0, { natgw: [MISSED] }, ['partner']);
    for (const a of report.answers) {
      expect(a.flows).toBe(0);
      expect(a.sources).toEqual([]);
      expect(a.seenAtServer).toBe(false);
      expect(a.ambiguous!.capturePoints.sort()).toEqual(['natgw:eth1', 'node1:eth0']);
    }
    const text = ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: Infinity });
    expect(text).toMatch(/^ {2}tcp 198\.51\.100\.10:80 — ambiguous: /m);
    expect(rowFromReport(report).answers[0]).toMatch(/^tcp 198\.51\.100\.10:80 ambiguous: \d+ flows last seen at/);
  });
});

describe('two copies, a capture point that missed the second: one candidate is not a link', () => {
  // Flow A, seen at the hosts that missed nothing, has one candidate: the fragment of its own copy
  // at the host that missed the other one. But that fragment is also the candidate of copy 2's
  // flow, and it crosses each capture point once: it continues one of them at most, and which
  // one, no clock says (every packet they share repeats). So neither is linked, and the reason
  // says so, naming the rival (docs/analyze.md §2, "Ambiguity").
  for (const missedHost of ['node1', 'natgw', 'partner']) {
    it(`${missedHost} missed copy 2: each flow with one candidate names the flow it competes with for it`, async () => {
      const report = await analyzeCopies(`two-${missedHost}`, 0, { [missedHost]: [1] }, [], 2);
      const byId = new Map(report.flows.map((f) => [f.id, f]));
      const single = report.flows.filter((f) => f.ambiguous?.candidateCount === 1);
      expect(single.length).toBe(2 * original.flows.length);
      for (const f of single) {
        const only = byId.get(f.ambiguous!.candidates[0]!.flow)!;
        // The candidate's own candidates: this flow and its rival, the other copy's.
        const rivals = only.ambiguous!.candidates.map((c) => c.flow).filter((id) => id !== f.id);
        expect(rivals, `flow ${f.id}`).toHaveLength(1);
        expect(copyOfFlow(byId.get(rivals[0]!)!)).not.toBe(copyOfFlow(f));
        expect(f.ambiguous!.reason).toContain(`flow ${only.id} is also the candidate of flow ${rivals[0]}, and a connection crosses each capture point once`);
      }
      expectTrueToCopies(report, 0, missedHost);
      expectAnswersTrue(report);
    });
  }
});

describe('copies on other ports, a capture point that missed one', () => {
  for (const missedHost of ['node1', 'natgw', 'partner']) {
    it(`${missedHost} missed copy ${MISSED}: the addresses and ports no NAT changed tell the copies apart`, async () => {
      const step = 7919;
      const report = await analyzeCopies(`ports-${missedHost}`, step, { [missedHost]: [MISSED] });
      expect(report.totals.ambiguousFlows).toBe(0);
      expect(report.flows).toHaveLength(COPIES * original.flows.length);
      for (const f of report.flows) {
        const copy = copyOfFlow(f);
        const o = originalOf([f], copy, step);
        expect(o).toBeGreaterThanOrEqual(0);
        // Whole: every host of the original path, but the one that missed this copy.
        const hosts = original.flows[o]!.legs.map((l) => l.host).filter((h) => h !== missedHost || copy !== MISSED);
        expect(f.legs.map((l) => l.host), `flow ${f.id} (copy ${copy})`).toEqual(hosts);
      }
      expectAnswersTrue(report);
    });
  }
});
