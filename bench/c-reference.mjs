// The C reference of issue 15: bench/c-reference/flowcount.c on libpcap (Debian's libpcap-dev),
// built once per bench run into the temp folder (never committed as a binary). It reads and
// decodes what `natpath decode --summary` decodes and counts the same distinct flows, exactly;
// run.mjs times it beside natpath and fails the bench when the two flow counts differ.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Builds the reference; returns its path, or null with the reason on stderr (no compiler, no libpcap). */
export function buildCReference(root) {
  const source = join(root, 'bench', 'c-reference', 'flowcount.c');
  const binary = join(tmpdir(), 'natpath-bench-flowcount');
  const cc = process.env.CC ?? 'cc';
  const r = spawnSync(cc, ['-O2', '-o', binary, source, '-lpcap'], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(binary)) {
    const why = r.error ? r.error.message : r.stderr.trim().split('\n').slice(-3).join(' ');
    process.stderr.write(`bench: the C reference could not be built (${cc} … -lpcap: ${why}); install gcc and libpcap-dev\n`);
    return null;
  }
  return binary;
}

/** Runs the reference once, untimed, for its flow count. */
export function countFlowsInC(binary, file) {
  const r = spawnSync(binary, [file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`C reference failed on ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
