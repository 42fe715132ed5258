// `natpath trace <host…> --proto P --src IP[:port] --dst IP[:port]`: what this host's kernel does
// with such a packet — yargs only: checked options → runTraceCommand (src/app/trace.ts).

import type { CommandModule } from 'yargs';
import { EXIT_CODES_HELP } from '../app/exit-codes.js';
import { TRACE_FORMAT_NAMES, type TraceFormat } from '../report/format-names.js';

interface TraceArgs {
  paths?: string[];
  host?: string[];
  proto: string;
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  in?: string;
  oif?: string;
  locallyGenerated?: boolean;
  mark?: string;
  hostAddrs?: string[];
  icmpType?: number;
  newClient?: boolean;
  format: string;
  out?: string;
  color?: boolean;
  width?: number;
}

export function traceCommand(setExit: (code: number) => void): CommandModule<object, TraceArgs> {
  return {
    command: 'trace [paths..]',
    describe: "Walk a packet through one host's iptables and routing (from its snapshots): every rule that fires, each translation, the verdict and the egress",
    builder: (y) =>
      y
        .positional('paths', { type: 'string', array: true, describe: 'A host folder, its snapshot files, or a case folder (then pick the host with --host NAME)' })
        .option('host', { type: 'string', array: true, describe: 'NAME: which host of the case; or NAME=PATH: files or a folder of one host' })
        .option('proto', { type: 'string', default: 'tcp', describe: 'tcp, udp, icmp, icmpv6 or sctp' })
        .option('src', { type: 'string', alias: 'from', describe: 'Source IP[:port] ([v6]:port). Without a port: ephemeral port 40000' })
        .option('dst', { type: 'string', alias: 'to', describe: 'Destination IP[:port] ([v6]:port)' })
        .option('sport', { type: 'number', describe: 'Source port (instead of --src IP:port)' })
        .option('dport', { type: 'number', describe: 'Destination port (instead of --dst IP:port)' })
        .option('in', { type: 'string', alias: 'iif', describe: 'The interface the packet arrives on (a bridge port is seen as its bridge, with physdev)' })
        .option('oif', {
          type: 'string',
          alias: 'egress',
          describe:
            "The interface the packet leaves by (the kernel's output interface, oif: what -o tests). Without an ip route snapshot the walk takes it as given (-o tests and MASQUERADE's address follow from it); with one, the route decides and each outcome says whether it agrees or contradicts --oif",
        })
        .option('locally-generated', { type: 'boolean', alias: 'local', describe: 'The host itself sends the packet' })
        .option('mark', { type: 'string', describe: 'Initial packet mark (decimal or 0x hex)' })
        .option('host-addrs', { type: 'string', array: true, describe: "The host's own addresses (comma-separated), when there is no ip addr snapshot" })
        .option('icmp-type', { type: 'number', describe: 'ICMP type (default: echo request)' })
        .option('new-client', { type: 'boolean', describe: 'Take -m recent --rcheck/--update as not matching (a client never seen), instead of unknown' })
        .option('format', { choices: TRACE_FORMAT_NAMES, default: 'table', describe: 'Output format (json: docs/simulator.md)' })
        .option('out', { type: 'string', describe: 'Write the output to this file instead of stdout' })
        .example('$0 trace samples/pod-egress-natgw/node1 --proto udp --src 10.244.1.2 --dst 198.51.100.10:9000 --in veth62608e08', 'a pod\'s datagram leaving the node')
        .example('$0 trace natgw/iptables-save.txt --src 10.0.0.11 --dst 198.51.100.10:80 --oif eth1', 'no route snapshot: state the egress interface the -o rules test')
        .example('$0 trace iptables-save.txt --host-addrs 192.168.0.2 --src 203.0.113.2 --dst 192.168.0.2:30080', 'a NodePort from outside, with only iptables-save')
        .epilogue(
          "Without --in or --locally-generated: a packet whose source is one of the host's addresses is locally generated; any other arrives on the interface the host's routes send replies to it out of (a pod's address: its bridge), or, without such a route, on an unknown interface (rules testing -i then branch as unknown).\n" +
            `A missing source port is the ephemeral port 40000. A host with no snapshot is "nothing usable".\n${EXIT_CODES_HELP}`,
        ) as never,
    handler: async (args) => {
      const { runTraceCommand } = await import('../app/trace.js');
      setExit(
        await runTraceCommand({
          paths: args.paths ?? [], hostArgs: args.host, proto: args.proto, src: args.src, dst: args.dst, sport: args.sport, dport: args.dport,
          in: args.in, oif: args.oif, locallyGenerated: args.locallyGenerated, mark: args.mark, hostAddrs: args.hostAddrs, icmpType: args.icmpType, newClient: args.newClient,
          format: args.format as TraceFormat, out: args.out, color: args.color, width: args.width,
        }),
      );
    },
  };
}
