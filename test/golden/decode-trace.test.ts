// The terminal text of `natpath decode` (packet table and --summary) and `natpath trace`, at 80
// and 200 columns, pinned on lab samples (test/golden/*.txt), with no line wider than the width
// and every interface name whole. Captures are picked for what makes lines long: a pcapng naming
// its interfaces (flannel.1), Linux cooked v2 whose interface indexes the host's ip link names
// (veth…), IPv6 addresses; traces for kube-proxy chains, an ipset match and IPv6.

import { afterAll, describe, expect, it } from 'vitest';
import { textWidth } from '../../src/report/text-layout.js';
import { runDecode } from '../../src/app/decode-run.js';
import { runTrace, type TraceOptions } from '../../src/app/trace.js';
import { hostInterfaces } from '../../src/case/host-interfaces.js';
import { tunnelPortsOf } from '../../src/route/index.js';
import { TRACE_FORMATS } from '../../src/report/trace-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { PROJECT_ROOT } from '../corpus.js';
import { expectGolden } from './golden.js';

const style = makeStyle(false);
// The samples are read by their relative paths from the project root; the worker's own cwd comes back after.
const startedIn = process.cwd();
afterAll(() => process.chdir(startedIn));
const WIDTHS = [80, 200];

const CAPTURES: Array<[name: string, path: string]> = [
  ['nodeport-node1', 'samples/nodeport/node1/capture.pcapng'],
  ['nodeport-node2', 'samples/nodeport/node2/capture.pcap'],
  ['ipv6-pod-egress-node1', 'samples/ipv6-pod-egress/node1/capture.pcap.gz'],
];

const TRACES: Array<[name: string, request: Omit<TraceOptions, 'hosts'>]> = [
  ['nodeport-node1', { paths: ['samples/nodeport/node1'], proto: 'tcp', src: '10.0.0.50:59118', dst: '10.0.0.11:30080', in: 'eth0' }],
  ['calico-ipset-node1', { paths: ['samples/pod-egress-calico-ipset/node1'], proto: 'tcp', src: '10.244.1.2:37410', dst: '198.51.100.10:80', in: 'cni0' }],
  ['ipv6-pod-egress-node1', { paths: ['samples/ipv6-pod-egress/node1'], proto: 'tcp', src: 'fd00:10:244:1::2', dst: '[2001:db8:100::10]:80', in: 'cni0' }],
];

/** What `natpath decode FILE [--summary] --width N` prints on stdout (its composition in src/app/decode.ts). */
async function decodeText(file: string, width: number, summaryOnly: boolean): Promise<string> {
  const host = await hostInterfaces(file);
  const out: string[] = [];
  await runDecode({
    file,
    format: 'table',
    summaryOnly,
    ctx: { style, width, file },
    write: (text) => out.push(text),
    ifNames: new Map(host.interfaces.map((i) => [i.index, i.name] as const)),
    fileInterface: host.fileInterface,
    tunnelPorts: tunnelPortsOf(host.interfaces).ports,
    flowWorker: 'never',
  });
  // The one line that depends on the machine's speed.
  return out.join('').replace(/^processed .*$/m, 'processed in (time not pinned)');
}

describe.each(CAPTURES)('golden decode of %s', (name, path) => {
  it.each(WIDTHS)('packet table and --summary at %i columns', async (width) => {
    process.chdir(PROJECT_ROOT);
    const host = await hostInterfaces(path);
    const table = await decodeText(path, width, false);
    expectGolden(`${name}.decode.${width}.txt`, table);
    expect(linesWiderThan(table, width), `lines wider than ${width}`).toEqual([]);
    const summary = await decodeText(path, width, true);
    expectGolden(`${name}.decode-summary.${width}.txt`, summary);
    expect(linesWiderThan(summary, width), `lines wider than ${width}`).toEqual([]);
    // Interface names are never cut: each one the host has that the table shows stands whole.
    const shown = host.interfaces.map((i) => i.name).filter((n) => new RegExp(`\\s${n.replace(/\./g, '\\.')}\\s`).test(table));
    expect(shown.length, 'the table names interfaces of the host').toBeGreaterThan(0);
    expect(table).not.toMatch(/\S…\s/);
  });
});

describe.each(TRACES)('golden trace of %s', (name, request) => {
  it.each(WIDTHS)('text at %i columns', async (width) => {
    process.chdir(PROJECT_ROOT);
    const run = await runTrace({ ...request, hosts: [] });
    if (!run.ok) throw new Error(run.message);
    const text = TRACE_FORMATS.table(run.report, { style, width });
    expectGolden(`${name}.trace.${width}.txt`, text);
    expect(linesWiderThan(text, width), `lines wider than ${width}`).toEqual([]);
    // Rule text is wrapped, never shortened: every matched rule's text is there word for word.
    const flat = text.replace(/\s+/g, ' ');
    for (const o of run.report.outcomes) for (const s of o.steps) expect(flat).toContain(s.text.replace(/\s+/g, ' '));
  });
});

function linesWiderThan(text: string, width: number): string[] {
  return text.split('\n').filter((l) => textWidth(l) > width);
}
