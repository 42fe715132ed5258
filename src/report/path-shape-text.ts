// What a path shape (flows with the same path whose translations differ only in ports) says in
// text, shared by the terminal and Markdown renderings: its hops with the ports that vary across
// its flows shown as `*`, its translations likewise, the client ports it covers, packet sums.

import type { Flow, Hop, Translation } from './analyze-model.js';
import type { PathShape } from './path-groups.js';
import { addressOf } from './endpoint.js';

/** One endpoint over the flows of a shape: the shared text, or the address with `*` for varying ports. */
export function endpointAcross(values: readonly string[]): string {
  const first = values[0] ?? '';
  if (values.every((v) => v === first)) return first;
  const address = addressOf(first);
  if (values.every((v) => addressOf(v) === address)) return address.includes(':') ? `[${address}]:*` : `${address}:*`;
  return `${first} …`;
}

export interface ShapeHop {
  host: string;
  hop: Hop;
  src: string;
  dst: string;
  packetsToServer: number;
  packetsToClient: number;
}

/** The first flow's hops, endpoints generalised over every flow of the shape, packets summed. */
export function shapeHops(shape: PathShape): ShapeHop[] {
  const first = shape.flows[0]!;
  const hops: ShapeHop[] = [];
  first.legs.forEach((leg, li) =>
    leg.hops.forEach((hop, hi) => {
      const same = shape.flows.map((f) => f.legs[li]?.hops[hi]).filter((h): h is Hop => h !== undefined);
      hops.push({
        host: leg.host,
        hop,
        src: endpointAcross(same.map((h) => h.src)),
        dst: endpointAcross(same.map((h) => h.dst)),
        packetsToServer: same.reduce((n, h) => n + h.packetsToServer, 0),
        packetsToClient: same.reduce((n, h) => n + h.packetsToClient, 0),
      });
    }),
  );
  return hops;
}

export interface ShapeTranslation {
  translation: Translation;
  before: { src: string; dst: string };
  after: { src: string; dst: string };
  /** Conntrack entries quoted for the flows of the shape (file:line), in flow order. */
  conntrack: string[];
}

/** The first flow's translations, in the order the model gives them (the kernel's), generalised over the shape. */
export function shapeTranslations(shape: PathShape): ShapeTranslation[] {
  const first = shape.flows[0]!;
  return first.translations.map((t, i) => {
    const same = shape.flows.map((f) => f.translations[i]).filter((x): x is Translation => x !== undefined);
    return {
      translation: t,
      before: { src: endpointAcross(same.map((x) => x.before.src)), dst: endpointAcross(same.map((x) => x.before.dst)) },
      after: { src: endpointAcross(same.map((x) => x.after.src)), dst: endpointAcross(same.map((x) => x.after.dst)) },
      conntrack: same.filter((x) => x.conntrack !== null).map((x) => `${x.conntrack!.file}:${x.conntrack!.line}`),
    };
  });
}

/** "SNAT source 10.244.1.2:* → 10.0.0.11:*": what changed, ports generalised. */
export function changeText(t: ShapeTranslation): string {
  const parts: string[] = [];
  if (t.before.src !== t.after.src) parts.push(`source ${t.before.src} → ${t.after.src}`);
  if (t.before.dst !== t.after.dst) parts.push(`destination ${t.before.dst} → ${t.after.dst}`);
  return `${t.translation.kind} ${parts.join(', ') || `${t.before.src} → ${t.before.dst} (unchanged)`}`;
}

/** Where it happened, in words: "on node1 between cni0 and eth0", "beyond the captured hosts". */
export function whereText(t: Translation): string {
  const [from, to] = t.between;
  switch (t.where) {
    case 'on-host': {
      const iface = (p: string) => (t.host !== null && p.startsWith(`${t.host}:`) ? p.slice(t.host.length + 1) : p);
      return `on ${t.host ?? '?'} between ${iface(from)} and ${iface(to)}`;
    }
    case 'host':
      return `on ${t.host ?? '?'} (between ${from} and ${to})`;
    case 'beyond':
      return `beyond the captured hosts (after ${from})`;
    case 'between-hosts':
      return `between ${from} and ${to} (not on a captured host)`;
  }
}

/** The client ports of a shape's flows, in flow order; at most `limit` of them (null = all). */
export function clientPorts(flows: readonly Flow[], limit: number | null): { shown: string[]; more: number } {
  const ports = flows.map((f) => {
    const address = addressOf(f.client);
    return f.client.length > address.length ? f.client.slice(f.client.lastIndexOf(':') + 1) : '–';
  });
  const shown = limit === null ? ports : ports.slice(0, limit);
  return { shown, more: ports.length - shown.length };
}

/** The server-facing source of each flow, for -v listings: "55794 → 203.0.113.7:48280". */
export function flowMappings(flows: readonly Flow[]): string[] {
  return flows.map((f) => `flow ${f.id}: ${f.client} → ${(f.seenByServer ?? f.lastSeen).src}`);
}

/**
 * The reply-only fragments of a shape's flows (flows[].conntrackJoins), one line each: the first
 * flow's alone, or "flow N: …" per flow when the shape has several, at most `limit` flows (null:
 * all); `more` counts the flows left out. Joined ones and the others apart.
 */
export function joinLines(flows: readonly Flow[], limit: number | null): { joined: string[]; apart: string[]; more: number } {
  const withJoins = flows.filter((f) => f.conntrackJoins.length > 0);
  const shown = limit === null ? withJoins : withJoins.slice(0, limit);
  const joined: string[] = [];
  const apart: string[] = [];
  for (const f of shown) {
    for (const j of f.conntrackJoins) (j.outcome === 'joined' ? joined : apart).push(flows.length > 1 ? `flow ${f.id}: ${j.reason}` : j.reason);
  }
  return { joined, apart, more: withJoins.length - shown.length };
}
