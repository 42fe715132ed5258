// The content hash that decides whether a case must be analysed again: SHA-256 over every input
// file's relative path, size and bytes (an archive: its bytes), plus natpath's version, so a new
// natpath re-runs everything while an untouched case is skipped. Hidden files do not count, as
// the case loader never reads them.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchCase } from './find-cases.js';

export interface CaseInputs {
  /** `sha256:<hex>`. */
  hash: string;
  bytes: number;
  files: number;
}

export async function hashCaseInputs(c: Pick<BatchCase, 'path' | 'kind'>, version: string): Promise<CaseInputs> {
  const hash = createHash('sha256');
  hash.update(`natpath ${version}\0`);
  let bytes = 0;
  let files = 0;
  const add = async (abs: string, rel: string) => {
    const info = await stat(abs);
    hash.update(`${rel}\0${info.size}\0`);
    for await (const chunk of createReadStream(abs, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
    bytes += info.size;
    files++;
  };
  if (c.kind === 'archive') await add(c.path, '');
  else for (const rel of await listFiles(c.path, '')) await add(join(c.path, rel), rel);
  return { hash: `sha256:${hash.digest('hex')}`, bytes, files };
}

/** Sizes only, without reading: for the progress bar's ETA. */
export async function measureCaseInputs(c: Pick<BatchCase, 'path' | 'kind'>): Promise<number> {
  if (c.kind === 'archive') return (await stat(c.path)).size;
  let total = 0;
  for (const rel of await listFiles(c.path, '')) total += (await stat(join(c.path, rel))).size;
  return total;
}

async function listFiles(root: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    // A symbolic link counts as what it points to, as the case loader reads it.
    const kind = e.isSymbolicLink() ? await stat(join(root, p)).catch(() => null) : e;
    if (kind === null) continue;
    if (kind.isDirectory()) out.push(...(await listFiles(root, p)));
    else if (kind.isFile()) out.push(p);
  }
  return out;
}
