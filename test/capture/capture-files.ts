// Capture files of a folder tree, for tests that run over the lab samples or the shared corpus.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Capture files under `dir` (.pcap, .pcapng, .cap, gzipped or not), sorted, recursively. */
export function listCaptures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listCaptures(p));
    else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(name)) out.push(p);
  }
  return out;
}
