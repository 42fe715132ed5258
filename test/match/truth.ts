// Reading a lab scenario's truth.json and comparing natpath's analysis with it: the same flows,
// the same path (host and interface at each capture point), the same translations at the same
// places, and the same answer (what the partner saw).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalyzeReport, Flow } from '../../src/report/analyze-model.js';
import { PROJECT_ROOT } from '../corpus.js';

interface TruthEndpoint {
  address: string;
  port?: number;
}

interface TruthHop {
  host: string;
  interface: string | null;
  /** As the capture recorded it (SLL2 packet type, pcapng flags); absent where it records none. */
  direction?: 'in' | 'out';
  /** false: a host captured only for the truth (not in the case). */
  inCase?: boolean;
  src: TruthEndpoint;
  dst: TruthEndpoint;
}

interface TruthTranslation {
  kind: string;
  before: { src: TruthEndpoint; dst: TruthEndpoint };
  after: { src: TruthEndpoint; dst: TruthEndpoint };
  host: string | null;
  between: [string, string];
  /** iptables rules carry ruleNumber (from iptables-save -c counters); nft rules family and handle (from `nft monitor trace`). */
  rule: TruthRule | null;
  beyondCapturedHosts: boolean | null;
  conntrack?: { file: string; line: string };
}

export type TruthRule =
  | { table: string; chain: string; ruleNumber: number; text: string; family?: undefined; handle?: undefined }
  | { family: string; table: string; chain: string; handle: number; text: string; ruleNumber?: undefined };

/** The rule reference a comparison uses: the kernel's own identity of a rule (nft: family, table, chain, handle; iptables: table, chain, position). */
export function ruleIdentity(rule: { table: string; chain: string; ruleNumber: number; nft: { family: string; handle: number | null } | null } | TruthRule): string {
  if ('handle' in rule && rule.handle !== undefined) return `${rule.family} ${rule.table}/${rule.chain} handle ${rule.handle}`;
  if ('nft' in rule && rule.nft !== null) return `${rule.nft.family} ${rule.table}/${rule.chain} handle ${rule.nft.handle}`;
  return `${rule.table}/${rule.chain} #${rule.ruleNumber}`;
}

export interface TruthFlow {
  proto: string;
  client: TruthEndpoint & { host: string };
  server: TruthEndpoint;
  serverSees: TruthEndpoint;
  /** Where the case's own captures last saw the flow, when hosts captured only for the truth follow. */
  lastInCase?: { point: string; src: TruthEndpoint; dst: TruthEndpoint };
  tunnel: string | null;
  path: TruthHop[];
  translations: TruthTranslation[];
}

export interface Truth {
  scenario: string;
  hosts: Record<string, unknown>;
  hostsNotInCase: Record<string, string>;
  flows: TruthFlow[];
  partnerSees: string[];
}

/** The committed samples, or a fresh lab run's output (NATPATH_SAMPLES=/tmp/run npx vitest run test/match). */
export const SAMPLES = process.env.NATPATH_SAMPLES ?? join(PROJECT_ROOT, 'samples');

/** Lab scenarios present in samples/ (each a folder with truth.json). */
export function labScenarios(): string[] {
  if (!existsSync(SAMPLES)) return [];
  return readdirSync(SAMPLES)
    .filter((name) => existsSync(join(SAMPLES, name, 'truth.json')))
    .sort();
}

export function readTruth(scenario: string): Truth {
  return JSON.parse(readFileSync(join(SAMPLES, scenario, 'truth.json'), 'utf8')) as Truth;
}

export function endpointText(e: TruthEndpoint, proto: string): string {
  if (e.port === undefined || proto.startsWith('icmp')) return e.address;
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/** natpath's flows with the truth flow's protocol, client and server endpoints. */
function sameEnds(report: AnalyzeReport, truth: TruthFlow): Flow[] {
  const client = endpointText(truth.client, truth.proto);
  const server = endpointText(truth.server, truth.proto);
  return report.flows.filter((f) => f.proto === truth.proto && f.client === client && f.server === server);
}

/**
 * The flow natpath made of the truth's flow. A replay repeats the client's tuple
 * (pod-egress-replay): its copies are told apart by what NAT made of each, the source the server
 * saw (or, beyond the case, the last source the case shows).
 */
export function findFlow(report: AnalyzeReport, truth: TruthFlow): Flow | undefined {
  const same = sameEnds(report, truth);
  if (same.length <= 1) return same[0];
  if (truth.lastInCase !== undefined) {
    const last = endpointText(truth.lastInCase.src, truth.proto);
    return same.find((f) => f.lastSeen.src === last);
  }
  const sees = endpointText(truth.serverSees, truth.proto);
  return same.find((f) => (f.seenByServer ?? f.lastSeen).src === sees);
}

/** "host:interface" at each capture point, in path order; a capture without interface names is "host:any". */
export function truthPath(flow: TruthFlow): string[] {
  const points: string[] = [];
  for (const hop of flow.path) {
    if (hop.inCase === false) continue;
    const point = `${hop.host}:${hop.interface ?? 'any'}`;
    // Cooked v1 captures list every copy; natpath folds copies at one point into one hop.
    if (points[points.length - 1] !== point || hop.interface !== null) points.push(point);
  }
  return points;
}

/** natpath's path in the same terms: consecutive "any" points (cooked v1: no interface names) fold into one. */
export function ourPath(flow: Flow): string[] {
  const points: string[] = [];
  for (const leg of flow.legs) {
    for (const h of leg.hops) {
      const point = `${leg.host}:${h.interface}`;
      if (h.interface === 'any' && points[points.length - 1] === point) continue;
      points.push(point);
    }
  }
  return points;
}

/**
 * Each named capture point holds the request's leg the way the capture recorded it: the client's
 * packet with its tuple there, going the way the link layer says (SLL2 packet type, pcapng flags)
 * — a reply taken for the request's leg would show the tuple turned round and the other way — and
 * the points of one host in the order of time (one clock): never earlier than the point before.
 */
export function hopsAgainstTruth(label: string, flow: Flow, truth: TruthFlow): string[] {
  const problems: string[] = [];
  const theirs = truth.path.filter((h) => h.inCase !== false);
  for (const leg of flow.legs) {
    const atHost = theirs.filter((h) => h.host === leg.host);
    const tupleOf = (h: TruthHop) => `${endpointText(h.src, truth.proto)} → ${endpointText(h.dst, truth.proto)}`;
    if (atHost.some((h) => h.interface === null)) {
      // Cooked v1 (no interface names): its copies fold into fewer hops, so hops are not paired one
      // to one; each must still be the request as the capture recorded it at one of them.
      for (const hop of leg.hops) {
        const point = `${leg.host}:${hop.interface}`;
        if (!atHost.some((h) => tupleOf(h) === `${hop.src} → ${hop.dst}`)) problems.push(`${label}: at ${point} the leg is ${hop.src} → ${hop.dst}, the request was ${[...new Set(atHost.map(tupleOf))].join(' or ')}`);
        if (hop.direction !== null && !atHost.some((h) => h.direction === hop.direction)) problems.push(`${label}: at ${point} the leg goes ${hop.direction}, the capture recorded the request ${[...new Set(atHost.map((h) => h.direction))].join('/')}`);
      }
      continue;
    }
    if (atHost.length !== leg.hops.length) {
      problems.push(`${label}: ${leg.host} holds the request at ${atHost.length} capture points, natpath lists ${leg.hops.length}`);
      continue;
    }
    let previous: { point: string; position: number } | null = null;
    for (const [i, h] of atHost.entries()) {
      const hop = leg.hops[i]!;
      const point = `${leg.host}:${hop.interface}`;
      const tuple = tupleOf(h);
      if (`${hop.src} → ${hop.dst}` !== tuple) problems.push(`${label}: at ${point} the leg is ${hop.src} → ${hop.dst}, the request was ${tuple}`);
      if (h.direction !== undefined && hop.direction !== h.direction) problems.push(`${label}: at ${point} the leg goes ${hop.direction ?? 'no way'}, the capture recorded the request ${h.direction}`);
      if (previous !== null && hop.position < previous.position) {
        problems.push(`${label}: at ${point} the packets passed ${((previous.position - hop.position) * 1e6).toFixed(0)} µs before the point ahead of it`);
      }
      previous = { point, position: hop.position };
    }
  }
  const hosts = new Set(flow.legs.map((l) => l.host));
  for (const host of new Set(theirs.map((h) => h.host))) if (!hosts.has(host)) problems.push(`${label}: natpath has no leg at ${host}, where the capture holds the request`);
  return problems;
}

/** Truth kinds: masquerade/snat/dnat; natpath's: SNAT/DNAT (MASQUERADE is named by its rule). */
export function ourKind(kind: string): 'SNAT' | 'DNAT' | null {
  if (kind === 'masquerade' || kind === 'snat') return 'SNAT';
  if (kind === 'dnat') return 'DNAT';
  return null;
}

/** Compares the report with the scenario's truth.json; returns the differences as sentences. */
export function differences(report: AnalyzeReport, truth: Truth): string[] {
  const problems: string[] = [];
  const ends = (t: TruthFlow) => `${t.proto} ${endpointText(t.client, t.proto)} → ${endpointText(t.server, t.proto)}`;
  const truthCount = new Map<string, number>();
  for (const t of truth.flows) truthCount.set(ends(t), (truthCount.get(ends(t)) ?? 0) + 1);
  for (const t of truth.flows) {
    const label = ends(t);
    // As many flows as the kernel made connections (a replay's copies share the client's tuple).
    if (truthCount.get(label) !== undefined) {
      const ours = sameEnds(report, t).length;
      if (ours !== truthCount.get(label)) problems.push(`${label}: ${ours} flows ≠ ${truthCount.get(label)} in the truth`);
      truthCount.delete(label);
    }
    const flow = findFlow(report, t);
    if (flow === undefined) {
      problems.push(`${label}: flow not found`);
      continue;
    }
    const expectedPath = truthPath(t);
    const path = ourPath(flow);
    if (JSON.stringify(path) !== JSON.stringify(expectedPath)) problems.push(`${label}: path ${path.join(' → ')} ≠ ${expectedPath.join(' → ')}`);
    else problems.push(...hopsAgainstTruth(label, flow, t));
    if (t.lastInCase !== undefined) {
      // The server's view is beyond the case: never claimed; the last point the case holds is said instead.
      if (flow.seenByServer !== null) problems.push(`${label}: claims the server saw ${flow.seenByServer.src}; only ${t.lastInCase.point} is in the case`);
      const last = `${flow.lastCapturePoint} ${flow.lastSeen.src}`;
      const theirs = `${t.lastInCase.point} ${endpointText(t.lastInCase.src, t.proto)}`;
      if (last !== theirs) problems.push(`${label}: last seen ${last} ≠ ${theirs}`);
    } else {
      const sees = (flow.seenByServer ?? flow.lastSeen).src;
      if (sees !== endpointText(t.serverSees, t.proto)) problems.push(`${label}: server sees ${sees} ≠ ${endpointText(t.serverSees, t.proto)}`);
    }
    if ((flow.tunnels[0] ?? null) !== t.tunnel) problems.push(`${label}: tunnel ${flow.tunnels[0] ?? null} ≠ ${t.tunnel}`);
    // Translations at hosts captured only for the truth happen beyond what the case can show.
    const translationsInCase = t.translations.filter((x) => x.between.every((point) => point.split(':')[0]! in truth.hosts));
    const expected = translationsInCase.map((x) => `${ourKind(x.kind)} by ${x.beyondCapturedHosts === true ? 'beyond' : x.host} between ${x.between.join(' and ')}`).sort();
    const ours = flow.translations.map((x) => `${x.kind} by ${x.where === 'beyond' ? 'beyond' : x.host} between ${x.between.join(' and ')}`).sort();
    if (JSON.stringify(ours) !== JSON.stringify(expected)) problems.push(`${label}: translations [${ours.join('; ')}] ≠ [${expected.join('; ')}]`);
    // In the order the kernel applied them, each with its own before and after (NodePort: DNAT, then MASQUERADE).
    const tuple = (x: { src: string; dst: string }) => `${x.src} > ${x.dst}`;
    const steps = (list: Array<{ kind: string; before: { src: string; dst: string }; after: { src: string; dst: string } }>) =>
      list.map((x) => `${x.kind} ${tuple(x.before)} ⇒ ${tuple(x.after)}`);
    const text = (e: TruthEndpoint) => endpointText(e, t.proto);
    const theirSteps = steps(translationsInCase.map((x) => ({ kind: ourKind(x.kind) ?? x.kind, before: { src: text(x.before.src), dst: text(x.before.dst) }, after: { src: text(x.after.src), dst: text(x.after.dst) } })));
    const ourSteps = steps(flow.translations);
    if (JSON.stringify(ourSteps) !== JSON.stringify(theirSteps)) problems.push(`${label}: translation steps [${ourSteps.join('; ')}] ≠ [${theirSteps.join('; ')}]`);
    // Each translation on a captured host is explained by the rule the kernel's counters name.
    for (const x of t.translations) {
      if (x.beyondCapturedHosts === true || x.rule === null) continue;
      const mine = flow.translations.find((y) => y.kind === ourKind(x.kind) && y.between.join() === x.between.join());
      const ours = mine?.rule ? ruleIdentity(mine.rule) : 'no rule';
      const theirs = ruleIdentity(x.rule);
      if (ours !== theirs || mine?.explained !== true) problems.push(`${label}: ${x.kind} explained by ${ours} ≠ ${theirs}${mine?.note ? ` (${mine.note})` : ''}`);
      // An nft rule's text as the kernel lists it (`nft -a list ruleset`); counters are state, not the rule.
      if (x.rule.handle !== undefined && mine?.rule && mine.rule.text !== x.rule.text.replace(/\bcounter packets \d+ bytes \d+/g, 'counter')) {
        problems.push(`${label}: ${x.kind} rule text ${mine.rule.text} ≠ ${x.rule.text}`);
      }
    }
    // The kernel's own record of each translation (conntrack -L on that host) is found and quoted.
    for (const x of t.translations) {
      if (x.conntrack === undefined || x.beyondCapturedHosts === true) continue;
      const mine = flow.translations.find((y) => y.kind === ourKind(x.kind) && y.between.join() === x.between.join());
      if (mine?.conntrack?.entry !== x.conntrack.line.trim()) {
        problems.push(`${label}: ${x.kind} conntrack evidence ${mine?.conntrack?.entry ?? 'missing'} ≠ ${x.conntrack.line.trim()}`);
      }
    }
  }
  // Answers name what the server saw, or (not captured at the server) the last source the case shows.
  // truth.json follows no ICMP errors (truth.mjs starts flows at SYNs, datagrams and echo requests):
  // an answer line made of error flows alone is not the truth's to judge.
  const sources = [...new Set(truthAnswers(report).flatMap((a) => a.sources))].sort();
  const expectedSources = [...new Set(truth.flows.map((f) => f.lastInCase?.src.address ?? f.serverSees.address))].sort();
  const beyondCase = truth.flows.some((f) => f.lastInCase !== undefined);
  if (JSON.stringify(sources) !== JSON.stringify(beyondCase ? expectedSources : [...truth.partnerSees].sort())) {
    problems.push(`answer: sources ${sources.join(', ')} ≠ ${beyondCase ? `last seen in the case ${expectedSources.join(', ')}` : `partnerSees ${truth.partnerSees.join(', ')}`}`);
  }
  return problems;
}

/** The answer lines, less those made of ICMP error flows alone (answer-builder.ts keys a line by protocol and server as last seen). */
export function truthAnswers(report: AnalyzeReport): AnalyzeReport['answers'] {
  const key = (f: Flow): string => `${f.proto} ${(f.seenByServer ?? f.lastSeen).dst}`;
  const others = new Set(report.flows.filter((f) => f.icmpError === null).map(key));
  const errorsOnly = new Set(report.flows.filter((f) => f.icmpError !== null).map(key).filter((k) => !others.has(k)));
  return report.answers.filter((a) => !errorsOnly.has(`${a.proto} ${a.server}`));
}
