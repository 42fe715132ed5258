// `natpath decode <capture>`: one line per packet, or totals with --summary — yargs only: checked
// options → runDecodeCommand (src/app/decode.ts).

import type { CommandModule } from 'yargs';
import { DECODE_FORMAT_NAMES, type DecodeFormatName } from '../report/format-names.js';
import { threadsAsked, withThreadsOption } from './threads-option.js';

interface DecodeArgs {
  capture?: string;
  format: string;
  limit?: number;
  summary?: boolean;
  out?: string;
  color?: boolean;
  width?: number;
  threads?: number;
  vxlanPort?: number[];
  genevePort?: number[];
  ipInUdpPort?: number[];
}

const TUNNEL_PORT_OPTIONS = [
  ['vxlan-port', 'vxlanPort'],
  ['geneve-port', 'genevePort'],
  ['ip-in-udp-port', 'ipInUdpPort'],
] as const;

export function decodeCommand(setExit: (code: number) => void): CommandModule<object, DecodeArgs> {
  return {
    command: 'decode <capture>',
    describe: 'Decode every packet of a capture (pcap, pcapng, .gz): one line per packet, or totals with --summary',
    builder: (y) =>
      withThreadsOption(y, 'With --summary on captures of millions of packets, flows are counted on a second thread', 'a second thread when it pays')
        .positional('capture', { type: 'string', describe: 'A capture file: pcap or pcapng, optionally gzip-compressed' })
        .option('format', { choices: DECODE_FORMAT_NAMES, default: 'table', describe: 'Output format (json/ndjson: docs/decode.md)' })
        .option('limit', { type: 'number', describe: 'Stop after N packets' })
        .option('summary', { type: 'boolean', describe: 'Print only totals: packets, bytes, link types, interfaces, protocols, tunnels, problems' })
        .option('out', { type: 'string', describe: 'Write the output to this file instead of stdout' })
        .option('vxlan-port', { type: 'number', array: true, describe: 'Also decode UDP to this port as VXLAN (4789 and 8472 always are); repeatable' })
        .option('geneve-port', { type: 'number', array: true, describe: 'Also decode UDP to this port as Geneve (6081 always is); repeatable' })
        .option('ip-in-udp-port', { type: 'number', array: true, describe: "Decode UDP to this port as a bare IP packet (flannel's UDP backend: 8285); repeatable" })
        .example('$0 decode node1/capture.pcap --limit 20', 'the first 20 packets as a table')
        .example('$0 decode big.pcapng.gz --summary', 'totals and processing speed')
        .example('$0 decode eth0.pcap --format ndjson | jq .src', 'one JSON record per line')
        .example('$0 decode node1.pcap --vxlan-port 20000', 'a VXLAN device configured with dstport 20000') as never,
    handler: async (args) => {
      const limit = args.limit;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
        process.stderr.write(`natpath decode: --limit expects a whole number of packets ≥ 1, got ${String(limit)}\n`);
        setExit(2);
        return;
      }
      const threads = threadsAsked(args.threads, process.env);
      if (typeof threads === 'object') {
        process.stderr.write(`natpath decode: ${threads.error}\n`);
        setExit(2);
        return;
      }
      for (const [name, key] of TUNNEL_PORT_OPTIONS) {
        const bad = (args[key] ?? []).find((p) => !Number.isInteger(p) || p < 1 || p > 65535);
        if (bad !== undefined) {
          process.stderr.write(`natpath decode: --${name} expects a UDP port 1-65535, got ${String(bad)}\n`);
          setExit(2);
          return;
        }
      }
      const { runDecodeCommand } = await import('../app/decode.js');
      setExit(
        await runDecodeCommand({
          file: args.capture!,
          format: args.format as DecodeFormatName,
          limit,
          summaryOnly: args.summary === true,
          out: args.out,
          color: args.color,
          threads,
          tunnelPorts: { vxlan: args.vxlanPort ?? [], geneve: args.genevePort ?? [], ipInUdp: args.ipInUdpPort ?? [] },
          width: args.width,
        }),
      );
    },
  };
}
