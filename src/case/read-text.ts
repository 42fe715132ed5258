// Reads a text snapshot whole (dumps are small next to captures), decompressing gzip when needed.

import { readFile } from 'node:fs/promises';
import type { Compression } from './recognize-file.js';

/** What a reader needs to know of a case file: where it is, or how to stream it (archive entries). */
export interface TextSource {
  path: string;
  compression: Compression;
  openStream?: () => AsyncIterable<Uint8Array>;
}

export async function readTextFile(path: string, compression: Compression): Promise<string> {
  const raw = await readFile(path);
  return (compression === 'gzip' ? await gunzip(raw) : raw).toString('utf8');
}

/** node:zlib is loaded for gzip only: importing it costs every run a few ms of CPU (docs/performance.md). */
async function gunzip(raw: Buffer): Promise<Buffer> {
  const { gunzipSync } = await import('node:zlib');
  return gunzipSync(raw);
}

/** Like readTextFile, for a case file wherever it lives (a file on disk or an entry of a case archive). */
export async function readCaseText(file: TextSource): Promise<string> {
  if (file.openStream === undefined) return readTextFile(file.path, file.compression);
  const parts: Uint8Array[] = [];
  for await (const chunk of file.openStream()) parts.push(Buffer.from(chunk));
  const raw = Buffer.concat(parts);
  return (file.compression === 'gzip' ? await gunzip(raw) : raw).toString('utf8');
}
