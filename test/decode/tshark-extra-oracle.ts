// Fields the shared oracle (../shared/corpus/oracle) does not hold — TCP ack and flags, ICMP and
// ICMPv6 type/code/id/seq, Geneve VNI, GRE key — made here by running the local tshark on each
// corpus capture, once, and cached under the system temp folder (keyed by tshark's version), so
// the comparison can cover them too. Every occurrence of a field is kept (`-E occurrence=a`,
// joined by `|`): the first is the outermost header, the last the innermost, as in the shared
// oracle's `.csv` / `.inner.csv`.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CORPUS_ROOT } from '../corpus.js';

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

/** Per frame number: per field, every occurrence in order (outermost first); empty when absent. */
export type ExtraOracle = Map<number, { values: Record<ExtraField, string[]>; protocols: string }>;

/** tshark's version line, or null when tshark is not installed (the test is then skipped). */
export function tsharkVersion(): string | null {
  try {
    const out = execFileSync('tshark', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /TShark \(Wireshark\) (\S+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

function cachePath(version: string, corpus: string, file: string): string {
  return join(tmpdir(), 'natpath-tshark-oracle', version, corpus, `${file}.tsv`);
}

function runTshark(capture: string): Promise<string> {
  const args = ['-n', '-r', capture, '-o', 'tcp.relative_sequence_numbers:FALSE', '-T', 'fields', '-E', 'header=n'];
  args.push('-E', 'separator=/t', '-E', 'aggregator=|', '-E', 'occurrence=a', '-e', 'frame.number', '-e', 'frame.protocols');
  for (const f of EXTRA_FIELDS) args.push('-e', f);
  return new Promise((resolve) => {
    // tshark exits non-zero on cut or damaged files after printing what it read: keep that output.
    execFile('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (_err, stdout) => resolve(stdout ?? ''));
  });
}

/** Makes the cached oracle of every file that lacks one, `parallel` tshark processes at a time. */
export async function ensureExtraOracles(version: string, files: Array<{ corpus: string; file: string }>, parallel = 4): Promise<void> {
  const todo = files.filter((f) => !existsSync(cachePath(version, f.corpus, f.file)));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const f = todo[next++]!;
      const text = await runTshark(join(CORPUS_ROOT, f.corpus, f.file));
      const path = cachePath(version, f.corpus, f.file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

export function loadExtraOracle(version: string, corpus: string, file: string): ExtraOracle {
  const map: ExtraOracle = new Map();
  const text = readFileSync(cachePath(version, corpus, file), 'utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const cols = line.split('\t');
    const values = {} as Record<ExtraField, string[]>;
    EXTRA_FIELDS.forEach((name, i) => {
      const v = cols[i + 2] ?? '';
      values[name] = v === '' ? [] : v.split('|');
    });
    map.set(Number(cols[0]), { values, protocols: cols[1] ?? '' });
  }
  return map;
}
