// `natpath decode <capture>`: one line per packet, or totals with --summary — the option table
// only: checked options → runDecodeCommand (src/app/decode.ts).

import { DECODE_FORMAT_NAMES, type DecodeFormatName } from '../report/format-names.js';
import { defineCommand, type NumberOption } from './command-spec.js';
import { OUT_FILE_OPTION } from './shared-options.js';
import { tell } from '../app/tell.js';
import { threadsAsked, threadsOption } from './threads-option.js';

const port = (describe: string): NumberOption & { repeat: true } => ({
  type: 'number',
  integer: true,
  min: 1,
  max: 65535,
  repeat: true,
  meta: 'PORT',
  expects: 'a UDP port 1-65535',
  describe,
});

export const decodeCommand = defineCommand({
  name: 'decode',
  describe: 'Decode every packet of a capture (pcap, pcapng, .gz): one line per packet, or totals with --summary',
  positional: { name: 'capture', arity: 'one', describe: 'A capture file: pcap or pcapng, optionally gzip-compressed' },
  options: {
    threads: threadsOption('With --summary on captures of millions of packets, flows are counted on a second thread', 'a second thread when it pays'),
    format: { type: 'string', choices: DECODE_FORMAT_NAMES, default: 'table', meta: 'FORMAT', describe: 'Output format (json/ndjson: docs/decode.md)' },
    limit: { type: 'number', integer: true, min: 1, meta: 'N', expects: 'a whole number of packets ≥ 1', describe: 'Stop after N packets' },
    summary: { type: 'boolean', describe: 'Print only totals: packets, bytes, link types, interfaces, protocols, tunnels, problems' },
    out: OUT_FILE_OPTION,
    'vxlan-port': port('Also decode UDP to this port as VXLAN (4789 and 8472 always are)'),
    'geneve-port': port('Also decode UDP to this port as Geneve (6081 always is)'),
    'ip-in-udp-port': port("Decode UDP to this port as a bare IP packet (flannel's UDP backend: 8285)"),
  },
  examples: [
    ['natpath decode node1/capture.pcap --limit 20', 'the first 20 packets as a table'],
    ['natpath decode big.pcapng.gz --summary', 'totals and processing speed'],
    ['natpath decode eth0.pcap --format ndjson | jq .src', 'one JSON record per line'],
    ['natpath decode node1.pcap --vxlan-port 20000', 'a VXLAN device configured with dstport 20000'],
  ],
  async run(args, [capture]) {
    const threads = threadsAsked(args.threads, process.env);
    if (typeof threads === 'object') {
      tell('decode', threads.error);
      return 2;
    }
    const { runDecodeCommand } = await import('../app/decode.js');
    return runDecodeCommand({
      file: capture!,
      format: args.format as DecodeFormatName,
      limit: args.limit,
      summaryOnly: args.summary === true,
      out: args.out,
      color: args.color,
      threads,
      tunnelPorts: { vxlan: args['vxlan-port'], geneve: args['geneve-port'], ipInUdp: args['ip-in-udp-port'] },
      width: args.width,
    });
  },
});
