// A case packed as a `.tar.gz` / `.tgz` (or plain `.tar`) archive, read without unpacking it to
// disk. One pass lists the entries and keeps each file's head (for recognition) and the whole of
// small files (snapshots); a large entry (a capture) is streamed by decompressing the archive
// again up to it, so memory stays bounded whatever the archive holds.

import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { basename } from 'node:path';
import { TarParser, type TarEvent } from './tar-parser.js';

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
  /** The first ARCHIVE_HEAD_BYTES bytes (fewer for a smaller file). */
  head: Uint8Array;
  /** The whole content when small enough to keep, else null (streamed on demand). */
  whole: Uint8Array | null;
}

export class ArchiveSource {
  private constructor(
    /** Absolute path of the archive file. */
    readonly path: string,
    readonly files: readonly ArchiveFile[],
  ) {}

  /** Lists the archive (one decompression pass). Throws on an unreadable or malformed archive. */
  static async open(path: string): Promise<ArchiveSource> {
    const files: ArchiveFile[] = [];
    let kept = 0;
    let current: { file: ArchiveFile; parts: Uint8Array[]; got: number; keepWhole: boolean } | null = null;
    const close = () => {
      if (current === null) return;
      const all = Buffer.concat(current.parts);
      current.file.head = all.subarray(0, Math.min(all.length, ARCHIVE_HEAD_BYTES));
      current.file.whole = current.keepWhole ? all : null;
      current = null;
    };
    let ordinal = 0;
    for await (const event of readTarEvents(path)) {
      if (event.kind === 'entry') {
        close();
        const { name, type, size } = event.entry;
        const index = ordinal++;
        if (type !== 'file' || isHiddenPath(name)) continue;
        const keepWhole = size <= KEEP_WHOLE_BYTES && kept + size <= KEEP_TOTAL_BYTES;
        if (keepWhole) kept += size;
        const file: ArchiveFile = { name, size, ordinal: index, head: new Uint8Array(0), whole: null };
        files.push(file);
        current = { file, parts: [], got: 0, keepWhole };
      } else if (event.kind === 'data' && current !== null) {
        const limit = current.keepWhole ? current.file.size : ARCHIVE_HEAD_BYTES;
        if (current.got < limit) {
          const take = event.bytes.subarray(0, Math.min(event.bytes.length, limit - current.got));
          current.parts.push(Buffer.from(take)); // a copy: the event's bytes are borrowed
          current.got += take.length;
        }
      }
    }
    close();
    return new ArchiveSource(path, files);
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

/** The archive's tar events, decompressing when it starts with the gzip magic. */
async function* readTarEvents(path: string): AsyncGenerator<TarEvent> {
  const parser = new TarParser();
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
