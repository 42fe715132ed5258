// What the analysis finds, as data: each flow's path host by host and interface by interface, its
// translations and the rule behind each, leaks, and the answer per server. The analyze report
// (report/analyze-model.ts) carries these as they are, so field names here are part of its JSON
// contract (docs/report-schema.json, docs/json-schema.md): add fields, never rename them.

/** "IP:port", "[IPv6]:port", or a bare address for ICMP and other portless protocols. */
export type EndpointText = string;

export interface Encapsulation {
  type: string;
  /** VXLAN/Geneve VNI or GRE key; null when the tunnel has none. */
  vni: number | null;
  src: string | null;
  dst: string | null;
}

/** The flow at one capture point: one interface of one host. */
export interface Hop {
  id: string;
  interface: string;
  /** 'in' or 'out' per the link layer's packet type for packets toward the server; null when the capture does not say. */
  direction: 'in' | 'out' | null;
  src: EndpointText;
  dst: EndpointText;
  /** Outer layers, outermost first, when the packet was seen inside a tunnel here. */
  encapsulation: Encapsulation[];
  captureFile: string;
  packetsToServer: number;
  packetsToClient: number;
  bytesToServer: number;
  bytesToClient: number;
  /** Epoch seconds (this host's clock) as decimal strings. */
  firstSeen: string;
  lastSeen: string;
  /** Seconds after the flow's first hop at which the client's packets passed here (clock-corrected). */
  position: number;
  communityId: string | null;
}

/** The flow on one host: the interfaces it crossed there, in order. */
export interface HostLeg {
  host: string;
  interfaces: string[];
  /** As the packet entered this host (its first hop). */
  src: EndpointText;
  dst: EndpointText;
  hops: Hop[];
  packets: number;
  bytes: number;
  communityId: string | null;
}

export interface RuleRef {
  host: string;
  family: 'ipv4' | 'ipv6';
  table: string;
  chain: string;
  ruleNumber: number;
  target: string;
  text: string;
  comment: string | null;
  file: string | null;
  /** Text dumps (iptables-save, nft list ruleset): the rule's line. */
  line: number | null;
  /** `nft -j list ruleset`: the rule's JSON path (`$.nftables[12].rule`); null otherwise. */
  jsonPath: string | null;
  /** nftables rules: the table's family (`ip`, `ip6`, `inet`) and the rule's handle (null when dumped without `-a`); null for iptables rules. */
  nft: { family: string; handle: number | null } | null;
}

/** The conntrack entry recording the same translation on the host that did it. */
export interface ConntrackEvidence {
  file: string;
  line: number;
  entry: string;
}

export interface Translation {
  kind: 'SNAT' | 'DNAT';
  /** The host that did it, or null when it happened beyond the captured hosts (or cannot be told). */
  host: string | null;
  /** The two capture points ("host:interface") it happened between. */
  between: [string, string];
  before: { src: EndpointText; dst: EndpointText };
  after: { src: EndpointText; dst: EndpointText };
  /** 'on-host': between two capture points of one host; 'host': on a captured host outside its capture points; 'beyond': outside the captured hosts; 'between-hosts': on the way, not attributable. */
  where: 'on-host' | 'host' | 'beyond' | 'between-hosts';
  rule: RuleRef | null;
  explained: boolean;
  /** The host's conntrack entry for this translation, when its dump has one. */
  conntrack: ConntrackEvidence | null;
  /** One sentence for people. */
  description: string;
  /** Why no rule is named, or what contradicts the snapshot. */
  note: string | null;
  /**
   * Set on an ICMP error's translations: the kernel rewrote it (outer addresses and quoted header)
   * from the conntrack entry of the flow it quotes (RELATED), never by a nat rule of its own
   * (`rule` stays null); null on every other translation.
   */
  related: RelatedTranslation | null;
}

/** Which flows' conntrack entries translated an ICMP error, and the rules that made those flows' mappings. */
export interface RelatedTranslation {
  /** The ids of the flows the errors quote (one per quoted connection); empty when the case holds none of them. */
  flows: number[];
  /** The first of them as its client sent it ("flow 4 (udp 10.244.1.2:51623 → 198.51.100.10:9000)"), or the quoted packet when no flow holds it. */
  flowText: string;
  /**
   * The rule that made the mapping on this host of every quoted flow whose mapping is known, when
   * that is one rule; null when there is none, or when the quoted flows' mappings differ (mappings
   * lists them: no one rule made them all).
   */
  mappingRule: RuleRef | null;
  /** The quoted flows' mappings on this host, one entry per distinct mapping with the flows that have it, in flow order; empty when no quoted flow is in the case. */
  mappings: RelatedMapping[];
}

/** One mapping on a host shared by some of the flows an ICMP error quotes. */
export interface RelatedMapping {
  /** Their ids. */
  flows: number[];
  /** False when the host did not translate these flows: their entry there holds no mapping. */
  translated: boolean;
  /** The rule that made the mapping; null when not translated, or when no rule explains their translation. */
  rule: RuleRef | null;
}

/** An ICMP error flow: its type and what its first packet quotes. */
export interface IcmpErrorFacts {
  type: number;
  code: number;
  /** "port unreachable", "time exceeded in transit", … */
  name: string;
  /** The first error's quoted datagram at the flow's first capture point (source and destination as it was sent), null when the quote was cut before its IP header; complete is false when cut before its ports. */
  quoted: { proto: string; src: EndpointText; dst: EndpointText; complete: boolean } | null;
  /** Distinct quotes the errors carried at that capture point (at most 16 are kept per capture point; more are counted in quotesNotKept). */
  quotes: number;
  quotesNotKept: number;
  /** The ids of the flows the errors are RELATED to (the quoted packets' flows), in id order; empty when none is in the case. */
  relatedFlows: number[];
  /** How the related flow was found, or why none was. */
  reason: string;
}

/**
 * Whether a flow not captured at the server's own host is translated again after its last
 * capture point: 'certain' (a private source left toward a public server and replies came back),
 * 'likely' (a private source left toward a public server without a reply), 'no evidence'.
 */
export type TranslatedBeyond = 'certain' | 'likely' | 'no evidence';

/** Why a host let a flow leave with its private source: the nearest SNAT/MASQUERADE rule and what excluded it. */
export interface Untranslated {
  host: string;
  /** "host:interface" where the flow left this host with its private source. */
  capturePoint: string;
  /** That private source address. */
  src: string;
  /** The rule that came nearest, or null when no nat rule of the host translates sources. */
  rule: { table: string; chain: string; ruleNumber: number; text: string; file: string; line: number } | null;
  /** The rule's own conditions the packet failed (`-s 10.0.0.0/24`); empty when it would match or there is no rule. */
  excludedBy: string[];
  /** When the rule would match on its own: what kept the walk from it (an earlier rule that fired); else null. */
  notReachedBecause: string | null;
  /**
   * An ICMP error flow's leg (rule stays null: no nat rule sees an error, conntrack rewrites it by
   * the entry of the flow it quotes): the flows it quotes, and those of them whose mapping on this
   * host would have rewritten the error's source; null for every other flow.
   */
  related: { flows: number[]; translatedHere: number[] } | null;
  reason: string;
}

/** A cluster-internal address seen at a capture point outside the cluster. */
export interface Leak {
  host: string;
  interface: string;
  field: 'src' | 'dst';
  address: string;
  /** The internal range it falls in, and which snapshot said the range is internal. */
  range: string;
  evidence: string;
  description: string;
}

/** Another flow this one may be part of: they shared packets that evidence could not assign. */
export interface AmbiguousCandidate {
  /** The candidate's flow id (it may be beyond the flows listed, see --max-flows). */
  flow: number;
  /** "host:interface" of its capture points, in path order. */
  capturePoints: string[];
  /** As its client sent them at its first capture point. */
  client: EndpointText;
  server: EndpointText;
  /** Its last capture point ("host:interface") and the source there. */
  lastSeen: { capturePoint: string; src: EndpointText };
}

/** A flow whose continuation evidence cannot decide: its candidates, and why. */
export interface FlowAmbiguity {
  /** At most MAX_LISTED_CANDIDATES of them, in flow order. */
  candidates: AmbiguousCandidate[];
  /** How many there are in all. */
  candidateCount: number;
  reason: string;
}

/**
 * What decided which end is the client, strongest first (docs/analyze.md, "Orientation"): the TCP
 * handshake captured at some leg (SYN without ACK from the client; the flow's other legs follow
 * it) or an ICMP type (echo request or error: its sender; echo reply: its receiver), a host's conntrack entry (its original source), or only the end that sent the first
 * captured packet, unless a host's nat rules explain its translations with that end as the client and not
 * the other way round (nat rules see only a connection's first packet) — else a guess.
 */
export type OrientationBasis = 'tcp-handshake' | 'icmp-type' | 'conntrack' | 'nat-rule' | 'first-sender';

export interface FlowOrientation {
  basis: OrientationBasis;
  /** True with 'first-sender': client and server may be the other way round. */
  guessed: boolean;
  reason: string;
}

export interface Flow {
  id: number;
  family: 'ipv4' | 'ipv6';
  proto: string;
  /** As the client sent them, at the first capture point. */
  client: EndpointText;
  server: EndpointText;
  legs: HostLeg[];
  translations: Translation[];
  /** Source and destination at the server's own capture point, or null when the server's host was not captured. */
  seenByServer: { src: EndpointText; dst: EndpointText } | null;
  /** null when the server's own host was captured (seenByServer); else whether it is translated after lastSeen. */
  translatedBeyond: TranslatedBeyond | null;
  /** Why, in one sentence for people; null with seenByServer. */
  translatedBeyondReason: string | null;
  /** Hosts the flow left with the private source it came in with, and why no rule translated it there (leaks, and sources translated again beyond). */
  untranslated: Untranslated[];
  /** Source and destination at the last capture point (the server side of what was captured). */
  lastSeen: { src: EndpointText; dst: EndpointText };
  /** "host:interface" of the last capture point. */
  lastCapturePoint: string;
  tunnels: string[];
  leaks: Leak[];
  /** Set when the flow shared repeated packets with other flows and evidence could not tell which of them continues it; null otherwise. */
  ambiguous: FlowAmbiguity | null;
  /** Set when the flow is ICMP errors (RELATED to the flow they quote); null otherwise. */
  icmpError: IcmpErrorFacts | null;
  /** Which end is the client, and on what evidence. */
  orientation: FlowOrientation;
}

/** Flows of one answer line last seen at one capture point with one source, not at the server. */
export interface LastSeen {
  /** "host:interface". */
  capturePoint: string;
  /** The source address there. */
  src: string;
  flows: number;
  translatedBeyond: TranslatedBeyond;
  reason: string;
}

export interface Answer {
  server: EndpointText;
  proto: string;
  /** Source addresses the server saw (distinct); when the server's host was not captured, the last ones seen. */
  sources: string[];
  /** True only when every flow of this line was captured on the server's own host. */
  seenAtServer: boolean;
  /** Where the flows not captured at the server were last seen, and as what: one entry per capture point and source. */
  lastSeen: LastSeen[];
  /** The strongest of lastSeen's translatedBeyond; null when seenAtServer. */
  translatedBeyond: TranslatedBeyond | null;
  translatedBeyondReason: string | null;
  /** "host:interface" where the server side was last captured. */
  lastCapturePoints: string[];
  flows: number;
  tunnels: string[];
  translations: string[];
  /** Cluster-internal addresses seen outside the cluster on the way to this server. */
  leaks: string[];
  /** Where a flow of this line left a host with its private source, and which rule did not translate it and why: "left natgw:eth1 untranslated as 10.244.1.2: nat/POSTROUTING rule 1 (SNAT --to-source 203.0.113.7) excluded by -s 10.0.0.0/24". */
  untranslated: string[];
  /**
   * Flows toward this server that were not captured at its host, whose continuation evidence
   * cannot decide (flows[].ambiguous) and whose candidates show another source: they are left out
   * of sources, seenAtServer, lastSeen and flows, which rest on the others. null when there are none.
   */
  ambiguous: { flows: number; capturePoints: string[]; reason: string } | null;
  /**
   * Flows toward this endpoint whose orientation is a guess (flows[].orientation.guessed): this
   * endpoint may be their client. Left out of sources, seenAtServer, lastSeen and flows like
   * ambiguous ones; `peers` are their other ends. null when there are none.
   */
  orientationGuessed: { flows: number; peers: string[]; capturePoints: string[]; reason: string } | null;
}
