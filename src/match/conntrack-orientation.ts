// Which end of a connection is its client, as the host's conntrack recorded it: an entry's
// original tuple is the direction of the connection's first packet, so its source is the client.
// Evidence for a leg that saw no TCP handshake (a capture of one direction, a capture that started
// mid-stream), stronger than which end happened to send the first captured packet
// (docs/analyze.md, "Orientation").

import { formatIpAddress, type IpAddress } from '../net/address.js';
import type { ConntrackEntry } from '../conntrack/index.js';
import type { LegTable } from '../flow/leg-table.js';
import { endpointWithPort, hasPorts } from './endpoint-text.js';
import { addressKey } from './host-knowledge.js';

/** LegFacts.conntrackClient: the low endpoint is the original source, the high one, or no (or no consistent) entry. */
const CONNTRACK_LOW = 0;
const CONNTRACK_HIGH = 1;
export const CONNTRACK_NONE = 2;
/** Two entries of one host that name different ends of the same tuple (a port reused the other way round): no evidence. */
const DISAGREE = -1;

/** One host's entries, by the unordered pair of endpoints of each tuple (original and reply), to the endpoint that is the client. */
export class ConntrackClients {
  private readonly clientOf = new Map<string, string | typeof DISAGREE>();
  private readonly entryOf = new Map<string, ConntrackEntry>();

  constructor(entries: ConntrackEntry[]) {
    for (const e of entries) {
      const ports = hasPorts(e.protocolNumber);
      const client = endpoint(e.original.src, ports ? e.original.sport : null);
      // The reply tuple's destination is the client as translated (its source after SNAT).
      this.add(e, e.protocolNumber, client, endpoint(e.original.dst, ports ? e.original.dport : null));
      this.add(e, e.protocolNumber, endpoint(e.reply.dst, ports ? e.reply.dport : null), endpoint(e.reply.src, ports ? e.reply.sport : null));
    }
  }

  private add(e: ConntrackEntry, proto: number, client: string, server: string): void {
    const key = pairKey(proto, client, server);
    const known = this.clientOf.get(key);
    if (known === undefined) {
      this.clientOf.set(key, client);
      this.entryOf.set(key, e);
    } else if (known !== client) {
      this.clientOf.set(key, DISAGREE);
    }
  }

  /** CONNTRACK_LOW / HIGH / NONE for leg `leg` of `table`. */
  clientOfLeg(table: LegTable, leg: number): number {
    const { key, low } = legPair(table, leg);
    const client = this.clientOf.get(key);
    if (client === undefined || client === DISAGREE) return CONNTRACK_NONE;
    return client === low ? CONNTRACK_LOW : CONNTRACK_HIGH;
  }

  /** The entry that oriented the leg, for quoting it (undefined when none did). */
  entryOfLeg(table: LegTable, leg: number): ConntrackEntry | undefined {
    const { key } = legPair(table, leg);
    return this.clientOf.get(key) === DISAGREE ? undefined : this.entryOf.get(key);
  }
}

function legPair(table: LegTable, leg: number): { key: string; low: string } {
  const w1 = table.keyWord(leg, 1);
  const version = w1 >>> 24;
  const proto = (w1 >>> 16) & 0xff;
  const words = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) words[i] = table.keyWord(leg, 3 + i);
  const lowAddress = addressKey(version, words);
  for (let i = 0; i < 4; i++) words[i] = table.keyWord(leg, 7 + i);
  const highAddress = addressKey(version, words);
  const ports = table.keyWord(leg, 11);
  const withPorts = hasPorts(proto);
  const low = endpointWithPort(lowAddress, withPorts ? ports >>> 16 : null);
  const high = endpointWithPort(highAddress, withPorts ? ports & 0xffff : null);
  return { key: pairKey(proto, low, high), low };
}

/** The same key whichever end comes first. */
function pairKey(proto: number, a: string, b: string): string {
  return a < b ? `${proto} ${a} ${b}` : `${proto} ${b} ${a}`;
}

function endpoint(address: IpAddress, port: number | null): string {
  return endpointWithPort(formatIpAddress(address), port);
}
