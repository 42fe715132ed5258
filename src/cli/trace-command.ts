// `natpath trace <host…> --proto P --src IP[:port] --dst IP[:port]`: what this host's kernel does
// with such a packet — the option table only: checked options → runTraceCommand (src/app/trace.ts).

import { EXIT_CODES_HELP } from '../app/exit-codes.js';
import { TRACE_FORMAT_NAMES, type TraceFormat } from '../report/format-names.js';
import { defineCommand, type NumberOption } from './command-spec.js';
import { OUT_FILE_OPTION } from './shared-options.js';

const port = (describe: string): NumberOption => ({ type: 'number', integer: true, min: 1, max: 65535, meta: 'PORT', expects: 'a port 1-65535', describe });

export const traceCommand = defineCommand({
  name: 'trace',
  describe: "Walk a packet through one host's iptables and routing (from its snapshots): every rule that fires, each translation, the verdict and the egress",
  positional: { name: 'paths', arity: 'many', describe: 'A host folder, its snapshot files, or a case folder (then pick the host with --host NAME)' },
  options: {
    host: { type: 'string', repeat: true, meta: 'NAME[=PATH]', describe: 'NAME: which host of the case; or NAME=PATH: files or a folder of one host' },
    proto: { type: 'string', default: 'tcp', meta: 'PROTO', describe: 'tcp, udp, icmp, icmpv6 or sctp, by any name the dumps use (ipv6-icmp, TCP) or number (6)' },
    src: { type: 'string', aliases: ['from'], meta: 'IP[:PORT]', describe: 'Source IP[:port] ([v6]:port). Without a port: ephemeral port 40000' },
    dst: { type: 'string', aliases: ['to'], meta: 'IP[:PORT]', describe: 'Destination IP[:port] ([v6]:port)' },
    sport: port('Source port (instead of --src IP:port)'),
    dport: port('Destination port (instead of --dst IP:port)'),
    in: { type: 'string', aliases: ['iif'], meta: 'IF', describe: 'The interface the packet arrives on (a bridge port is seen as its bridge, with physdev)' },
    oif: {
      type: 'string',
      aliases: ['egress'],
      meta: 'IF',
      describe:
        "The interface the packet leaves by (the kernel's output interface, oif: what -o tests). Without an ip route snapshot the walk takes it as given (-o tests and MASQUERADE's address follow from it); with one, the route decides and each outcome says whether it agrees or contradicts --oif",
    },
    'locally-generated': { type: 'boolean', aliases: ['local'], describe: 'The host itself sends the packet' },
    mark: { type: 'string', meta: 'MARK', describe: 'Initial packet mark (decimal or 0x hex)' },
    'host-addrs': { type: 'string', repeat: true, meta: 'IP[,IP...]', describe: "The host's own addresses (comma-separated), when there is no ip addr snapshot" },
    'icmp-type': { type: 'number', integer: true, min: 0, max: 255, meta: 'TYPE', expects: 'an ICMP type 0-255', describe: 'ICMP type (default: echo request)' },
    'new-client': { type: 'boolean', describe: 'Take -m recent --rcheck/--update as not matching (a client never seen), instead of unknown' },
    format: { type: 'string', choices: TRACE_FORMAT_NAMES, default: 'table', meta: 'FORMAT', describe: 'Output format (json: docs/simulator.md)' },
    out: OUT_FILE_OPTION,
  },
  examples: [
    ['natpath trace samples/pod-egress-natgw/node1 --proto udp --src 10.244.1.2 --dst 198.51.100.10:9000 --in veth62608e08', "a pod's datagram leaving the node"],
    ['natpath trace natgw/iptables-save.txt --src 10.0.0.11 --dst 198.51.100.10:80 --oif eth1', 'no route snapshot: state the egress interface the -o rules test'],
    ['natpath trace iptables-save.txt --host-addrs 192.168.0.2 --src 203.0.113.2 --dst 192.168.0.2:30080', 'a NodePort from outside, with only iptables-save'],
  ],
  epilogue:
    "Without --in or --locally-generated: a packet whose source is one of the host's addresses is locally generated; any other arrives on the interface the host's routes send replies to it out of (a pod's address: its bridge), or, without such a route, on an unknown interface (rules testing -i then branch as unknown).\n" +
    `A missing source port is the ephemeral port 40000. A host with no snapshot is "nothing usable".\n${EXIT_CODES_HELP}`,
  async run(args, paths) {
    const { runTraceCommand } = await import('../app/trace.js');
    return runTraceCommand({
      paths, hostArgs: args.host, proto: args.proto, src: args.src, dst: args.dst, sport: args.sport, dport: args.dport,
      in: args.in, oif: args.oif, locallyGenerated: args['locally-generated'], mark: args.mark, hostAddrs: args['host-addrs'], icmpType: args['icmp-type'], newClient: args['new-client'],
      format: args.format as TraceFormat, out: args.out, color: args.color, width: args.width,
    });
  },
});
