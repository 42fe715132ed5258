// Reads back what the kernel really did in one lab scenario and prints truth.json.
//
//   node truth.mjs --spec SPEC.json --snapshots DIR --case CASE_DIR
//
// SPEC (written by lab.sh) only says who is who: the case's hosts and their roles, the
// client addresses and the services they called. Every other fact comes from the kernel:
//   - packets at each capture point: `tshark -T fields` on the captures in CASE_DIR,
//   - which host translated what: `conntrack -L` of every host of the world (in DIR/<host>/,
//     including hosts left out of the case),
//   - which rule did it: the NAT rule on that host whose packet counter (iptables-save -c)
//     is > 0 and whose addresses/ports agree with the translation; on a host traced with
//     `nft -a monitor trace` (DIR/<host>/nft-trace.txt), the nft rule with a NAT statement that
//     the kernel's trace of the connection's first packet shows, by family/table/chain/handle,
//     its text read back from the host's `nft -a list ruleset`.
// A fact that cannot be read back (e.g. interface names in a LINUX_SLL capture) is left out.
// Hosts the spec lists as "uncollected" were captured for the truth only: their packets extend the
// path (marked inCase: false) and tell what the server really saw, but they are not in the case.
// The output shape is documented in README.md ("truth.json").

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import net from 'node:net';

const VXLAN_PORT = 8472; // flannel's port; Wireshark only knows 4789 by default

// ---------------------------------------------------------------------------------------
// Arguments and inputs

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const name of ['spec', 'snapshots', 'case']) {
    if (!args[name]) throw new Error(`missing --${name}`);
  }
  return args;
}

function readIfExists(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
}

// ---------------------------------------------------------------------------------------
// Addresses and tuples

// One spelling per address so "2001:db8::1" from tshark equals the one from conntrack.
function canonicalAddress(text) {
  if (net.isIPv6(text)) return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  return text;
}

function sameTuple(a, b) {
  return a.src === b.src && a.dst === b.dst && a.srcPort === b.srcPort && a.dstPort === b.dstPort;
}

// For ICMP echo the "port" is the echo identifier, which NAT rewrites like a port.
function endpoint(address, port, proto) {
  if (port == null) return { address };
  return proto && proto.startsWith('icmp') ? { address, echoId: port } : { address, port };
}

// ---------------------------------------------------------------------------------------
// Capture files: link types read from the file headers (pcap, pcapng, gzip of either)

const LINK_TYPES = { 1: 'EN10MB', 101: 'RAW', 113: 'LINUX_SLL', 276: 'LINUX_SLL2' };

function describeCaptureFile(file) {
  let bytes = fs.readFileSync(file);
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (gzip) bytes = zlib.gunzipSync(bytes);
  const magicLE = bytes.readUInt32LE(0);
  const pcapMagics = { 0xa1b2c3d4: 'microseconds', 0xa1b23c4d: 'nanoseconds' };
  if (pcapMagics[magicLE] || pcapMagics[bytes.readUInt32BE(0)]) {
    const le = Boolean(pcapMagics[magicLE]);
    const linkType = (le ? bytes.readUInt32LE(20) : bytes.readUInt32BE(20)) & 0x0fffffff;
    return {
      format: gzip ? 'pcap (gzip)' : 'pcap',
      timestampPrecision: pcapMagics[le ? magicLE : bytes.readUInt32BE(0)],
      interfaces: [{ linkType: LINK_TYPES[linkType] ?? String(linkType), linkTypeNumber: linkType }],
    };
  }
  if (magicLE === 0x0a0d0d0a) return describePcapng(bytes, gzip);
  throw new Error(`${file}: not a capture this helper knows`);
}

// Walk the pcapng blocks for Interface Description Blocks: link type, if_name, if_tsresol.
function describePcapng(bytes, gzip) {
  const le = bytes.readUInt32LE(8) === 0x1a2b3c4d;
  const u16 = (off) => (le ? bytes.readUInt16LE(off) : bytes.readUInt16BE(off));
  const u32 = (off) => (le ? bytes.readUInt32LE(off) : bytes.readUInt32BE(off));
  const interfaces = [];
  for (let off = 0; off + 12 <= bytes.length; ) {
    const type = u32(off);
    const len = u32(off + 4);
    if (len < 12) break;
    if (type === 1) {
      const linkType = u16(off + 8);
      const iface = { linkType: LINK_TYPES[linkType] ?? String(linkType), linkTypeNumber: linkType };
      for (let opt = off + 16; opt + 4 <= off + len - 4; ) {
        const code = u16(opt);
        const optLen = u16(opt + 2);
        if (code === 0) break;
        if (code === 2) iface.name = bytes.toString('utf8', opt + 4, opt + 4 + optLen).replace(/\0+$/, '');
        if (code === 9) {
          const res = bytes[opt + 4];
          iface.timestampPrecision = res === 9 ? 'nanoseconds' : res === 6 ? 'microseconds' : `tsresol ${res}`;
        }
        opt += 4 + optLen + ((4 - (optLen % 4)) % 4);
      }
      // pcapng's default resolution when if_tsresol is absent is microseconds.
      iface.timestampPrecision ??= 'microseconds';
      interfaces.push(iface);
    }
    off += len;
  }
  return { format: gzip ? 'pcapng (gzip)' : 'pcapng', interfaces };
}

// ---------------------------------------------------------------------------------------
// Packets: one tshark pass per capture, keeping the first packet of every TCP connection
// (SYN), every UDP datagram and every echo request, with a key that survives NAT:
// TCP's initial sequence number, the UDP payload, the echo sequence number + payload.

const FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.interface_name', 'frame.packet_flags_direction',
  'sll.ifindex', 'sll.pkttype',
  'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
  'tcp.srcport', 'tcp.dstport', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.seq_raw', 'tcp.ack_raw',
  'udp.srcport', 'udp.dstport', 'udp.payload',
  'icmp.type', 'icmp.ident', 'icmp.seq', 'icmpv6.type', 'icmpv6.echo.identifier', 'icmpv6.echo.sequence_number',
  'data.data', 'vxlan.vni',
];
// SYN-ACKs are read too, as replies (p.reply): a point that captured only a connection's replies.
const FILTER = 'tcp.flags.syn == 1 || udp || icmp.type == 8 || icmpv6.type == 128';

function readPackets(file, ifNames) {
  const args = ['-r', file, '-n', '-d', `udp.port==${VXLAN_PORT},vxlan`, '-Y', FILTER, '-T', 'fields',
    '-E', 'occurrence=a', '-E', 'aggregator=,', '-E', 'separator=/t'];
  for (const f of FIELDS) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const packets = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const cols = line.split('\t');
    const all = Object.fromEntries(FIELDS.map((f, i) => [f, cols[i] ? cols[i].split(',') : []]));
    const packet = toPacket(all, ifNames);
    if (packet) packets.push(packet);
  }
  return packets;
}

const last = (list) => list[list.length - 1];
const ECHO_PREFIX_HEX = Buffer.from('echo ').toString('hex');
const first = (list) => list[0];

// Turn one tshark row into {frame, tsNanos, iface, direction, proto, src, dst, srcPort,
// dstPort, key, outer}. Inside VXLAN the innermost header is the last occurrence.
function toPacket(f, ifNames) {
  const tunneled = f['vxlan.vni'].length > 0;
  const v4 = f['ip.src'];
  const v6 = f['ipv6.src'];
  // The inner header is the last IP header; v6 inside a v4 VXLAN underlay counts too.
  const innerIsV6 = v6.length > 0 && (!tunneled || v4.length < 2);
  const src = canonicalAddress(innerIsV6 ? last(v6) : last(v4));
  const dst = canonicalAddress(innerIsV6 ? last(f['ipv6.dst']) : last(f['ip.dst']));
  if (!src || !dst) return null;
  const p = { frame: Number(first(f['frame.number'])), tsNanos: toNanos(first(f['frame.time_epoch'])), src, dst };

  if (f['tcp.flags.syn'].length) {
    if (last(f['tcp.flags.syn']) !== '1') return null;
    Object.assign(p, { proto: 'tcp', srcPort: Number(last(f['tcp.srcport'])), dstPort: Number(last(f['tcp.dstport'])) });
    p.key = `tcp ${last(f['tcp.seq_raw'])}`;
    // A SYN-ACK acknowledges the SYN's sequence number + 1: it answers the connection of that key.
    if (last(f['tcp.flags.ack']) === '1') Object.assign(p, { reply: true, key: `tcp ${(Number(last(f['tcp.ack_raw'])) + 2 ** 32 - 1) % 2 ** 32}` });
  } else if (f['icmp.type'].length || f['icmpv6.type'].length) {
    // ICMP errors quote the packet they answer; only echo requests start a flow.
    const v6echo = f['icmpv6.type'].length > 0;
    if (last(v6echo ? f['icmpv6.type'] : f['icmp.type']) !== (v6echo ? '128' : '8')) return null;
    const ident = Number(last(v6echo ? f['icmpv6.echo.identifier'] : f['icmp.ident']));
    const seq = last(v6echo ? f['icmpv6.echo.sequence_number'] : f['icmp.seq']);
    Object.assign(p, { proto: v6echo ? 'icmpv6' : 'icmp', srcPort: ident, dstPort: null });
    p.key = `${p.proto} ${seq} ${last(f['data.data'])}`;
  } else {
    // Only an outer header in a tunnelled packet (e.g. VXLAN around TCP ACKs): not ours.
    if (tunneled && f['udp.srcport'].length < 2) return null;
    Object.assign(p, { proto: 'udp', srcPort: Number(last(f['udp.srcport'])), dstPort: Number(last(f['udp.dstport'])) });
    p.key = `udp ${last(f['udp.payload'])}`;
    // The lab's echo (services.mjs serve-udp) answers "echo " + the datagram: a reply of that datagram's key.
    if (p.key.startsWith(`udp ${ECHO_PREFIX_HEX}`)) Object.assign(p, { reply: true, key: `udp ${p.key.slice(4 + ECHO_PREFIX_HEX.length)}` });
  }

  if (tunneled) {
    p.outer = { src: first(v4.length ? v4 : v6), dst: first(v4.length ? f['ip.dst'] : f['ipv6.dst']), vni: Number(first(f['vxlan.vni'])) };
  }
  const ifindex = first(f['sll.ifindex']);
  p.iface = first(f['frame.interface_name']) ?? (ifindex ? ifNames.get(Number(ifindex)) ?? `ifindex ${ifindex}` : null);
  const pkttype = first(f['sll.pkttype']);
  const flags = first(f['frame.packet_flags_direction']);
  if (pkttype != null) p.direction = pkttype === '4' ? 'out' : 'in';
  else if (flags === '1' || flags === '2') p.direction = flags === '1' ? 'in' : 'out';
  return p;
}

function toNanos(epoch) {
  const [sec, frac = ''] = epoch.split('.');
  return BigInt(sec) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
}

// ---------------------------------------------------------------------------------------
// conntrack -L: original and reply tuple of every entry, per host

function parseConntrack(text, host, file) {
  const entries = [];
  for (const line of (text ?? '').split('\n')) {
    const proto = line.split(/\s+/)[0];
    if (!['tcp', 'udp', 'icmp', 'icmpv6'].includes(proto)) continue;
    const tuples = [];
    for (const [, k, v] of line.matchAll(/(\w+)=(\S+)/g)) {
      if (k === 'src') tuples.push({});
      if (tuples.length) last(tuples)[k] ??= v;
    }
    if (tuples.length < 2) continue;
    const [orig, reply] = tuples.map((t) => ({
      src: canonicalAddress(t.src),
      dst: canonicalAddress(t.dst),
      srcPort: t.id != null ? Number(t.id) : Number(t.sport),
      dstPort: t.id != null ? null : Number(t.dport),
    }));
    entries.push({ host, file, proto, line: line.trim(), orig, reply });
  }
  return entries;
}

// `conntrack -E -o timestamp`: "[1796648679.446208]\t    [NEW] tcp 6 120 SYN_SENT src=… [UNREPLIED] src=…".
// Only NEW events: the kernel reports an entry once it is confirmed, after every NAT hook of the
// first packet, so its reply tuple already holds the mapping. The timestamp is when conntrack read
// the event (microseconds after the packet); a flushed table's entries come back as DESTROY.
function parseConntrackEvents(text, host, file) {
  const events = [];
  (text ?? '').split('\n').forEach((line, index) => {
    const m = /^\[(\d+)\.(\d+)\]\s+\[NEW\]\s+(.*)$/.exec(line);
    if (!m) return;
    const [entry] = parseConntrack(m[3], host, file);
    if (!entry) return;
    const tsNanos = BigInt(m[1]) * 1_000_000_000n + BigInt((m[2] + '000000000').slice(0, 9));
    events.push({ ...entry, line: line.trim(), lineNumber: index + 1, tsNanos, event: true });
  });
  return events;
}

// What a packet of the original direction looks like after this entry's NAT.
function translatedTuple(entry) {
  const r = entry.reply;
  return { src: r.dst, dst: r.src, srcPort: entry.orig.dstPort === null ? r.srcPort : r.dstPort, dstPort: entry.orig.dstPort === null ? null : r.srcPort };
}

// The tuples a flow's packets carry on their way: the client's, then after each host's NAT, one
// conntrack entry at a time (of any host of the world). For traffic whose contents repeat
// (pod-egress-loadgen), where following a packet by its bytes would mix connections up.
function tupleChain(first, entries) {
  const chain = [first];
  for (let hop = 0; hop < 4; hop++) {
    const current = chain[chain.length - 1];
    const nat = entries.filter((e) => e.proto === first.proto && sameTuple(e.orig, current) && !sameTuple(translatedTuple(e), current));
    if (nat.length > 1) throw new Error(`${nat.length} conntrack entries translate ${JSON.stringify(current)}: cannot follow the flow`);
    if (nat.length === 0) break;
    chain.push(translatedTuple(nat[0]));
  }
  return chain;
}

// The same for a replay (pod-egress-replay), whose tuples repeat: conntrack was flushed between the
// replays, so each replay has its own NEW event per host; at each hop the event nearest in time to
// the flow's first packet is the one (replays are over a second apart, an event comes within
// microseconds of its packet). Returns the tuples and the events that made them.
const EVENT_REACH_NS = 500_000_000n;
const distance = (a, b) => (a > b ? a - b : b - a);

function nearestEvent(events, at, test) {
  let best = null;
  for (const e of events) {
    if (!test(e) || distance(e.tsNanos, at) > EVENT_REACH_NS) continue;
    if (best === null || distance(e.tsNanos, at) < distance(best.tsNanos, at)) best = e;
  }
  return best;
}

function eventChain(first, at, events) {
  const chain = [first];
  const made = [];
  for (let hop = 0; hop < 4; hop++) {
    const current = chain[chain.length - 1];
    const nat = nearestEvent(events, at, (e) => e.proto === first.proto && sameTuple(e.orig, current) && !sameTuple(translatedTuple(e), current));
    if (nat === null) break;
    made.push(nat);
    chain.push(translatedTuple(nat));
  }
  if (made.length === 0) throw new Error(`no conntrack NEW event within 0.5 s translates ${JSON.stringify(first)}: cannot follow the replay`);
  return { chain, made };
}

// Follow conntrack entries from `before` to `after`, one NAT host at a time (several hosts
// can translate between two capture points, e.g. a node and the NAT gateway).
function explainChange(before, after, proto, entries) {
  const steps = [];
  let current = before;
  for (let hop = 0; hop < 4 && !sameTuple(current, after); hop++) {
    const nat = entries.filter((e) => e.proto === proto && sameTuple(e.orig, current) && !sameTuple(translatedTuple(e), current));
    if (nat.length !== 1) return null;
    steps.push({ entry: nat[0], before: current, after: translatedTuple(nat[0]) });
    current = translatedTuple(nat[0]);
  }
  return sameTuple(current, after) ? steps : null;
}

// ---------------------------------------------------------------------------------------
// iptables-save -c: NAT rules with their counters, to name the rule that fired

function tokenize(text) {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1] : m[2]));
}

function parseNatRules(text, file) {
  const rules = [];
  let table = null;
  const numberInChain = new Map();
  (text ?? '').split('\n').forEach((line, index) => {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const m = /^\[(\d+):(\d+)\] -A (\S+) (.*)$/.exec(line);
    if (!m || table !== 'nat') return;
    const chain = m[3];
    const ruleNumber = (numberInChain.get(chain) ?? 0) + 1;
    numberInChain.set(chain, ruleNumber);
    rules.push({ file, line: index + 1, table, chain, ruleNumber, packets: Number(m[1]), text: `-A ${chain} ${m[4]}`, args: tokenize(m[4]) });
  });
  return rules;
}

function inCidr(address, cidr) {
  const [base, bits] = cidr.split('/');
  const family = net.isIPv6(base) ? 'ipv6' : 'ipv4';
  if (net.isIPv6(address) !== (family === 'ipv6')) return false;
  const list = new net.BlockList();
  list.addSubnet(base, Number(bits ?? (family === 'ipv6' ? 128 : 32)), family);
  return list.check(address, family);
}

function inPortRange(port, spec) {
  const [lo, hi = lo] = spec.split(':').map(Number);
  return port >= lo && port <= hi;
}

// Does a rule's address/port/target part agree with a translation? Matches that cannot be
// checked from a tuple (marks, statistic, addrtype, interfaces) are left unchecked: the
// packet counter is the evidence that they matched.
function ruleAgrees(rule, proto, before, after) {
  const a = rule.args;
  for (let i = 0; i < a.length; i++) {
    const negated = a[i] === '!';
    const opt = negated ? a[++i] : a[i];
    const value = a[i + 1];
    let ok = true;
    if (opt === '-s') ok = inCidr(before.src, value);
    else if (opt === '-d') ok = inCidr(before.dst, value);
    else if (opt === '-p') ok = value === proto || (value === 'ipv6-icmp' && proto === 'icmpv6');
    else if (opt === '--dport') ok = before.dstPort != null && inPortRange(before.dstPort, value);
    else if (opt === '--sport') ok = before.srcPort != null && inPortRange(before.srcPort, value);
    else if (opt === '--to-destination') ok = natTargetAgrees(value, after.dst, after.dstPort);
    else if (opt === '--to-source') ok = natTargetAgrees(value, after.src, after.srcPort);
    else continue;
    if (negated ? ok : !ok) return false;
  }
  return true;
}

// "10.244.2.2:8080", "203.0.113.7", "[2001:db8::1]:80"; address ranges are not used here.
function natTargetAgrees(value, address, port) {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(value) ?? /^([^:]+)(?::(\d+))?$/.exec(value) ?? [null, value];
  return canonicalAddress(m[1]) === address && (m[2] === undefined || Number(m[2]) === port);
}

function findRule(rules, kind, proto, before, after) {
  const targets = kind === 'dnat' ? ['DNAT'] : ['SNAT', 'MASQUERADE'];
  const fired = rules.filter((r) => r.packets > 0 && targets.includes(r.args[r.args.indexOf('-j') + 1]) && ruleAgrees(r, proto, before, after));
  return fired;
}

// ---------------------------------------------------------------------------------------
// nft -a monitor trace: which nft rule handled a connection's first packet

// "trace id ab5d89c9 ip kube-proxy services rule ip daddr . … # handle 44 (verdict goto …)";
// chain names hold no spaces (kube-proxy's "service-SUSTUHLJ-default/web/tcp/http" neither).
const TRACE_LINE = /^trace id (\S+) (\S+) (\S+) (\S+) (packet|rule|policy|verdict)\b:? ?(.*)$/;
const NAT_STATEMENT = { dnat: /(?:^|\s)dnat (?:ip6? )?to /, snat: /(?:^|\s)(?:snat (?:ip6? )?to |masquerade(?:\s|$))/ };

function parseNftTrace(text, file) {
  const traces = new Map();
  (text ?? '').split('\n').forEach((line, index) => {
    const m = TRACE_LINE.exec(line.trim());
    if (!m) return;
    const [, id, family, table, chain, what, rest] = m;
    if (!traces.has(id)) traces.set(id, { tuple: null, rules: [] });
    const trace = traces.get(id);
    if (what === 'packet' && trace.tuple === null) trace.tuple = tupleOfTracePacket(rest);
    if (what !== 'rule') return;
    const r = /^(.*?) # handle (\d+) \(verdict ([^)]*)\)\s*$/.exec(rest);
    if (r) trace.rules.push({ family, table, chain, handle: Number(r[2]), traceText: r[1].trim(), verdict: r[3], source: `${file}:${index + 1}` });
  });
  return [...traces.values()].filter((t) => t.tuple !== null);
}

// The packet as the first hook saw it: "… ip saddr 10.244.1.2 ip daddr 10.96.0.10 … tcp sport 51330 tcp dport 80 …".
function tupleOfTracePacket(text) {
  const field = (re) => re.exec(text)?.[1];
  const src = field(/\bip6? saddr (\S+)/);
  const dst = field(/\bip6? daddr (\S+)/);
  const sport = field(/\b(?:tcp|udp) sport (\d+)/);
  const dport = field(/\b(?:tcp|udp) dport (\d+)/);
  if (!src || !dst || !sport || !dport) return null;
  return { src: canonicalAddress(src), dst: canonicalAddress(dst), srcPort: Number(sport), dstPort: Number(dport) };
}

// `nft -a list ruleset`: the text of every rule by family/table/chain/handle, as the kernel lists it now.
function parseNftRulesetText(text, file) {
  const rules = new Map();
  let table = null;
  let chain = null;
  (text ?? '').split('\n').forEach((line, index) => {
    const t = /^table (\S+) (\S+) \{/.exec(line);
    if (t) [table, chain] = [`${t[1]} ${t[2]}`, null];
    const c = /^\tchain (\S+) \{/.exec(line);
    if (c) chain = c[1];
    const r = /^\t\t(.*) # handle (\d+)$/.exec(line);
    if (r && table && chain) rules.set(`${table} ${chain} ${r[2]}`, { text: r[1].trim(), source: `${file}:${index + 1}` });
  });
  return rules;
}

// The nft NAT rule that the kernel's trace shows for the connection whose original tuple is
// `orig`: one per kind (a first packet meets one DNAT and one SNAT at most). Rules of the
// tables iptables-nft manages (the host's iptables-save lists their chains) are iptables
// rules, named from iptables-save's counters instead.
function findNftRule(ctx, host, kind, orig) {
  const traces = ctx.nftTraces(host);
  if (traces === null) return null;
  const rules = ctx.nftRuleset(host);
  const iptablesChains = ctx.iptablesChains(host);
  const hits = [];
  for (const trace of traces) {
    if (!sameTuple(trace.tuple, orig)) continue;
    for (const r of trace.rules) {
      if (!NAT_STATEMENT[kind === 'dnat' ? 'dnat' : 'snat'].test(r.traceText)) continue;
      if (r.family === 'ip' || r.family === 'ip6') {
        if (iptablesChains.has(`${r.table} ${r.chain}`)) continue;
      }
      const listed = rules.get(`${r.family} ${r.table} ${r.chain} ${r.handle}`);
      if (listed === undefined) throw new Error(`${host}: the trace names ${r.family} ${r.table} ${r.chain} handle ${r.handle}, which nft-ruleset.txt does not list`);
      const hit = { family: r.family, table: r.table, chain: r.chain, handle: r.handle, text: listed.text, source: listed.source, trace: r.source };
      // A rule with a `counter` statement (Docker's) also says how many first packets it translated.
      const counted = /\bcounter packets (\d+)\b/.exec(listed.text);
      if (counted) hit.packets = Number(counted[1]);
      hits.push(hit);
    }
  }
  return hits;
}

// ---------------------------------------------------------------------------------------
// Following a packet by its contents, and checking that the path read back is whole

// A truth that the recording does not let us read back: truth.mjs says so (exit status 3) instead
// of writing a path that stops short or skips a point.
class Unreadable extends Error {}
const EXIT_UNREADABLE = 3;

// Where a copy was captured, without its tuple (NAT changes it from point to point).
const pointOf = (p) => `${p.host} ${p.iface ?? ''} ${p.direction ?? ''} ${p.outer ? 'outer' : ''}`;

// One sighting of a packet followed by its contents, from its first copy p0 (copies: every copy of
// its key, in time order): the later copies that are not the server's answer (a mirror echo returns
// the same bytes), up to the client sending the same contents again from another socket at p0's
// point (udp6-echo-repeated: the same datagrams every round, each round a new socket and flow).
// Time does not bound a sighting: a packet that waited between two capture points (in a neighbour
// queue, on a stalled CPU) is the same packet. A window of 1 s after p0 once cut the pod's first
// datagram off at node1's cni0 when it reached eth0 later than that (lab-e2e, CI, 2026-12-07).
function sightingOf(p0, copies) {
  const again = copies.find((p) => p.tsNanos > p0.tsNanos && pointOf(p) === pointOf(p0) && p.src === p0.src && p.srcPort !== p0.srcPort);
  return copies.filter((p) => p.src !== p0.dst && p.tsNanos >= p0.tsNanos && (again === undefined || p.tsNanos < again.tsNanos));
}

const endpointText = (address, port) => (port == null ? address : net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`);
const tupleText = (t) => `${endpointText(t.src, t.srcPort)} > ${endpointText(t.dst, t.dstPort)}`;
const copyText = (p) => `${p.host}${p.iface ? `:${p.iface}` : ''} (${p.host}/${p.file} frame ${p.frame})`;

// The path of a flow followed by its first packet's contents must be the whole path the recording
// shows. It stops short when a host's conntrack entry translated its last tuple and a capture holds
// a packet with the translated tuple (the flow went on: its first packet was missed or not joined
// there); it skips a point when another packet of the flow (a later datagram or echo request) was
// captured at a point where the first was not. Either way the truth cannot be read back.
function checkWholePath(flowText, path_, p0, otherFirsts, byKey, packets, conntrack) {
  const end = path_[path_.length - 1];
  for (const e of conntrack) {
    if (e.proto !== p0.proto || !sameTuple(e.orig, end) || sameTuple(translatedTuple(e), end)) continue;
    const after = translatedTuple(e);
    const seen = packets.find((p) => p.proto === p0.proto && sameTuple(p, after));
    if (seen) {
      throw new Unreadable(`${flowText}: its first packet's path ends at ${copyText(end)} as ${tupleText(end)}, but ${e.host}/conntrack.txt translated that to ${tupleText(after)}, which ${copyText(seen)} carries: a capture point missed the first packet after ${copyText(end)}, or its copies could not be joined`);
    }
  }
  const visited = new Set(path_.map(pointOf));
  for (const q0 of otherFirsts) {
    const missed = sightingOf(q0, byKey.get(q0.key)).find((q) => !visited.has(pointOf(q)));
    if (missed) throw new Unreadable(`${flowText}: ${copyText(missed)} captured another packet of the flow (first seen at ${copyText(q0)}) at a point where its first packet was not seen: that capture point missed the first packet`);
  }
}

// ---------------------------------------------------------------------------------------
// Putting it together

function hopLabel(hop) {
  return hop.interface ? `${hop.host}:${hop.interface}` : hop.host;
}

function toHop(p) {
  const hop = { host: p.host, interface: p.iface ?? null };
  if (!p.inCase) hop.inCase = false;
  if (p.direction) hop.direction = p.direction;
  if (p.repliesOnly) Object.assign(hop, { repliesOnly: true, replyDirection: p.replyDirection });
  hop.src = endpoint(p.src, p.srcPort, p.proto);
  hop.dst = endpoint(p.dst, p.dstPort, p.proto);
  if (p.outer) hop.outer = p.outer;
  hop.capture = { file: `${p.host}/${p.file}`, frame: p.frame };
  return hop;
}

function buildTranslations(hops, packets, proto, ctx) {
  const translations = [];
  for (let i = 1; i < packets.length; i++) {
    const before = packets[i - 1];
    const after = packets[i];
    if (sameTuple(before, after)) continue;
    const between = [hopLabel(hops[i - 1]), hopLabel(hops[i])];
    const steps = explainChange(before, after, proto, ctx.conntrack);
    if (!steps) {
      translations.push({ kind: 'unexplained', host: null, between, before: tupleOut(before, proto), after: tupleOut(after, proto), rule: null, beyondCapturedHosts: null });
      continue;
    }
    for (const step of steps) translations.push(...describeStep(step, proto, between, ctx));
  }
  return translations;
}

// One conntrack entry can hold a DNAT (done first, in PREROUTING/OUTPUT) and an SNAT (done
// last, in POSTROUTING); report them as two translations in that order.
function describeStep(step, proto, between, ctx) {
  const { entry, before, after } = step;
  const out = [];
  const middle = { ...before, dst: after.dst, dstPort: after.dstPort };
  const v6 = net.isIPv6(before.src);
  const rules = ctx.natRules(entry.host, v6);
  if (before.dst !== after.dst || before.dstPort !== after.dstPort) out.push(['dnat', before, middle]);
  if (middle.src !== after.src || middle.srcPort !== after.srcPort) out.push(['snat', middle, after]);
  return out.map(([kind, from, to]) => {
    const nft = findNftRule(ctx, entry.host, kind, entry.orig);
    if (nft !== null && nft.length > 0) {
      const rule = nft.length === 1 ? nft[0] : null;
      const t = {
        kind: rule && /(?:^|\s)masquerade(?:\s|$)/.test(rule.text) ? 'masquerade' : kind,
        host: entry.host,
        between,
        before: tupleOut(from, proto),
        after: tupleOut(to, proto),
        rule,
        beyondCapturedHosts: !ctx.caseHosts.includes(entry.host),
        ...conntrackEvidence(entry, ctx),
      };
      if (nft.length > 1) t.ruleCandidates = nft.map((r) => `${r.family} ${r.table} ${r.chain} handle ${r.handle}: ${r.text}`);
      return t;
    }
    const fired = findRule(rules, kind, proto, from, to);
    const rule = fired.length === 1 ? fired[0] : null;
    const t = {
      kind: rule && rule.args.includes('MASQUERADE') ? 'masquerade' : kind,
      host: entry.host,
      between,
      before: tupleOut(from, proto),
      after: tupleOut(to, proto),
      rule: rule && { table: rule.table, chain: rule.chain, ruleNumber: rule.ruleNumber, text: rule.text, packets: rule.packets, source: `${rule.file}:${rule.line}` },
      beyondCapturedHosts: !ctx.caseHosts.includes(entry.host),
      ...conntrackEvidence(entry, ctx),
    };
    if (fired.length > 1) t.ruleCandidates = fired.map((r) => r.text);
    return t;
  });
}

// The entry as `conntrack -L` lists it in the host's conntrack.txt; an entry known from a NEW event
// (a replay) is quoted from the events too, and from conntrack.txt only if it was still there when
// the host was dumped (a replay's entries before the last flush were not).
function conntrackEvidence(entry, ctx) {
  if (!entry.event) return { conntrack: { file: entry.file, line: entry.line } };
  const listed = ctx.listed.find((e) => e.host === entry.host && e.proto === entry.proto && sameTuple(e.orig, entry.orig) && sameTuple(e.reply, entry.reply));
  return { ...(listed ? { conntrack: { file: listed.file, line: listed.line } } : {}), conntrackEvent: { file: entry.file, line: entry.line } };
}

function tupleOut(t, proto) {
  return { src: endpoint(t.src, t.srcPort, proto), dst: endpoint(t.dst, t.dstPort, proto) };
}

// A point of the case that captured the flow's replies but none of its requests (a capture of one
// direction) is on the path too: the request crossed it with the reply's tuple turned round. Where:
// a reply arriving (in) means the request left the host there, after the host's other points; a
// reply leaving (out), that the request entered there, before them. Without a recorded direction
// the place is not known and the point is left out. Inserted into `path` in place.
function addReplyOnlyPoints(path, replies) {
  const seen = new Set(path.filter((p) => p.inCase).map((p) => `${p.host} ${p.iface}`));
  for (const r of replies) {
    const at = `${r.host} ${r.iface}`;
    if (!r.iface || !r.direction || seen.has(at)) continue;
    seen.add(at);
    const hop = { ...r, src: r.dst, dst: r.src, srcPort: r.dstPort, dstPort: r.srcPort, repliesOnly: true, replyDirection: r.direction };
    delete hop.direction;
    const mine = path.map((p, i) => (p.host === r.host ? i : -1)).filter((i) => i >= 0);
    const place = mine.length === 0 ? path.findIndex((p) => p.tsNanos > r.tsNanos) : r.direction === 'in' ? mine[mine.length - 1] + 1 : mine[0];
    path.splice(place < 0 ? path.length : place, 0, hop);
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const spec = JSON.parse(fs.readFileSync(args.spec, 'utf8'));
  const caseHosts = Object.keys(spec.hosts);
  const worldHosts = fs.readdirSync(args.snapshots).filter((h) => fs.statSync(path.join(args.snapshots, h)).isDirectory());

  // Every host's conntrack, in or out of the case: a translation happens where it happens.
  const conntrack = worldHosts.flatMap((host) =>
    parseConntrack(readIfExists(path.join(args.snapshots, host, 'conntrack.txt')), host, `${host}/conntrack.txt`));
  // conntrack -E -o timestamp of the hosts that ran it (pod-egress-replay): lab-internal, not shipped.
  const events = worldHosts.flatMap((host) =>
    parseConntrackEvents(readIfExists(path.join(args.snapshots, host, 'conntrack-events.txt')), host, `${host}/conntrack-events.txt`));
  const byEvents = spec.follow === 'conntrack-events';
  if (byEvents && events.length === 0) throw new Error('the spec follows conntrack events, but no host has conntrack-events.txt with a NEW event');
  const ruleCache = new Map();
  const natRules = (host, v6) => {
    const name = v6 ? 'ip6tables-save.txt' : 'iptables-save.txt';
    const key = `${host}/${name}`;
    if (!ruleCache.has(key)) ruleCache.set(key, parseNatRules(readIfExists(path.join(args.snapshots, host, name)), key));
    return ruleCache.get(key);
  };

  // Captures of the case hosts, in the order the spec lists the hosts (ties in time), then those
  // of the hosts captured only for the truth (in the scratch folder beside their snapshots).
  const hosts = {};
  const captured = [];
  const uncollected = spec.uncollected ?? {};
  Object.entries(uncollected).forEach(([host, hs], i) => {
    const links = JSON.parse(readIfExists(path.join(args.snapshots, host, 'links.json')) ?? '[]');
    const ifNames = new Map(links.map((l) => [l.ifindex, l.ifname]));
    const single = hs.captureInterfaces.length === 1 && hs.captureInterfaces[0] !== 'any' ? hs.captureInterfaces[0] : null;
    const file = path.join(args.snapshots, host, hs.capture);
    captured.push(...readPackets(file, ifNames).map((p) => ({ ...p, host, hostIndex: caseHosts.length + i, file: hs.capture, iface: p.iface ?? single, inCase: false })));
  });
  caseHosts.forEach((host, hostIndex) => {
    const hs = spec.hosts[host];
    const file = path.join(args.case, host, hs.capture);
    const links = JSON.parse(readIfExists(path.join(args.snapshots, host, 'links.json')) ?? '[]');
    const ifNames = new Map(links.map((l) => [l.ifindex, l.ifname]));
    const described = describeCaptureFile(file);
    const single = hs.captureInterfaces.length === 1 && hs.captureInterfaces[0] !== 'any' ? hs.captureInterfaces[0] : null;
    const own = readPackets(file, ifNames).map((p) => ({ ...p, host, hostIndex, file: hs.capture, iface: p.iface ?? single, inCase: true }));
    captured.push(...own);
    const seen = [...new Set(own.map((p) => p.iface).filter(Boolean))].sort();
    hosts[host] = {
      role: hs.role,
      capture: { file: `${host}/${hs.capture}`, ...described, captureInterfaces: hs.captureInterfaces, ...(seen.length ? { interfacesSeen: seen } : {}) },
      snapshots: fs.readdirSync(path.join(args.case, host)).filter((f) => /\.(txt|json)$/.test(f)).sort(),
    };
  });
  captured.sort((a, b) => (a.tsNanos < b.tsNanos ? -1 : a.tsNanos > b.tsNanos ? 1 : a.hostIndex - b.hostIndex || a.frame - b.frame));
  // Replies (SYN-ACKs, the UDP echo's answers) never make or extend a path: they only show a point of
  // the case that captured a flow's replies and none of its requests (tcpdump -Q in/out).
  const packets = captured.filter((p) => !p.reply);
  const replies = captured.filter((p) => p.reply && p.inCase);

  const clientAddresses = new Map(spec.clients.map((c) => [canonicalAddress(c.address), c]));
  const isService = (p) => spec.services.some((s) => s.proto === p.proto && canonicalAddress(s.address) === p.dst && (s.port == null || s.port === p.dstPort));

  // A flow is a TCP connection, a UDP socket pair or an echo id, as first seen leaving the
  // client; it is followed by the key of its first packet.
  const flows = new Map();
  for (const p of packets) {
    if (!clientAddresses.has(p.src) || !isService(p)) continue;
    let id = p.proto === 'tcp' ? p.key : `${p.proto} ${p.src} ${p.srcPort} ${p.dst} ${p.dstPort}`;
    // A replay repeats the key and the client's tuple: the conntrack entry it got tells it apart.
    if (byEvents) {
      const own = nearestEvent(events, p.tsNanos, (e) => e.proto === p.proto && sameTuple(e.orig, p));
      if (own === null) throw new Error(`${p.host} frame ${p.frame}: no conntrack NEW event within 0.5 s has its tuple`);
      id += ` ${own.file}:${own.lineNumber}`;
    }
    if (!flows.has(id)) flows.set(id, { first: p, keys: new Set(), firsts: new Map() });
    const flow = flows.get(id);
    flow.keys.add(p.key);
    if (!flow.firsts.has(p.key)) flow.firsts.set(p.key, p);
  }

  const byKey = new Map();
  for (const p of packets) {
    if (!byKey.has(p.key)) byKey.set(p.key, []);
    byKey.get(p.key).push(p);
  }

  // nft-traced hosts: the kernel's trace and the ruleset it names rules of.
  const once = (fn) => {
    const cache = new Map();
    return (host) => {
      if (!cache.has(host)) cache.set(host, fn(host));
      return cache.get(host);
    };
  };
  const nftTraces = once((host) => {
    const text = readIfExists(path.join(args.snapshots, host, 'nft-trace.txt'));
    return text === null ? null : parseNftTrace(text, `${host}/nft-trace.txt`);
  });
  const nftRuleset = once((host) => parseNftRulesetText(readIfExists(path.join(args.snapshots, host, 'nft-ruleset.txt')), `${host}/nft-ruleset.txt`));
  const iptablesChains = once((host) => {
    const chains = new Set();
    let table = null;
    for (const line of (readIfExists(path.join(args.snapshots, host, 'iptables-save.txt')) ?? '').split('\n')) {
      if (line.startsWith('*')) table = line.slice(1).trim();
      const m = /^:(\S+) /.exec(line);
      if (m && table) chains.add(`${table} ${m[1]}`);
    }
    return chains;
  });
  const ctx = { conntrack, listed: conntrack, natRules, caseHosts, nftTraces, nftRuleset, iptablesChains };
  const flowsOut = [];
  for (const { first: p0, keys, firsts } of flows.values()) {
    // One copy per capture point (a retransmission is not a new point); without interface
    // names (LINUX_SLL) every copy is a point. The tuple and tunnel are part of the point:
    // without a direction, eth0 carries the same packet twice (plain in, VXLAN out).
    // Contents can repeat (udp6-echo-repeated: a mirror echo answers with the request's bytes,
    // and every round resends them from a new socket): the path is one sighting of the request
    // (sightingOf), checked to be whole against conntrack and the flow's other packets.
    // Followed by conntrack (spec.follow), the path is every packet carrying one of the flow's
    // tuples in the client's direction, from the flow's first packet on.
    // Followed by conntrack events (a replay), a packet belongs to the flow when the entry that carried
    // or made its tuple is this flow's, the nearest in time of those with that tuple.
    const seenAt = new Set();
    const replay = byEvents ? eventChain(p0, p0.tsNanos, events) : null;
    const chain = spec.follow === 'conntrack' ? tupleChain(p0, conntrack) : replay ? replay.chain : null;
    const ownPacket = (p) => {
      const k = chain.findIndex((t) => sameTuple(t, p));
      if (!replay) return k >= 0;
      if (k < 0) return false;
      const entry = k === 0 ? replay.made[0] : replay.made[k - 1];
      const carries = k === 0 ? (e) => sameTuple(e.orig, p) : (e) => sameTuple(translatedTuple(e), p);
      return nearestEvent(events, p.tsNanos, (e) => e.proto === p0.proto && carries(e)) === entry;
    };
    const candidates = chain ? packets.filter((p) => p.proto === p0.proto && ownPacket(p)) : sightingOf(p0, byKey.get(p0.key));
    const path_ = candidates.filter((p) => {
      if (p.src === p0.dst || p.tsNanos < p0.tsNanos) return false;
      if (!p.iface) return true;
      const at = `${p.host} ${p.iface} ${p.direction ?? ''} ${p.src} ${p.srcPort} ${p.dst} ${p.dstPort} ${p.outer ? 'outer' : ''}`;
      if (seenAt.has(at)) return false;
      seenAt.add(at);
      return true;
    });
    if (!chain) {
      const otherFirsts = [...firsts.values()].filter((q) => q !== p0);
      checkWholePath(`the ${p0.proto} flow ${tupleText(p0)} (first seen at ${copyText(p0)})`, path_, p0, otherFirsts, byKey, packets, conntrack);
    }
    // Replies of this flow: answering one of its keys after its first packet, and (followed by
    // contents) before another flow sent the same bytes first.
    const later = chain ? [] : [...flows.values()].filter((f) => f.first !== p0).flatMap((f) => [...f.firsts.values()]).filter((q) => keys.has(q.key) && q.tsNanos > p0.tsNanos);
    const answers = (r) => r.proto === p0.proto && keys.has(r.key) && r.tsNanos >= p0.tsNanos && !later.some((q) => q.key === r.key && q.tsNanos <= r.tsNanos);
    addReplyOnlyPoints(path_, replies.filter(answers));
    const hops = path_.map(toHop);
    const lastHop = path_[path_.length - 1];
    const client = clientAddresses.get(p0.src);
    const flow = {
      proto: p0.proto,
      client: { host: client.host, ...(client.pod ? { pod: client.pod } : {}), ...endpoint(p0.src, p0.srcPort, p0.proto) },
      server: endpoint(p0.dst, p0.dstPort, p0.proto),
      servedBy: endpoint(lastHop.dst, lastHop.dstPort, p0.proto),
      serverSees: endpoint(lastHop.src, lastHop.srcPort, p0.proto),
      tunnel: path_.some((p) => p.outer) ? 'vxlan' : null,
    };
    // Repeated contents (one key for many datagrams) are counted at the flow's first point instead.
    const atFirstPoint = (p) => p.host === p0.host && p.iface === p0.iface && p.direction === p0.direction && !p.outer && sameTuple(p, p0);
    if (p0.proto === 'udp') flow.datagrams = chain ? candidates.filter(atFirstPoint).length : keys.size;
    if (p0.proto.startsWith('icmp')) flow.echoRequests = keys.size;
    flow.path = hops;
    flow.translations = buildTranslations(hops, path_, p0.proto, replay ? { ...ctx, conntrack: replay.made } : ctx);
    // Where the case's own captures last saw it, when hosts captured only for the truth follow.
    const lastInCase = path_.filter((p) => p.inCase).pop();
    if (lastInCase !== lastHop) {
      flow.lastInCase = { point: hopLabel(toHop(lastInCase)), src: endpoint(lastInCase.src, lastInCase.srcPort, p0.proto), dst: endpoint(lastInCase.dst, lastInCase.dstPort, p0.proto) };
    }
    flowsOut.push(flow);
  }

  const truth = {
    scenario: spec.scenario,
    description: spec.description,
    hosts,
    hostsNotInCase: spec.hostsNotInCase ?? {},
    flows: flowsOut,
    partnerSees: [...new Set(flowsOut.map((f) => f.serverSees.address))],
  };
  if (flowsOut.length === 0) throw new Error('no flow from the clients to the services was found in the captures');
  process.stdout.write(JSON.stringify(truth, null, 2) + '\n');
}

try {
  main();
} catch (err) {
  if (err instanceof Unreadable) {
    console.error(`truth.mjs: cannot read back the truth from this recording: ${err.message}`);
    process.exit(EXIT_UNREADABLE);
  }
  console.error(`truth.mjs: ${err.message}`);
  process.exit(1);
}
