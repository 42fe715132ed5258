// Recognises one input file by its first bytes: a capture by its magic number, gzip by its own
// magic (then the decompressed head is recognised again), a text dump by its lines. Only the head
// is read, so recognising a 5 GB capture costs the same as a 5 KB dump.

import { open } from 'node:fs/promises';
import type { Gunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { sniffCaptureMagic } from '../capture/sniff.js';
import type { FileKind } from './file-kind.js';
import { cleanDumpText } from '../text/junk-lines.js';
import { recognizeText } from './recognize-text.js';
import { isCollectLog, isHostInfo } from './collector-files.js';

export const HEAD_BYTES = 64 * 1024;

export type Compression = 'gzip' | null;

export interface Recognition {
  kind: FileKind;
  compression: Compression;
  /** Why the file was not recognised, for users (only when kind is 'unrecognised'). */
  reason?: string;
  /** A doubt about a recognised file worth telling the user (e.g. an assumed address family). */
  note?: string;
}

export async function recognizeFile(path: string, size: number): Promise<Recognition> {
  if (size === 0) return { kind: 'unrecognised', compression: null, reason: 'empty file (0 bytes)' };
  const head = await readHead(path, HEAD_BYTES);
  if (isGzip(head)) {
    let inner: Uint8Array;
    try {
      inner = await readGunzippedHead(path, HEAD_BYTES);
    } catch (err) {
      return { kind: 'unrecognised', compression: 'gzip', reason: `gzip data that cannot be decompressed (${(err as Error).message})` };
    }
    if (inner.length === 0) return { kind: 'unrecognised', compression: 'gzip', reason: 'gzip file that decompresses to nothing' };
    const r = recognizeBytes(inner, false, basename(path));
    return { ...r, compression: 'gzip' };
  }
  return { ...recognizeBytes(head, head.length >= size, basename(path)), compression: null };
}

/**
 * The same decision from bytes already in memory (an entry of a case archive): `head` is the
 * start of a file of `size` bytes; a gzip head is decompressed only as far as HEAD_BYTES of
 * output (a 64 KiB head of zeros inflates to 64 MiB: decompressed whole, every such entry took
 * that much memory for a moment).
 */
export async function recognizeHead(head: Uint8Array, size: number, fileName: string): Promise<Recognition> {
  if (size === 0) return { kind: 'unrecognised', compression: null, reason: 'empty file (0 bytes)' };
  if (isGzip(head)) {
    let inner: Uint8Array;
    try {
      inner = await gunzipHead(head, HEAD_BYTES);
    } catch (err) {
      return { kind: 'unrecognised', compression: 'gzip', reason: `gzip data that cannot be decompressed (${(err as Error).message})` };
    }
    if (inner.length === 0) return { kind: 'unrecognised', compression: 'gzip', reason: 'gzip file that decompresses to nothing' };
    return { ...recognizeBytes(inner, false, fileName), compression: 'gzip' };
  }
  return { ...recognizeBytes(head, head.length >= size, fileName), compression: null };
}

/** `complete` says whether `bytes` is the whole file (a text dump's last line may be cut otherwise). */
export function recognizeBytes(bytes: Uint8Array, complete: boolean, fileName = ''): Omit<Recognition, 'compression'> {
  const magic = sniffCaptureMagic(bytes);
  if (magic !== null) return { kind: magic.format };
  if (isGzip(bytes)) return { kind: 'unrecognised', reason: 'gzip inside gzip is not supported' };
  const textLength = complete ? bytes.length : lastNewline(bytes) + 1;
  if (!isLikelyText(bytes, textLength)) {
    return { kind: 'unrecognised', reason: `binary data, not a known capture format (first bytes: ${hexHead(bytes)})` };
  }
  // Junk lines (merge markers, NUL, 0xff) and colour codes do not decide what a dump is.
  const text = cleanDumpText(Buffer.from(bytes.buffer, bytes.byteOffset, textLength).toString('utf8'), fileName).text;
  if (isHostInfo(text)) return { kind: 'host-info' };
  // A script (`#!/bin/sh`) may quote rules or routes in a here-document; it is no dump of them.
  if (text.startsWith('#!')) return { kind: 'unrecognised', reason: `a script (${text.slice(0, text.indexOf('\n') >>> 0).slice(0, 40)}), not a dump` };
  const r = recognizeText(text, complete, fileName);
  // The collector's log quotes tools' stderr; it is a log only when no dump recognises it.
  if (r.kind === 'unrecognised' && isCollectLog(text)) return { kind: 'collect-log' };
  if (r.kind === 'unrecognised') return { kind: 'unrecognised', reason: r.reason };
  return r.note === undefined ? { kind: r.kind } : { kind: r.kind, note: r.note };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function lastNewline(bytes: Uint8Array): number {
  // Buffer's lastIndexOf is memrchr; Uint8Array's is ~20× slower (160 µs per 64 KiB head).
  const i = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).lastIndexOf(10);
  return i === -1 ? bytes.length - 1 : i;
}

/**
 * Text dumps are ASCII/UTF-8 with hardly any control characters: a stray NUL or 0xff in a pasted
 * dump is a junk line (src/text/junk-lines.ts), not a binary file; colour codes' ESC are allowed.
 */
function isLikelyText(bytes: Uint8Array, length: number): boolean {
  if (length <= 0) return false;
  let control = 0;
  let newlines = 0;
  for (let i = 0; i < length; i++) {
    const b = bytes[i]!;
    if (b === 10) newlines++;
    else if (b < 32 && b !== 9 && b !== 13 && b !== 27) control++;
  }
  return control * 100 < length && (newlines > 0 || control === 0);
}

function hexHead(bytes: Uint8Array): string {
  const n = Math.min(8, bytes.length);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(bytes[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ');
}

async function readHead(path: string, maxBytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(maxBytes);
    let filled = 0;
    while (filled < maxBytes) {
      const { bytesRead } = await handle.read(buf, filled, maxBytes - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Decompresses only as much of the file as needed for `maxBytes` of output, then stops reading it. */
async function readGunzippedHead(path: string, maxBytes: number): Promise<Uint8Array> {
  const { createGunzip } = await loadZlib();
  const source = createReadStream(path, { highWaterMark: 64 * 1024 });
  const gunzip = createGunzip({ chunkSize: GUNZIP_HEAD_CHUNK_BYTES });
  source.pipe(gunzip);
  return firstBytesOf(gunzip, maxBytes, source);
}

/**
 * The first `maxBytes` that `head` (the start of a gzip file) decompresses to. Z_SYNC_FLUSH: a
 * head cut mid-stream yields what it holds instead of an "unexpected end" error.
 */
async function gunzipHead(head: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const { createGunzip, constants } = await loadZlib();
  const gunzip = createGunzip({ chunkSize: GUNZIP_HEAD_CHUNK_BYTES, finishFlush: constants.Z_SYNC_FLUSH });
  gunzip.end(head);
  return firstBytesOf(gunzip, maxBytes, null);
}

/** node:zlib, loaded for gzip files only: importing it costs every run a few ms of CPU (docs/performance.md). */
function loadZlib(): Promise<typeof import('node:zlib')> {
  return import('node:zlib');
}

/** Output of a head's decompression is taken in chunks this size, so it stops within one of the limit. */
const GUNZIP_HEAD_CHUNK_BYTES = 16 * 1024;

/**
 * Collects a gunzip stream's output until `maxBytes`, then destroys it (zlib stops between two
 * output chunks), so no more than `maxBytes` + one chunk is ever decompressed.
 */
function firstBytesOf(gunzip: Gunzip, maxBytes: number, source: Readable | null): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      source?.destroy();
      gunzip.destroy();
      const data = Buffer.concat(chunks).subarray(0, maxBytes);
      // A damaged stream still yields a usable head when some bytes came out before the damage.
      if (err && data.length === 0) reject(err);
      else resolve(data);
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= maxBytes) finish();
    });
    gunzip.on('end', () => finish());
    gunzip.on('error', (err) => finish(err));
    source?.on('error', (err) => finish(err));
  });
}
