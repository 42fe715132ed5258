// The direction a capture recorded for each packet (Linux cooked v1/v2 packet type, pcapng
// epb_flags), and when it can be believed. A packet crosses one interface one way, and its reply
// crosses it the other way: at a capture point of one interface, a connection whose packets from
// both ends are all recorded "outgoing" (or all "incoming") contradicts itself — a broken writer,
// flags copied onto every record — and its directions are no evidence (docs/analyze.md §2).

import type { LegTable } from './leg-table.js';

/** LegInput.linkDirection and the sampled packets' bits 1–2 (LegTable.sampleWay). */
export const LinkDirection = { NONE: 0, OUT: 1, IN: 2 } as const;

const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_NFLOG = 239;

/**
 * Whether a capture point is one interface. Cooked v1 files every interface under one point, and
 * an NFLOG point is a rule that may see both ways of a forwarded connection as "incoming"
 * (PREROUTING): there both ends' packets may rightly be recorded the same way.
 */
export function isOneInterface(point: { linkType: number }): boolean {
  return point.linkType !== LINKTYPE_LINUX_SLL && point.linkType !== LINKTYPE_NFLOG;
}

/**
 * Whether the leg's recorded directions contradict themselves: packets from both of its ends were
 * recorded, each end's all the same way, and both ends' the same way (every packet "outgoing", or
 * every one "incoming"). Only meaningful at a point of one interface (isOneInterface).
 */
export function waysContradict(table: LegTable, leg: number): boolean {
  const d = table.linkDirections.data;
  const lowOut = d[4 * leg]!;
  const lowIn = d[4 * leg + 1]!;
  const highOut = d[4 * leg + 2]!;
  const highIn = d[4 * leg + 3]!;
  const allOut = lowOut > 0 && highOut > 0 && lowIn === 0 && highIn === 0;
  const allIn = lowIn > 0 && highIn > 0 && lowOut === 0 && highOut === 0;
  return allOut || allIn;
}

/** Per capture point of one capture: its connections whose recorded directions contradict themselves. */
export interface ContradictoryWays {
  point: number;
  legs: number;
  /** 'outgoing' or 'incoming': what every packet of the first such leg was recorded as. */
  recordedAs: 'outgoing' | 'incoming';
}

/** Points of one interface holding legs whose recorded directions contradict themselves, with how many. */
export function findContradictoryWays(points: { linkType: number }[], table: LegTable): ContradictoryWays[] {
  const found = new Map<number, ContradictoryWays>();
  for (let leg = 0; leg < table.count; leg++) {
    const point = table.keyWord(leg, 0);
    if (!isOneInterface(points[point]!) || !waysContradict(table, leg)) continue;
    const entry = found.get(point);
    if (entry !== undefined) entry.legs++;
    else found.set(point, { point, legs: 1, recordedAs: table.linkDirections.data[4 * leg]! > 0 ? 'outgoing' : 'incoming' });
  }
  return [...found.values()];
}

/**
 * The link direction a leg recorded for its packets toward the server (`toServer` 0: those sent
 * by its low endpoint, 1: by its high one): LinkDirection.OUT or IN by the majority, NONE when
 * none was recorded or the leg's directions contradict themselves at a point of one interface.
 */
export function wayTowardServer(points: { linkType: number }[], table: LegTable, leg: number, toServer: number): number {
  const out = table.linkDirections.data[4 * leg + 2 * toServer]!;
  const into = table.linkDirections.data[4 * leg + 2 * toServer + 1]!;
  if (out === 0 && into === 0) return LinkDirection.NONE;
  if (isOneInterface(points[table.keyWord(leg, 0)]!) && waysContradict(table, leg)) return LinkDirection.NONE;
  return out >= into ? LinkDirection.OUT : LinkDirection.IN;
}

/**
 * The link direction a leg recorded for the packets of each of its ends: bits 0–1 for those its
 * low endpoint sent, bits 2–3 for its high one's (LinkDirection, by the majority). 0 at a point of
 * several interfaces (cooked v1, NFLOG) or where the leg's directions contradict themselves.
 */
export function sideWays(points: { linkType: number }[], table: LegTable, leg: number): number {
  if (!isOneInterface(points[table.keyWord(leg, 0)]!) || waysContradict(table, leg)) return 0;
  const d = table.linkDirections.data;
  const way = (out: number, into: number) => (out === 0 && into === 0 ? LinkDirection.NONE : out >= into ? LinkDirection.OUT : LinkDirection.IN);
  return way(d[4 * leg]!, d[4 * leg + 1]!) | (way(d[4 * leg + 2]!, d[4 * leg + 3]!) << 2);
}
