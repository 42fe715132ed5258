// Every problem code natpath reports, in one registry: the code is the stable name users and
// scripts see (`--format json`, docs/problem-codes.md), the severity is the one a reader uses
// unless it says otherwise, and the meaning is one line for the docs. `ProblemCode` is derived
// from the registry's keys, so a code that is not listed here fails typecheck (zod's issue codes
// are a literal union the same way). Add a code here, then run
// `UPDATE_DOCS=1 npx vitest run test/text/problem-codes.test.ts` (the doc table and the schema's enum).

export type Severity = 'error' | 'warning' | 'info';

export interface ProblemCodeSpec {
  severity: Severity;
  /** One line: what the problem is, for the table in docs/problem-codes.md. */
  meaning: string;
}

export const PROBLEM_CODES = {
  // Captures (src/capture/): byte offsets; the packet path reports numeric ids (capture-problems.ts).
  'capture.empty': { severity: 'error', meaning: 'the capture file has no bytes' },
  'capture.unknown-format': { severity: 'error', meaning: 'the first bytes are neither a pcap nor a pcapng magic number' },
  'capture.unsupported-compression': { severity: 'error', meaning: 'zstd, bzip2 or xz data: only plain and gzip captures are read' },
  'capture.truncated': { severity: 'error', meaning: 'the file ends inside its header or a record ("truncated dump file"); packets before it are kept' },
  'capture.gzip-error': { severity: 'error', meaning: 'the gzip stream is damaged; packets before the damage are kept' },
  'capture.caplen-over-snaplen': { severity: 'warning', meaning: 'a packet is longer than the interface\'s snapshot length; kept as captured' },
  'capture.caplen-over-origlen': { severity: 'warning', meaning: 'a packet\'s captured length is above its original length; kept as captured' },
  'capture.timestamp-fraction-overflow': { severity: 'warning', meaning: 'a timestamp fraction is not below one second; carried into the seconds' },
  'capture.timestamp-out-of-range': { severity: 'warning', meaning: 'a timestamp does not fit an exact double; the packet is kept without one' },
  'capture.unreadable': { severity: 'error', meaning: 'a capture of the case could not be opened or read' },
  'capture.contradictory-directions': { severity: 'warning', meaning: 'connections at one interface whose packets both ways were recorded outgoing (or incoming); those directions are not used' },
  'pcap.unsupported-version': { severity: 'error', meaning: 'a pcap major version other than 2 (or 543.0)' },
  'pcap.unexpected-version': { severity: 'warning', meaning: 'a pcap 2.x minor version outside 2.0–2.4; read as 2.4' },
  'pcap.modified-format': { severity: 'info', meaning: 'Kuznetzov\'s modified pcap (magic 0xa1b2cd34): its extra record fields are ignored' },
  'pcap.linktype-reserved-bits': { severity: 'warning', meaning: 'reserved bits of the link-type field are set; the low 16 bits are used' },
  'pcap.linktype-fcs-bits': { severity: 'info', meaning: 'the link-type field carries FCS-length bits; the low 16 bits are used' },
  'pcap.record-too-long': { severity: 'error', meaning: 'a record header declares more than 16 MiB; reading stops' },
  'pcapng.block-too-short': { severity: 'error', meaning: 'a block\'s total length is below its minimum; reading stops' },
  'pcapng.block-misaligned': { severity: 'error', meaning: 'a block\'s total length is not a multiple of 4; reading stops' },
  'pcapng.block-too-long': { severity: 'error', meaning: 'a block\'s total length is above 16 MiB; reading stops' },
  'pcapng.trailer-mismatch': { severity: 'error', meaning: 'a block\'s trailing length differs from its leading one; reading stops' },
  'pcapng.bad-byte-order-magic': { severity: 'error', meaning: 'a Section Header Block without the byte-order magic 0x1a2b3c4d; reading stops' },
  'pcapng.unsupported-version': { severity: 'error', meaning: 'a pcapng section version other than 1.0 (or 1.2); reading stops' },
  'pcapng.block-body-too-short': { severity: 'error', meaning: 'a block\'s body is shorter than its fixed fields; the block is skipped' },
  'pcapng.unknown-interface': { severity: 'error', meaning: 'a packet names an interface the section did not describe; the packet is skipped' },
  'pcapng.caplen-over-block': { severity: 'error', meaning: 'a packet\'s captured length is more than its block holds; the packet is skipped' },
  'pcapng.bad-option': { severity: 'warning', meaning: 'a block option runs past the block; the rest of its options are ignored' },
  'pcapng.bad-option-length': { severity: 'warning', meaning: 'an interface option has the wrong length; it is ignored' },
  'pcapng.bad-tsresol': { severity: 'warning', meaning: 'if_tsresol finer than 64 bits can hold; the interface\'s timestamps are ignored' },
  'pcapng.tsresol-reduced': { severity: 'info', meaning: 'timestamps finer than natpath keeps (1 ns or 2^-32 s) are rounded' },
  'pcapng.bad-tsoffset': { severity: 'warning', meaning: 'if_tsoffset does not fit an exact double; the offset is ignored' },

  // Text shared by every dump reader (src/text/junk-lines.ts).
  'text.junk-line': { severity: 'warning', meaning: 'a line that is not dump output (a shell prompt, a command, a log line) was skipped' },
  'text.colour-codes': { severity: 'info', meaning: 'terminal colour codes were removed before reading' },
  'text.problems-not-listed': { severity: 'warning', meaning: 'more problems in one file than are listed (1 000); the rest are only counted' },

  // iptables-save / ip6tables-save (src/netfilter/), one code for both families.
  'iptables.unrecognised-line': { severity: 'error', meaning: 'a line that is not *table, :chain, a rule or COMMIT; skipped' },
  'iptables.bad-table': { severity: 'error', meaning: 'a *table line whose name is not a table name; skipped' },
  'iptables.duplicate-table': { severity: 'warning', meaning: 'a table appears twice; its chains are merged into the first' },
  'iptables.missing-commit': { severity: 'error', meaning: 'a table without COMMIT (a truncated dump); its rules are kept' },
  'iptables.commit-outside-table': { severity: 'error', meaning: 'COMMIT without a *table before it; skipped' },
  'iptables.outside-table': { severity: 'error', meaning: 'a chain or rule before any *table; skipped' },
  'iptables.bad-chain': { severity: 'error', meaning: 'a :chain line that is not ":CHAIN POLICY [packets:bytes]"; skipped' },
  'iptables.bad-policy': { severity: 'error', meaning: 'a chain policy other than ACCEPT, DROP or "-"; skipped' },
  'iptables.builtin-without-policy': { severity: 'info', meaning: 'a built-in chain declared with "-" for its policy; taken as ACCEPT' },
  'iptables.policy-on-user-chain': { severity: 'warning', meaning: 'a user chain declared with a policy; the policy is kept' },
  'iptables.bad-counters': { severity: 'error', meaning: 'a rule whose leading [packets:bytes] cannot be read; skipped' },
  'iptables.bad-command': { severity: 'error', meaning: 'a -A/-I/-N/-X/-F/-P command without a chain, or an impossible policy; skipped' },
  'iptables.undeclared-chain': { severity: 'warning', meaning: 'a rule for a chain the table did not declare; the chain is created' },
  'iptables.goto-undeclared-chain': { severity: 'error', meaning: '-g to a chain the table does not have' },
  'iptables.unterminated-quote': { severity: 'error', meaning: 'a quote that is never closed; the rest of the line is one word' },
  'iptables.missing-value': { severity: 'error', meaning: 'an option at the end of a rule without its value' },
  'iptables.unexpected-word': { severity: 'error', meaning: 'a word in a rule that is neither an option nor a value' },
  'iptables.bad-address': { severity: 'error', meaning: '-s/-d with a value that is not an address or prefix of the family' },
  'iptables.bad-option': { severity: 'error', meaning: 'a match option with a value its module refuses' },
  'iptables.bad-target': { severity: 'error', meaning: 'a target option with a value the target refuses' },
  'iptables.unknown-match': { severity: 'warning', meaning: 'a -m module natpath does not evaluate; rules using it are unknown' },
  'iptables.unknown-target': { severity: 'warning', meaning: 'a -j target that is neither a chain nor known to natpath; rules using it are unknown' },
  'iptables.unquoted-comment': { severity: 'warning', meaning: 'a --comment of several words without quotes (iptables-restore refuses it); kept as one comment' },
  'iptables.rule-list': { severity: 'info', meaning: 'iptables -S output without *table lines; its table was told from its chains' },
  'iptables.rule-list-table-unknown': { severity: 'warning', meaning: 'iptables -S output whose table cannot be told; not used' },
  'iptables.skipped-lines': { severity: 'warning', meaning: 'how many lines of the dump could not be read' },

  // nft list ruleset (src/nftables/, text reader).
  'nft.lex': { severity: 'error', meaning: 'characters the nft tokenizer cannot read (an unclosed string, a stray byte)' },
  'nft.define': { severity: 'error', meaning: 'a define or $variable that cannot be expanded' },
  'nft.syntax': { severity: 'error', meaning: 'a statement or declaration that does not follow nft\'s grammar; skipped' },
  'nft.include': { severity: 'warning', meaning: 'an include, which natpath does not follow' },
  'nft.chain-type': { severity: 'error', meaning: 'a chain type/hook/priority that cannot be read; the chain is kept without its hook' },
  'nft.unknown-statement': { severity: 'warning', meaning: 'statements natpath does not evaluate; rules holding them are unknown' },
  'nft.unknown-statement-detail': { severity: 'info', meaning: 'why one statement was kept as unknown' },
  'nft.skipped-statements': { severity: 'error', meaning: 'how many statements could not be read' },

  // nft -j list ruleset (src/nftables/, JSON reader); the place is a JSON path.
  'nftables.json-syntax': { severity: 'error', meaning: 'the file is not valid JSON; objects before the damage are kept' },
  'nftables.json-shape': { severity: 'warning', meaning: 'a value of the wrong type or an unknown name in a ruleset object' },
  'nftables.json-unknown-item': { severity: 'warning', meaning: 'a ruleset item nft -j does not print; skipped' },
  'nftables.json-unknown': { severity: 'warning', meaning: 'an expression natpath does not evaluate; the rule is unknown' },
  'nftables.json-missing-table': { severity: 'warning', meaning: 'an object of a table not listed before it; the table is created' },
  'nftables.json-missing-chain': { severity: 'warning', meaning: 'a rule of a chain not listed before it; the chain is created' },
  'nftables.json-missing-set': { severity: 'warning', meaning: 'elements of a set that is not listed; skipped' },

  // ipset save / ipset list (src/ipset/).
  'ipset.bad-line': { severity: 'error', meaning: 'a line that is not an ipset command or list line; skipped' },
  'ipset.bad-set': { severity: 'error', meaning: 'a set whose type or options cannot be read; skipped' },
  'ipset.duplicate-set': { severity: 'warning', meaning: 'a set created or listed twice; the later one is kept' },
  'ipset.unknown-set': { severity: 'error', meaning: 'an add/del/swap/rename of a set that does not exist there; skipped' },
  'ipset.bad-element': { severity: 'error', meaning: 'an element that does not fit its set\'s type; skipped' },
  'ipset.bad-timeout': { severity: 'warning', meaning: 'a timeout that is not a number of seconds' },
  'ipset.count-mismatch': { severity: 'warning', meaning: 'a set\'s "Number of entries" differs from the members read' },
  'ipset.skipped-lines': { severity: 'warning', meaning: 'how many lines of the dump could not be read' },

  // ipvsadm -Ln (src/ipvs/).
  'ipvs.bad-line': { severity: 'error', meaning: 'a line that is neither a virtual service nor a real server under one; skipped' },
  'ipvs.skipped-lines': { severity: 'warning', meaning: 'how many lines of the dump could not be read' },

  // ip route (src/route/).
  'route.bad-line': { severity: 'error', meaning: 'a route line without a readable destination; skipped' },
  'route.orphan-nexthop': { severity: 'error', meaning: 'a nexthop line with no route before it; skipped' },
  'route.bad-value': { severity: 'warning', meaning: 'a route attribute whose value cannot be read; the route is kept without it' },
  'route.unknown-word': { severity: 'warning', meaning: 'a word natpath does not know in a route; kept as a flag' },
  'route.bad-object': { severity: 'error', meaning: 'an ip -j route object without a readable destination; skipped' },
  'route.bad-json': { severity: 'error', meaning: 'ip -j route output that is not a JSON array' },
  'route.skipped-lines': { severity: 'warning', meaning: 'how many lines of the dump could not be read' },
  'route.skipped-objects': { severity: 'warning', meaning: 'how many JSON objects of the dump could not be read' },

  // ip rule (src/route/).
  'rule.bad-line': { severity: 'error', meaning: 'a line that is not "PRIORITY: selectors action"; skipped' },
  'rule.bad-value': { severity: 'warning', meaning: 'a selector whose value cannot be read; the rule is kept without it' },
  'rule.backward-goto': { severity: 'warning', meaning: 'a goto to a priority not after the rule\'s own (the kernel refuses it); not followed' },
  'rule.unknown-selector': { severity: 'warning', meaning: 'a selector natpath does not evaluate; rules using it are unknown' },
  'rule.no-action': { severity: 'warning', meaning: 'a rule without lookup/goto/blackhole/unreachable/prohibit; taken as "lookup main"' },
  'rule.bad-object': { severity: 'error', meaning: 'an ip -j rule object without a priority; skipped' },
  'rule.bad-json': { severity: 'error', meaning: 'ip -j rule output that is not a JSON array' },
  'rule.skipped-lines': { severity: 'warning', meaning: 'how many lines of the dump could not be read' },
  'rule.skipped-objects': { severity: 'warning', meaning: 'how many JSON objects of the dump could not be read' },

  // ip addr / ip link (src/route/).
  'link.bad-line': { severity: 'error', meaning: 'a line that is neither "N: NAME: <FLAGS>" nor an indented detail; skipped' },
  'link.bad-address': { severity: 'warning', meaning: 'an inet/inet6/link address that cannot be read; skipped' },
  'link.unknown-detail': { severity: 'info', meaning: 'a detail line natpath does not read' },
  'link.bad-object': { severity: 'error', meaning: 'an ip -j addr/link object without an interface name; skipped' },
  'link.bad-json': { severity: 'error', meaning: 'ip -j addr/link output that is not a JSON array' },
  'link.skipped-lines': { severity: 'warning', meaning: 'how many lines of the dump could not be read' },
  'link.skipped-objects': { severity: 'warning', meaning: 'how many JSON objects of the dump could not be read' },

  // conntrack -L (src/conntrack/).
  'conntrack.bad-line': { severity: 'error', meaning: 'an entry that cannot be read; skipped' },
  'conntrack.count-mismatch': { severity: 'warning', meaning: 'conntrack\'s "N flow entries" line differs from the entries read' },
  'conntrack.skipped-lines': { severity: 'warning', meaning: 'how many lines of the dump could not be read' },

  // The case: folders, archives, recognition (src/case/, src/app/).
  'case.empty': { severity: 'error', meaning: 'no files in any host folder' },
  'case.not-a-file': { severity: 'error', meaning: 'a path that is neither a regular file nor a folder; skipped' },
  'case.unreadable': { severity: 'error', meaning: 'a file, folder or archive that cannot be read' },
  'case.too-deep': { severity: 'warning', meaning: 'a folder deeper than a host is searched; not searched' },
  'case.host-empty': { severity: 'error', meaning: 'a host without files' },
  'case.host-unrecognised': { severity: 'error', meaning: 'a host none of whose files natpath recognises' },
  'case.file-outside-host': { severity: 'warning', meaning: 'a capture or dump outside any host folder; not used' },
  'case.file-not-used': { severity: 'warning', meaning: 'a file of a host that is not a capture or dump natpath reads' },
  'case.recognition-doubt': { severity: 'info', meaning: 'a note on how a file\'s kind was told, when it is not certain' },
  'case.nft-text-not-used': { severity: 'info', meaning: 'a host has nft -j output too; its nft text ruleset is not used' },
  'case.tunnel-ports': { severity: 'info', meaning: 'tunnel ports read from the host\'s ip -d link dump' },
  'case.archive-unsafe-path': { severity: 'error', meaning: 'an archive entry with an absolute or ../ path; refused' },
  'case.archive-damaged': { severity: 'error', meaning: 'an archive cut short or damaged; the entries before it are used' },
  'case.archive-header-skipped': { severity: 'warning', meaning: 'a tar header that cannot be read; skipped' },
  'case.archive-too-many-entries': { severity: 'error', meaning: 'an archive with more entries than natpath lists; the rest is not listed' },
  // Matching flows across the captures of a case (src/match/, src/app/analyze-case.ts).
  'analyze.direction-evidence': { severity: 'info', meaning: 'pairings of packets with the same bytes that the directions a host\'s captures recorded ruled out' },
  'analyze.conntrack-contradicts-packets': { severity: 'warning', meaning: 'a conntrack entry names the other end of a connection as its client than the TCP handshake captured (or than another conntrack entry): the packets are taken' },
  'analyze.fragment-not-joined': { severity: 'info', meaning: 'a capture point held only a connection\'s replies, sharing no packet with the rest, and its host\'s conntrack did not join it to the requests (no snapshot, no entry, several entries, the other tuple not captured, or held by several flows): it stays a flow of its own, flows[].conntrackJoins says why' },
  'analyze.ambiguity-bound': { severity: 'info', meaning: 'so many connections shared repeated packets that later ambiguous flows are listed as fragments, without their candidates' },

  // The simulator (src/sim/): trace's host loading and the walk itself.
  'trace.unreadable': { severity: 'error', meaning: 'a snapshot of the host that cannot be read' },
  'trace.ipvs-not-simulated': { severity: 'info', meaning: 'the host has IPVS virtual services, which the walk does not follow' },
  'trace.nft-table-not-simulated': { severity: 'info', meaning: 'an nft table the walk does not simulate (bridge/arp/netdev, dormant, or iptables-nft\'s copy of the -save rules)' },
  'trace.missing-ipset': { severity: 'warning', meaning: 'rules match on an ipset the host\'s dumps do not list; those rules are unknown' },
  'trace.nft-table-twice': { severity: 'warning', meaning: 'the same nft table in two files of the host' },
  'sim.chain-loop': { severity: 'warning', meaning: 'a jump back into a chain being walked (the kernel refuses it); not followed' },
  'sim.chain-nesting': { severity: 'warning', meaning: 'user chains nested deeper than the kernel allows; the jump is not followed' },
  'sim.work-cap': { severity: 'warning', meaning: 'the walk reached its work budget; the answer covers the branches walked' },
} as const satisfies Record<string, ProblemCodeSpec>;

/** Every problem code natpath can report. A literal that is not a key of PROBLEM_CODES fails typecheck. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Reader prefixes whose collector counts skipped lines (`<prefix>.skipped-lines` is a code). */
export type LineReaderPrefix = { [C in ProblemCode]: C extends `${infer P}.skipped-lines` ? P : never }[ProblemCode];
/** Reader prefixes of iproute2's JSON dumps (`<prefix>.skipped-objects` and `<prefix>.bad-json` are codes). */
export type JsonReaderPrefix = { [C in ProblemCode]: C extends `${infer P}.skipped-objects` ? (`${P}.bad-json` extends ProblemCode ? P : never) : never }[ProblemCode];

export function isProblemCode(text: string): text is ProblemCode {
  return Object.hasOwn(PROBLEM_CODES, text);
}
