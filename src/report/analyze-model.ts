// The model `natpath analyze` renders: the answer first, then every flow's path host by host and
// interface by interface, and its translations. Field names are a JSON contract
// (docs/report-schema.json, docs/json-schema.md): add fields, never rename them.

import type { Answer, Flow } from '../match/flow-model.js';
import type { ProblemCode, Severity } from '../text/problem-codes.js';

// The flows, translations and answers are the analysis's own data (match/flow-model.ts).
export type { Answer, Flow, Hop, HostLeg, IcmpErrorFacts, RelatedTranslation, RuleRef, Translation } from '../match/flow-model.js';

export interface CaptureView {
  file: string;
  format: 'pcap' | 'pcapng' | null;
  packets: number;
  ipPackets: number;
  nonIpPackets: number;
  damagedPackets: number;
  /** Seconds to subtract from this capture's times to put them on the reference clock (per host). */
  clockOffsetSeconds: number | null;
  interfaces: string[];
}

export interface HostView {
  name: string;
  captures: CaptureView[];
  snapshots: string[];
  clock: { offsetSeconds: number | null; spreadSeconds: number | null; sharedPackets: number; basis: 'reference' | 'two-way' | 'one-way' | 'unknown' };
}

export interface DiagnosticView {
  code: ProblemCode;
  severity: Severity;
  file: string;
  line?: number;
  offset?: number;
  /** nft -j input: where in the document (`$.nftables[12].rule.expr[3]`). */
  jsonPath?: string;
  message: string;
  count?: number;
}

export interface AnalyzeReport {
  schemaVersion: 1;
  schema: 'natpath.analyze/1';
  answers: Answer[];
  hosts: HostView[];
  flows: Flow[];
  diagnostics: DiagnosticView[];
  totals: { flows: number; listedFlows: number; multiPointFlows: number; singlePointFlows: number; /** Flows whose continuation evidence could not decide (flows[].ambiguous). */ ambiguousFlows: number; translations: number; unexplained: number; leaks: number; packets: number };
}
