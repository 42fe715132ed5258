// Every tshark run the tests compare natpath with, in one place: what is read and with which
// arguments. `npm run record:tshark` (scripts/record-tshark.ts) runs them and records the output in
// test/fixtures/tshark/<group>.json.gz; the tests read those recordings (recordings.ts), so the
// suite needs no tshark. `npm run record:tshark -- --check` runs them live and compares (CI).

import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CORPUS_ROOT, PROJECT_ROOT, samplePath } from '../corpus.js';

export type RunGroup = 'corpus-extra' | 'lab-samples' | 'epb-flags';
export const RUN_GROUPS: readonly RunGroup[] = ['corpus-extra', 'lab-samples', 'epb-flags'];

export interface TsharkRun {
  group: RunGroup;
  /** Stable name of the input: corpus-relative for the corpus, project-relative otherwise. */
  key: string;
  /** Absolute path of the capture tshark reads. */
  input: string;
  /** Arguments after `-r <input>`. */
  args: string[];
}

/** Fields the shared oracle (../shared/corpus/oracle) does not hold, compared by tshark-agreement. */
export const EXTRA_FIELDS = [
  'tcp.ack_raw',
  'tcp.flags',
  'icmp.type',
  'icmp.code',
  'icmp.ident',
  'icmp.seq',
  'icmpv6.type',
  'icmpv6.code',
  'icmpv6.echo.identifier',
  'icmpv6.echo.sequence_number',
  'geneve.vni',
  'gre.key',
] as const;
export type ExtraField = (typeof EXTRA_FIELDS)[number];

/** Every occurrence of each field (`occurrence=a`, joined by `|`): first = outermost, last = innermost. */
export function corpusExtraRun(corpus: string, file: string): TsharkRun {
  const args = ['-n', '-o', 'tcp.relative_sequence_numbers:FALSE', '-T', 'fields', '-E', 'header=n'];
  args.push('-E', 'separator=/t', '-E', 'aggregator=|', '-E', 'occurrence=a', '-e', 'frame.number', '-e', 'frame.protocols');
  for (const f of EXTRA_FIELDS) args.push('-e', f);
  return { group: 'corpus-extra', key: `${corpus}/${file}`, input: join(CORPUS_ROOT, corpus, file), args };
}

/** The innermost header's fields (`occurrence=l`), VXLAN decoded on flannel's port 8472 as natpath does. */
export function labSampleRun(file: string): TsharkRun {
  const args = ['-n', '-d', 'udp.port==8472,vxlan', '-o', 'tcp.relative_sequence_numbers:FALSE', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=l'];
  for (const f of ['frame.number', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'tcp.seq_raw', 'frame.protocols']) {
    args.push('-e', f);
  }
  return { group: 'lab-samples', key: relative(PROJECT_ROOT, file), input: file, args };
}

/** pcapng epb_flags direction of each packet (the file is made by test/capture/epb-flags-file.ts). */
export function epbFlagsRun(file: string): TsharkRun {
  return { group: 'epb-flags', key: 'nodeport-node1-with-epb-flags.pcapng', input: file, args: ['-T', 'fields', '-e', 'frame.packet_flags_direction'] };
}

/** samples/<scenario>/<host>/capture.pcap(ng)(.gz), as the lab writes them. */
export function labCaptures(): string[] {
  const root = samplePath('');
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (e.isFile() && /\.(pcap|pcapng)(\.gz)?$/.test(e.name)) found.push(p);
    }
  };
  walk(root, 0);
  return found.sort();
}

/** tshark's output; tshark exits non-zero on cut or damaged files after printing what it read, which is kept. */
export function runTshark(run: TsharkRun): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'tshark',
      ['-r', run.input, ...run.args],
      { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout) => {
        if (err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error('tshark is not on the PATH'));
        else resolve(stdout ?? '');
      },
    );
  });
}
