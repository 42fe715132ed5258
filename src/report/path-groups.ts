// Flows grouped the way people read them: by the answer they belong to (server endpoint as seen
// at the last capture point — the same key the answer uses), then by path shape, so 500 flows of
// one pod to one partner draw one diagram, not 500.

import type { AnalyzeReport, Answer, Flow } from './analyze-model.js';
import { addressOf } from './endpoint.js';

export interface PathShape {
  key: string;
  /** The first flow is drawn; the others differ only in ports. */
  flows: Flow[];
}

export interface FlowGroup {
  id: string;
  answer: Answer | null;
  title: string;
  flows: Flow[];
  shapes: PathShape[];
}

export function isMultiPoint(f: Flow): boolean {
  return f.legs.length > 1 || (f.legs[0]?.hops.length ?? 0) > 1;
}

/** The answer key of a flow: its protocol and where its packets were last sent to. */
export function answerKey(proto: string, server: string): string {
  return `${proto} ${server}`;
}

export function flowAnswerKey(f: Flow): string {
  return answerKey(f.proto, (f.seenByServer ?? f.lastSeen).dst);
}

/** Everything that makes two flows look the same in a diagram, ports aside. */
export function shapeKey(f: Flow): string {
  const legs = f.legs.map((l) =>
    [l.host, ...l.hops.map((h) => [h.interface, h.direction, addressOf(h.src), addressOf(h.dst), h.encapsulation.map((e) => `${e.type}/${e.vni}/${e.src}/${e.dst}`).join('+')].join('|'))].join('§'),
  );
  const translations = f.translations.map((t) => [t.kind, t.where, t.host, t.between.join('>'), t.explained, t.rule?.chain, t.rule?.ruleNumber, t.note].join('|'));
  // Ambiguous flows are told apart: their section says so and names their candidates.
  return JSON.stringify([f.proto, legs, translations, f.ambiguous !== null, f.orientation.guessed]);
}

export function groupFlows(report: AnalyzeReport): FlowGroup[] {
  const groups: FlowGroup[] = report.answers.map((a, i) => ({ id: `group-${i + 1}`, answer: a, title: `${a.proto} ${a.server}`, flows: [], shapes: [] }));
  const byKey = new Map(groups.map((g) => [answerKey(g.answer!.proto, g.answer!.server), g]));
  const other: FlowGroup = { id: 'group-other', answer: null, title: 'Other flows', flows: [], shapes: [] };
  for (const f of report.flows) {
    const g = byKey.get(flowAnswerKey(f));
    // The answer counts multi-point flows only when there are any: the rest are "other".
    if (g !== undefined && (isMultiPoint(f) || report.totals.multiPointFlows === 0)) g.flows.push(f);
    else other.flows.push(f);
  }
  if (other.flows.length > 0) groups.push(other);
  for (const g of groups) {
    const shapes = new Map<string, PathShape>();
    for (const f of g.flows) {
      const key = shapeKey(f);
      let s = shapes.get(key);
      if (s === undefined) shapes.set(key, (s = { key, flows: [] }));
      s.flows.push(f);
    }
    g.shapes = [...shapes.values()];
  }
  return groups.filter((g) => g.flows.length > 0 || g.answer !== null);
}
