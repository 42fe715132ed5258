// Writes tar bytes by hand for archives no honest tool makes: entries that climb out with `..`,
// names with line breaks, pax or GNU long-name headers that claim gigabytes. Headers are ustar
// with a correct checksum, so only the crafted part is wrong.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';

const BLOCK = 512;

export interface TarRecord {
  name: string;
  /** Type flag: '0' file, '5' directory, 'x' pax header, 'L' GNU long name. */
  type?: string;
  /** Size written in the header (may differ from the data given). */
  size?: number;
  data?: Uint8Array;
}

export function tarHeader(name: string, size: number, type = '0'): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function padding(n: number): Buffer {
  return Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);
}

/** The tar bytes of these records, with the two zero blocks that end an archive unless `end` is false. */
export function tarBytes(records: TarRecord[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    const data = Buffer.from(r.data ?? new Uint8Array(0));
    parts.push(tarHeader(r.name, r.size ?? data.length, r.type ?? '0'), data, padding(data.length));
  }
  if (end) parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/**
 * Streams a gzip'd tar to `path` made of `parts`, each either bytes or a run of `zeros` bytes
 * (written in 1 MiB pieces, so a gigabyte-sized entry never sits in memory here either).
 */
export async function writeGzipTar(path: string, parts: Array<Uint8Array | { zeros: number }>): Promise<void> {
  const gz = createGzip({ level: 1 });
  const out = createWriteStream(path);
  gz.pipe(out);
  const zeros = Buffer.alloc(1024 * 1024);
  for (const p of parts) {
    if (p instanceof Uint8Array) {
      if (!gz.write(p)) await once(gz, 'drain');
      continue;
    }
    for (let left = p.zeros; left > 0; left -= zeros.length) {
      if (!gz.write(zeros.subarray(0, Math.min(left, zeros.length)))) await once(gz, 'drain');
    }
  }
  gz.end();
  await once(out, 'close');
}
