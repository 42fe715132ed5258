// Reads a text snapshot whole (dumps are small next to captures), decompressing gzip when needed.

import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Compression } from './recognize-file.js';

export async function readTextFile(path: string, compression: Compression): Promise<string> {
  const raw = await readFile(path);
  const bytes = compression === 'gzip' ? gunzipSync(raw) : raw;
  return bytes.toString('utf8');
}
