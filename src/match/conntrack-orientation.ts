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

/** An entry holding a leg's endpoints, and in which of its tuples: 'both' when the entry records no NAT. */
export interface EntryFit {
  entry: ConntrackEntry;
  tuple: 'original' | 'reply' | 'both';
}

/** One host's entries, by the unordered pair of endpoints of each tuple (original and reply), to the endpoint that is the client. */
export class ConntrackClients {
  private readonly clientOf = new Map<string, string | typeof DISAGREE>();
  /** Every entry holding the pair, in the snapshot's order, with the tuple that holds it (conntrack-joins.ts). */
  private readonly fitsOf = new Map<string, EntryFit[]>();

  constructor(entries: ConntrackEntry[]) {
    for (const e of entries) {
      const ports = hasPorts(e.protocolNumber);
      const client = endpoint(e.original.src, ports ? e.original.sport : null);
      // The reply tuple's destination is the client as translated (its source after SNAT).
      this.add(e, e.protocolNumber, client, endpoint(e.original.dst, ports ? e.original.dport : null), 'original');
      this.add(e, e.protocolNumber, endpoint(e.reply.dst, ports ? e.reply.dport : null), endpoint(e.reply.src, ports ? e.reply.sport : null), 'reply');
    }
  }

  private add(e: ConntrackEntry, proto: number, client: string, server: string, tuple: EntryFit['tuple']): void {
    const key = pairKey(proto, client, server);
    const fits = this.fitsOf.get(key);
    const same = fits?.find((f) => f.entry === e);
    // An entry without NAT holds the same pair in both tuples.
    if (same !== undefined) same.tuple = 'both';
    else if (fits === undefined) this.fitsOf.set(key, [{ entry: e, tuple }]);
    else fits.push({ entry: e, tuple });
    const known = this.clientOf.get(key);
    if (known === undefined) {
      this.clientOf.set(key, client);
    } else if (known !== client) {
      this.clientOf.set(key, DISAGREE);
    }
  }

  /** Every entry whose original or reply tuple has the leg's endpoints (either way round), in the snapshot's order. */
  entriesOfLeg(table: LegTable, leg: number): readonly EntryFit[] {
    return this.fitsOf.get(legPair(table, leg).key) ?? [];
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
    return this.clientOf.get(key) === DISAGREE ? undefined : this.fitsOf.get(key)?.[0]?.entry;
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
