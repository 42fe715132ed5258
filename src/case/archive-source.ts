// A case packed as a `.tar.gz` / `.tgz` (or plain `.tar`) archive, read without unpacking it to
// disk. One pass lists the entries, hands each file's head to the caller (for recognition) and
// keeps the whole of small files (snapshots, 64 MiB in all); a large entry (a capture) is
// streamed by decompressing the archive again up to it. Memory stays bounded whatever the
// archive holds or claims (docs/limits.md): one head at a time, kept files capped in total,
// meta headers capped (tar-parser.ts), entries capped in number.

import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { basename } from 'node:path';
import type { ProblemCode } from '../text/problem-codes.js';
import { TarFormatError, TarParser, type TarEvent } from './tar-parser.js';

/** File names natpath reads as case archives. */
const ARCHIVE_NAME = /\.(tar\.gz|tgz|tar)$/i;

/** Bytes kept of every entry for recognising it (same as recognizeFile's head). */
export const ARCHIVE_HEAD_BYTES = 64 * 1024;
/** Entries up to this size are kept whole after the listing pass (snapshots are a few MB at most)… */
const KEEP_WHOLE_BYTES = 8 * 1024 * 1024;
/** …as long as all kept entries together stay under this. */
const KEEP_TOTAL_BYTES = 64 * 1024 * 1024;

export function isArchivePath(path: string): boolean {
  return ARCHIVE_NAME.test(path);
}

/** `cases/incident-42.tar.gz` → `incident-42`. */
export function archiveBaseName(path: string): string {
  return basename(path).replace(ARCHIVE_NAME, '');
}

export interface ArchiveFile {
  /** Path inside the archive, without a leading `./`. */
  name: string;
  size: number;
  /** Position among the archive's entries (names may repeat in a tar; this does not). */
  ordinal: number;
  /** The whole content when small enough to keep, else null (streamed on demand). */
  whole: Uint8Array | null;
}

/** An entry refused, or damage stepped over; the rest of the archive is still read. */
export interface ArchiveProblem {
  code: Extract<ProblemCode, `case.archive-${string}`>;
  message: string;
  /** Byte offset in the (decompressed) tar stream, when known. */
  offset: number | null;
}

/**
 * Entries listed per archive; a tar of empty entries could otherwise list millions. Each listed
 * file costs ~3 KB of memory through inspect's report: 100 000 took `inspect` to 457 MB (631 MB
 * as a table), over the 300 MB bound; 20 000 stay under it (docs/limits.md). A case holds tens.
 */
export const MAX_ARCHIVE_ENTRIES = 20_000;

/**
 * Called once per listed file with its first ARCHIVE_HEAD_BYTES: whatever the caller needs from
 * the head (its kind) is taken then, so heads are never all held at once.
 */
export type HeadReader = (file: ArchiveFile, head: Uint8Array) => void | Promise<void>;

export class ArchiveSource {
  private constructor(
    /** Absolute path of the archive file. */
    readonly path: string,
    readonly files: readonly ArchiveFile[],
    readonly problems: readonly ArchiveProblem[],
  ) {}

  /**
   * Lists the archive (one decompression pass). Entries whose path climbs out (`..`), is absolute
   * or holds control characters are refused; damage (a cut last entry, a bad header, corrupt
   * gzip) ends the listing there, keeping every complete entry before it. Throws only when the
   * file cannot be read or nothing at all could be listed.
   */
  static async open(path: string, readHead: HeadReader): Promise<ArchiveSource> {
    const files: ArchiveFile[] = [];
    const problems: ArchiveProblem[] = [];
    let kept = 0;
    // The entry being read: its bytes go straight into its own buffer when it is kept whole, else
    // its head into one buffer shared by all entries (the head reader keeps nothing of it).
    let current: { file: ArchiveFile; into: Buffer; got: number; received: number } | null = null;
    const sharedHead = Buffer.alloc(ARCHIVE_HEAD_BYTES);
    // Awaited before the next entry is read: the shared head is not overwritten under the reader.
    const close = async () => {
      if (current === null) return;
      const { file, into, got } = current;
      current = null;
      const bytes = into.subarray(0, got);
      if (into !== sharedHead) file.whole = bytes;
      await readHead(file, bytes.subarray(0, Math.min(bytes.length, ARCHIVE_HEAD_BYTES)));
      files.push(file);
    };
    let ordinal = 0;
    const parser = new TarParser();
    try {
      for await (const event of readTarEvents(path, parser)) {
        if (event.kind === 'entry') {
          await close();
          const { name, type, size } = event.entry;
          const index = ordinal++;
          if (type !== 'file' || isHiddenPath(name)) continue;
          const unsafe = unsafePathReason(name);
          if (unsafe !== null) {
            problems.push({ code: 'case.archive-unsafe-path', message: `entry ${JSON.stringify(name)} ${unsafe}: refused`, offset: null });
            continue;
          }
          if (files.length >= MAX_ARCHIVE_ENTRIES) {
            problems.push({ code: 'case.archive-too-many-entries', message: `more than ${MAX_ARCHIVE_ENTRIES} files: the rest of the archive was not listed`, offset: null });
            break;
          }
          const keepWhole = size <= KEEP_WHOLE_BYTES && kept + size <= KEEP_TOTAL_BYTES;
          if (keepWhole) kept += size;
          const file: ArchiveFile = { name, size, ordinal: index, whole: null };
          current = { file, into: keepWhole ? Buffer.allocUnsafe(size) : sharedHead, got: 0, received: 0 };
        } else if (event.kind === 'data' && current !== null) {
          current.received += event.bytes.length;
          // A copy: the event's bytes are borrowed.
          const take = Math.min(event.bytes.length, current.into.length - current.got);
          if (take > 0) current.into.set(event.bytes.subarray(0, take), current.got);
          current.got += take;
        }
      }
    } catch (err) {
      if (!isDamage(err)) throw err;
      // Damage spoils only the entry it falls in: complete entries before it are kept.
      const cut: { file: ArchiveFile; received: number } | null = current;
      if (cut !== null && cut.received < cut.file.size) {
        problems.push({ code: 'case.archive-damaged', message: `entry ${JSON.stringify(cut.file.name)} is cut short (${cut.received} of ${cut.file.size} bytes): not used`, offset: null });
        current = null;
      }
      if (files.length === 0 && current === null) throw err;
      problems.push({ code: 'case.archive-damaged', message: `the archive is damaged: ${(err as Error).message}; the entries before it are used`, offset: err instanceof TarFormatError ? err.offset : null });
    }
    await close();
    for (const p of parser.problems) problems.push({ code: 'case.archive-header-skipped', message: p.message, offset: p.offset });
    return new ArchiveSource(path, files, problems);
  }

  /** The bytes of one entry, as a stream of chunks (borrowed: use each before asking for the next). */
  async *stream(file: ArchiveFile): AsyncGenerator<Uint8Array> {
    if (file.whole !== null) {
      yield file.whole;
      return;
    }
    let ordinal = 0;
    let inside = false;
    for await (const event of readTarEvents(this.path)) {
      if (event.kind === 'entry') {
        if (inside) return;
        inside = ordinal++ === file.ordinal;
      } else if (event.kind === 'data' && inside) {
        yield event.bytes;
      }
    }
  }

  /** The whole content of one entry (for text dumps). */
  async readAll(file: ArchiveFile): Promise<Uint8Array> {
    if (file.whole !== null) return file.whole;
    const parts: Uint8Array[] = [];
    for await (const chunk of this.stream(file)) parts.push(Buffer.from(chunk));
    return Buffer.concat(parts);
  }
}

/** Hidden files and folders (`.DS_Store`, `._name` of macOS tar, `.git/`) are never inputs. */
function isHiddenPath(name: string): boolean {
  return name.split('/').some((part) => part.startsWith('.') && part !== '.' && part !== '..');
}

/**
 * Why an entry's path cannot be used, or null: it must stay inside the archive (no `..`, not
 * absolute) and every component must be printable, since folder names become host names.
 */
export function unsafePathReason(name: string): string | null {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return 'is an absolute path';
  const parts = name.split(/[\\/]/);
  if (parts.includes('..')) return 'climbs out of the archive with ".."';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'holds control characters (a line break, …)';
  return null;
}

/** Damage to the archive's bytes (as opposed to a file that cannot be opened). */
function isDamage(err: unknown): boolean {
  if (err instanceof TarFormatError) return true;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** The archive's tar events, decompressing when it starts with the gzip magic. */
async function* readTarEvents(path: string, parser = new TarParser()): AsyncGenerator<TarEvent> {
  for await (const chunk of readArchiveBytes(path)) {
    parser.append(chunk);
    for (let event = parser.next(); event !== undefined; event = parser.next()) {
      yield event;
      if (event.kind === 'end') return;
    }
  }
  parser.finish();
}

async function* readArchiveBytes(path: string): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  const magic = Buffer.alloc(2);
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const file = createReadStream(path, { highWaterMark: 1024 * 1024 });
  const gzip = magic[0] === 0x1f && magic[1] === 0x8b;
  // pipeline() destroys every stream on error, so a corrupt gzip ends the iteration with that error.
  const bytes = gzip ? pipeline(file, createGunzip({ chunkSize: 256 * 1024 }), () => {}) : file;
  try {
    for await (const chunk of bytes) yield chunk as Uint8Array;
  } finally {
    file.destroy();
    bytes.destroy();
  }
}
