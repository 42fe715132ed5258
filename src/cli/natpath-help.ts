// The main help's text (`natpath --help`), shared by both programs (main.ts, decode-launch.ts)
// without the commands: decode's script must not bundle the others.

import { EXIT_CODES_HELP } from '../app/exit-codes.js';
import type { Program } from './run-program.js';

const INTRO =
  'natpath: which address does the server see, and which rule made it so?\n' +
  'Reads packet captures and Linux network-state dumps (iptables-save, ip route/rule/addr/link, conntrack -L) from each host of a case, offline.';

const EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['natpath analyze samples/pod-egress-natgw', 'which address the partner sees, hop by hop, and which rule did it'],
  ['natpath analyze samples/nodeport --format html --out report.html', 'a self-contained report for a ticket (also markdown, json, csv)'],
  ['natpath trace samples/pod-egress-natgw --host node1 --from 10.244.1.2 --to 198.51.100.10:80', 'what node1 would do to such a packet, rule by rule'],
  ['natpath decode samples/nodeport/node1/capture.pcapng --summary', 'totals per interface, protocol and tunnel'],
  ['natpath inspect --host node1=/tmp/node1 --host gw=gw.pcap', 'what is in a case whose hosts you name yourself'],
  ['natpath batch cases/*.tar.gz --out reports/', 'many cases in parallel, with summary.csv'],
];

const EPILOGUE = `${EXIT_CODES_HELP}\nDocs: README.md, docs/. Set NO_COLOR=1 to disable colour.`;

/** What both programs show as the main help, beside their commands. */
export const NATPATH_HELP: Omit<Program, 'commands'> = { intro: INTRO, examples: EXAMPLES, epilogue: EPILOGUE };
