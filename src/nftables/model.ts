// The nftables model: the libnftables JSON schema (`man libnftables-json`, schema version 1, as
// nft 1.0.6 prints it) typed in TypeScript, re-grouped as tables → chains → rules so the simulator
// walks it directly. Statements and expressions keep nft's own JSON shape (`{ match: { op, left,
// right } }`, `{ payload: { protocol, field } }` …): the JSON reader validates `nft -j list ruleset`
// into these types, the text reader builds the same objects from `nft list ruleset`, and nothing
// downstream needs to know which form a host gave. Each object keeps where it came from (file and
// line for text, file and JSON path for JSON) and every rule its printed text, so a report can cite
// `nat/pre handle 12: ip saddr @s4 meta mark set …  (ruleset.json $.nftables[12].rule)`.
//
// natpath adds one thing nft's JSON does not have: `{ unknown: … }` for a statement or expression
// a reader could not type. The simulator treats it as an unknown branch carrying the rule's text.

// ---------------------------------------------------------------------------------------------
// Where a piece of the ruleset came from

/** `nft list ruleset` text: the 1-based line where the object starts. */
export interface NftTextSource {
  format: 'text';
  file: string;
  line: number;
}

/** `nft -j list ruleset`: the JSON path of the object, e.g. `$.nftables[12].rule` or `$.nftables[12].rule.expr[3]`. */
export interface NftJsonSource {
  format: 'json';
  file: string;
  path: string;
}

export type NftSource = NftTextSource | NftJsonSource;

// ---------------------------------------------------------------------------------------------
// The ruleset

/** Address families. Only ip, ip6 and inet are simulated; arp, bridge and netdev are listed and ignored with a diagnostic. */
export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';

export interface NftRuleset {
  /** Which reader built it. */
  format: 'text' | 'json';
  file: string;
  /** From JSON `metainfo` (`version`, `json_schema_version`); null for text or when absent. */
  nftVersion: string | null;
  jsonSchemaVersion: number | null;
  /** True when the dump carries rule handles (`nft -a list ruleset`, or any `nft -j` dump). */
  hasHandles: boolean;
  /** Tables in file order. */
  tables: NftTable[];
}

export interface NftTable {
  family: NftFamily;
  name: string;
  /** Kernel handle; null when the text dump was taken without `-a`. */
  handle: number | null;
  /** Table flags (`dormant`, `owner`, `persist`). A dormant table is not evaluated by the kernel. */
  flags: string[];
  comment: string | null;
  /** Chains in file order, base and regular. */
  chains: NftChain[];
  chainsByName: Map<string, NftChain>;
  /** Named sets and maps (a map is a set with `map` data type) in file order. */
  sets: NftSet[];
  setsByName: Map<string, NftSet>;
  /** Stateful objects (`counter`, `quota`, `ct helper`, `limit`, `ct timeout`, `ct expectation`, `synproxy`, `secmark`) by kind and name; listed, not simulated. */
  objects: NftObject[];
  flowtables: NftFlowtable[];
  source: NftSource;
}

/** Netfilter hooks. ip/ip6/inet: prerouting…postrouting (+ ingress for inet since 5.10); netdev: ingress, egress. */
export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';

export type NftChainType = 'filter' | 'nat' | 'route';

/** What makes a chain a base chain: attached to a hook at a priority. */
export interface NftBaseChain {
  type: NftChainType;
  hook: NftHook;
  /** Numeric priority (JSON `prio`); text priorities like `dstnat`, `srcnat + 10` are resolved by `nftPriorityValue`. Lower runs first. */
  prio: number;
  /** `accept` when the dump shows none (the kernel's default). */
  policy: 'accept' | 'drop';
  /** netdev / inet ingress chains: the device(s). */
  devices: string[];
}

export interface NftChain {
  family: NftFamily;
  table: string;
  name: string;
  handle: number | null;
  /** null for a regular chain (reached only by jump/goto). */
  base: NftBaseChain | null;
  comment: string | null;
  rules: NftRule[];
  source: NftSource;
}

export interface NftRule {
  family: NftFamily;
  table: string;
  chain: string;
  /** Kernel handle when the dump has one (`nft -a`, or JSON); null otherwise. */
  handle: number | null;
  /** 1-based position within its chain (stable even without handles). */
  index: number;
  /** Statements in order; a rule stops at the first match that fails. */
  expr: NftStatement[];
  comment: string | null;
  /**
   * The rule as `nft list ruleset` prints it, without counter values and without `# handle N`
   * (`counter` stays as the bare word, the comment stays). For JSON input it is printed from `expr`.
   */
  text: string;
  source: NftSource;
}

/** A named set or map. Elements keep nft's JSON shape: a set's are keys, a map's are `[key, data]` pairs. */
export interface NftSet {
  family: NftFamily;
  table: string;
  name: string;
  handle: number | null;
  /** `set` or `map` (verdict maps are maps whose `map` type is `verdict`). */
  kind: 'set' | 'map';
  /** Key type: one name (`ipv4_addr`) or, for a concatenation, the list of names (`ipv4_addr . inet_service`). `typeof` keys are resolved to names when known, else kept as the expression's text. */
  type: string | string[];
  /** Maps only: the data type (`verdict`, `ipv4_addr`, or a concatenation as a list). */
  map: string | string[] | null;
  /** `constant`, `interval`, `timeout`, `dynamic`. `interval` means elements may be prefixes and ranges. */
  flags: string[];
  /** Default element timeout in seconds, size limit, policy (`performance`/`memory`) when given. */
  timeoutSeconds: number | null;
  size: number | null;
  policy: string | null;
  comment: string | null;
  /**
   * Elements as nft prints them: for sets each is an expression (immediate, `{prefix}`, `{range}`,
   * `{concat}`, or `{elem: {val, timeout, expires, comment}}` wrapping one); for maps each is a
   * two-item list `[key, data]`.
   */
  elem: NftExpr[];
  source: NftSource;
}

export interface NftObject {
  family: NftFamily;
  table: string;
  /** JSON key: `counter`, `quota`, `ct helper`, `limit`, `ct timeout`, `ct expectation`, `synproxy`, `secmark`. */
  kind: string;
  name: string;
  handle: number | null;
  source: NftSource;
}

export interface NftFlowtable {
  family: NftFamily;
  table: string;
  name: string;
  handle: number | null;
  hook: string;
  prio: number;
  devices: string[];
  source: NftSource;
}

// ---------------------------------------------------------------------------------------------
// Statements (the items of a rule's `expr` list)

/** Relational and binary operators of `match`. `in` is nft's implicit flag test (`ct state established,related`). */
export type NftOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | '&' | '|' | '^' | '<<' | '>>';

/** `dnat`/`snat`: `family` is present when the address is a map or the table is inet (`dnat ip to …`). */
export interface NftNatStatement {
  family?: 'ip' | 'ip6';
  /** Address, `{range}`, `{prefix}`, `{map}` (possibly yielding `address . port`). Absent: address unchanged (`dnat to :80`). */
  addr?: NftExpr;
  /** Port, `{range}`, or absent. */
  port?: NftExpr;
  /** `random`, `fully-random`, `persistent` (nft prints one flag as a string, several as a list). */
  flags?: string | string[];
  /** nft ≥ 1.0.7: `interval`, `prefix`, `concat` (how a map's data is split into address and port). */
  type_flags?: string | string[];
}

/** `masquerade` and `redirect`: only a port (range) and flags. */
export interface NftMasqueradeStatement {
  port?: NftExpr;
  flags?: string | string[];
}

export interface NftLogStatement {
  prefix?: string;
  group?: number;
  snaplen?: number;
  'queue-threshold'?: number;
  level?: string;
  flags?: string | string[];
}

/** `reject` (ICMP port-unreachable by default), `reject with tcp reset`, `… with icmp(x|v6) <type>`. */
export interface NftRejectStatement {
  type?: 'tcp reset' | 'icmpx' | 'icmp' | 'icmpv6';
  expr?: string;
}

export type NftVerdict =
  | { accept: null }
  | { drop: null }
  | { continue: null }
  | { return: null }
  | { jump: { target: string } }
  | { goto: { target: string } };

export type NftStatement =
  | NftVerdict
  | { match: { op: NftOp; left: NftExpr; right: NftExpr } }
  /** Anonymous counter `{packets, bytes}` (values are ignored), or a named counter object. */
  | { counter: { packets: number; bytes: number } | string | null }
  /** `meta mark set …`, `ct mark set …`, payload writes: `key` is the thing written. */
  | { mangle: { key: NftExpr; value: NftExpr } }
  | { snat: NftNatStatement }
  | { dnat: NftNatStatement }
  | { masquerade: NftMasqueradeStatement | null }
  | { redirect: NftMasqueradeStatement | null }
  | { reject: NftRejectStatement | null }
  | { notrack: null }
  | { log: NftLogStatement | null }
  /** Verdict map: `key vmap { … }` or `key vmap @name`. */
  | { vmap: { key: NftExpr; data: NftExpr } }
  /** Dynamic set update from the packet path (`add @affinity { ip saddr }`, `update @m { … }`). */
  | { set: { op: 'add' | 'update' | 'delete'; elem: NftExpr; set: string; stmt?: NftStatement[] } }
  | { map: { op: 'add' | 'update' | 'delete'; elem: NftExpr; data: NftExpr; map: string } }
  | { limit: { rate: number; per: string; burst?: number; rate_unit?: string; burst_unit?: string; inv?: boolean } | string }
  | { quota: { val: number; val_unit?: string; used?: number; used_unit?: string; inv?: boolean } | string }
  | { 'ct helper': string }
  | { 'ct count': { val: number; inv?: boolean } }
  | { queue: { num?: NftExpr; flags?: string | string[] } }
  | { fwd: { dev: NftExpr; family?: string; addr?: NftExpr } }
  | { dup: { addr: NftExpr; dev?: NftExpr } }
  | { tproxy: { family?: string; addr?: NftExpr; port?: NftExpr } }
  | { meter: { name: string; key: NftExpr; stmt: NftStatement } }
  /** iptables-nft's compat extensions (`xt match comment`, `xt target MASQUERADE`): nft cannot show their arguments. */
  | { xt: { type: string; name: string } }
  | NftUnknown;

/** natpath's own: a statement or expression the reader could not type, kept with its JSON and its text. */
export interface NftUnknown {
  unknown: { key: string; json: unknown; text: string };
}

// ---------------------------------------------------------------------------------------------
// Expressions

/** A protocol header field: `ip saddr`, `ip6 daddr`, `tcp dport`, `th dport`, `ether saddr`, `vlan id` … */
export interface NftPayloadField {
  protocol: string;
  field: string;
}

/** A raw payload load: `@nh,16,16` (base `ll`, `nh`, `th` or `ih`; offset and length in bits). */
export interface NftPayloadRaw {
  base: 'll' | 'nh' | 'th' | 'ih';
  offset: number;
  len: number;
}

/** `fib saddr . iif oif`, `fib daddr type`: `result` is `oif`, `oifname` or `type`; `flags` name the keys (`saddr`, `daddr`, `mark`, `iif`, `oif`). */
export interface NftFib {
  result: 'oif' | 'oifname' | 'type';
  flags: string[];
}

export type NftExpr =
  /** Immediates: addresses, symbols (`tcp`, `established`, `local`), interface names (with `*` wildcard), `@set` references. */
  | string
  | number
  | boolean
  /** A list: flags (`["established","related"]`), and inside element lists a map element `[key, data]`. */
  | NftExpr[]
  | { concat: NftExpr[] }
  /** Anonymous set or map: elements as in `NftSet.elem`; nft may print a one-element set as the bare element. */
  | { set: NftExpr[] | NftExpr }
  /** Map lookup (`… map @m`, `… map { … }`): `data` is a `@name` reference or an anonymous `{set}`. */
  | { map: { key: NftExpr; data: NftExpr } }
  | { prefix: { addr: NftExpr; len: number } }
  | { range: [NftExpr, NftExpr] }
  | { payload: NftPayloadField | NftPayloadRaw }
  | { exthdr: { name: string; field?: string; offset?: number } }
  | { 'tcp option': { name: string; field?: string } }
  | { 'sctp chunk': { name: string; field?: string } }
  /** `meta l4proto`, `meta mark`, `iifname`, `oif`, `nfproto`, `pkttype` … (nft prints some without `meta`). */
  | { meta: { key: string } }
  | { rt: { key: string; family?: 'ip' | 'ip6' } }
  /** `ct state`, `ct status`, `ct mark`, `ct original ip daddr` (`dir`, `family`), `ct zone` … */
  | { ct: { key: string; family?: 'ip' | 'ip6'; dir?: 'original' | 'reply' } }
  /** `numgen random mod N offset O`, `numgen inc mod N`. */
  | { numgen: { mode: 'inc' | 'random'; mod: number; offset?: number } }
  | { jhash: { mod: number; offset?: number; expr: NftExpr; seed?: number } }
  | { symhash: { mod: number; offset?: number } }
  | { fib: NftFib }
  | { socket: { key: string } }
  | { osf: { key: string; ttl?: string } }
  | { ipsec: { key: string; dir?: string; spnum?: number; family?: string } }
  /** A set element with per-element properties (`10.0.0.1 timeout 3h comment "x"`). */
  | { elem: { val: NftExpr; timeout?: number; expires?: number; comment?: string; counter?: unknown } }
  | { '&': [NftExpr, NftExpr] }
  | { '|': [NftExpr, NftExpr] }
  | { '^': [NftExpr, NftExpr] }
  | { '<<': [NftExpr, NftExpr] }
  | { '>>': [NftExpr, NftExpr] }
  /** Verdicts are also expressions: the data of a verdict map. */
  | NftVerdict
  | NftUnknown;

// ---------------------------------------------------------------------------------------------
// Standard priority names (nft(8) "PRIORITY"): `priority dstnat`, `filter + 10`.

/** Values for families ip, ip6, inet, arp and netdev. */
export const NFT_PRIORITY_NAMES: Readonly<Record<string, number>> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};

/** Bridge family uses its own scale. */
export const NFT_BRIDGE_PRIORITY_NAMES: Readonly<Record<string, number>> = {
  dstnat: -300,
  filter: -200,
  out: 100,
  srcnat: 300,
};
