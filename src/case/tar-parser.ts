// A streaming tar reader (POSIX ustar + pax extended headers + GNU long names), in the style of a
// pull parser: `append(chunk)` then `next()` until it returns undefined ("need more bytes").
// Entry data is handed out as borrowed slices of the appended chunks, so a 2 GB capture inside
// an archive streams through without being held in memory.
//
// A tar stream is a sequence of 512-byte blocks:
//
//   [header 512 B][data, padded to 512 B] [header][data] … [512 zero bytes][512 zero bytes]
//
// Header fields used (offset, length): name 0/100, mode 100/8, size 124/12 (octal, or base-256
// when the top bit of the first byte is set), chksum 148/8, typeflag 156/1, magic 257/6
// ("ustar"), prefix 345/155 (ustar: the path is prefix + "/" + name).
// Type flags: '0' or NUL regular file, '5' directory, '1'/'2' links, 'x' pax header for the next
// entry, 'g' pax global header, 'L' GNU long name for the next entry.

const BLOCK = 512;
const FIELD = {
  name: [0, 100],
  size: [124, 12],
  checksum: [148, 8],
  type: [156, 1],
  magic: [257, 6],
  prefix: [345, 155],
} as const;

/**
 * Largest pax or GNU long-name header kept. Real ones hold a path (PATH_MAX is 4 096) and a few
 * attributes; a larger one is skipped unread — a crafted header may claim gigabytes.
 */
export const MAX_META_HEADER_BYTES = 1024 * 1024;

/** Something wrong that the parser stepped over (the archive goes on). */
export interface TarProblem {
  message: string;
  /** Byte offset of the header block in the tar stream. */
  offset: number;
}

export type TarEntryType = 'file' | 'directory' | 'link' | 'other';

export interface TarEntry {
  /** Path inside the archive, as stored (pax `path` or GNU long name when present). */
  name: string;
  type: TarEntryType;
  /** Data bytes of the entry (pax `size` when present). */
  size: number;
}

export type TarEvent =
  | { kind: 'entry'; entry: TarEntry }
  /** A slice of the current entry's data, borrowed: valid until the next `append`. */
  | { kind: 'data'; bytes: Uint8Array }
  | { kind: 'end' };

/** A malformed archive: says what was expected and where (byte offset of the block). */
export class TarFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset} of the tar stream)`);
    this.name = 'TarFormatError';
  }
}

export class TarParser {
  private chunk: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Bytes of a header block split across chunks. */
  private readonly headerBuf = new Uint8Array(BLOCK);
  private headerFill = 0;
  /** Bytes consumed before `chunk` (for error offsets). */
  private consumedBefore = 0;
  private state: 'header' | 'data' | 'padding' | 'meta' | 'end' = 'header';
  /** Data (or padding, or meta) bytes left in the current entry. */
  private left = 0;
  private metaKind: 'pax' | 'gnu-name' | 'skip' = 'skip';
  private metaParts: Uint8Array[] = [];
  private metaSize = 0;
  /** Zero bytes after the current entry's data, up to the next 512-byte boundary. */
  private padding = 0;
  private pendingName: string | null = null;
  private pendingSize: number | null = null;
  private zeroBlocks = 0;
  /** Problems stepped over so far (oversized meta headers). */
  readonly problems: TarProblem[] = [];

  append(chunk: Uint8Array): void {
    this.consumedBefore += this.pos;
    this.chunk = chunk;
    this.pos = 0;
  }

  /** The next event, or undefined when the appended bytes are used up. */
  next(): TarEvent | undefined {
    for (;;) {
      if (this.state === 'end') return { kind: 'end' };
      const avail = this.chunk.length - this.pos;
      if (this.state === 'data') {
        if (this.left === 0) {
          this.startPadding();
          continue;
        }
        if (avail === 0) return undefined;
        const n = Math.min(avail, this.left);
        const bytes = this.chunk.subarray(this.pos, this.pos + n);
        this.pos += n;
        this.left -= n;
        return { kind: 'data', bytes };
      }
      if (this.state === 'padding' || this.state === 'meta') {
        if (this.left === 0) {
          if (this.state === 'meta') this.finishMeta();
          this.state = 'header';
          continue;
        }
        if (avail === 0) return undefined;
        const n = Math.min(avail, this.left);
        if (this.state === 'meta' && this.metaKind !== 'skip') this.metaParts.push(this.chunk.slice(this.pos, this.pos + n));
        this.pos += n;
        this.left -= n;
        continue;
      }
      // state === 'header'
      if (avail === 0) return undefined;
      const n = Math.min(avail, BLOCK - this.headerFill);
      this.headerBuf.set(this.chunk.subarray(this.pos, this.pos + n), this.headerFill);
      this.headerFill += n;
      this.pos += n;
      if (this.headerFill < BLOCK) return undefined;
      this.headerFill = 0;
      const event = this.readHeader(this.consumedBefore + this.pos - BLOCK);
      if (event !== null) return event;
    }
  }

  /** Call at the end of the stream: a cut archive is an error, a missing end marker is tolerated. */
  finish(): void {
    if (this.state === 'end' || (this.state === 'header' && this.headerFill === 0)) return;
    throw new TarFormatError('the archive ends inside an entry (truncated download or copy?)', this.consumedBefore + this.pos);
  }

  private readHeader(offset: number): TarEvent | null {
    const h = this.headerBuf;
    if (h.every((b) => b === 0)) {
      // Two zero blocks end the archive; one is tolerated (some writers stop there).
      if (++this.zeroBlocks >= 2) this.state = 'end';
      return null;
    }
    this.zeroBlocks = 0;
    if (!checksumMatches(h)) {
      throw new TarFormatError('expected a tar header block, found bytes whose checksum does not match (not a tar archive, or damaged)', offset);
    }
    const size = readSize(h, offset);
    const type = String.fromCharCode(h[FIELD.type[0]]!);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      this.metaKind = type === 'x' ? 'pax' : type === 'L' ? 'gnu-name' : 'skip';
      if (this.metaKind !== 'skip' && size > MAX_META_HEADER_BYTES) {
        this.problems.push({
          message: `a ${type === 'x' ? 'pax' : 'GNU long-name'} header of ${size} bytes (more than ${MAX_META_HEADER_BYTES}) was skipped unread; the next entry keeps its own name`,
          offset,
        });
        this.metaKind = 'skip';
      }
      this.metaParts = [];
      this.state = 'meta';
      this.left = roundUp(size);
      this.metaSize = size;
      return null;
    }
    let name = this.pendingName ?? headerName(h);
    const dataSize = this.pendingSize ?? size;
    this.pendingName = null;
    this.pendingSize = null;
    if (name.startsWith('./')) name = name.slice(2);
    const entryType: TarEntryType =
      type === '0' || type === '\0' || type === '7' ? 'file' : type === '5' ? 'directory' : type === '1' || type === '2' ? 'link' : 'other';
    // Links and directories carry no data, whatever their size field says.
    const carried = entryType === 'file' || entryType === 'other' ? dataSize : 0;
    this.state = 'data';
    this.left = carried;
    this.padding = roundUp(carried) - carried;
    return { kind: 'entry', entry: { name, type: entryType, size: carried } };
  }

  private startPadding(): void {
    this.state = 'padding';
    this.left = this.padding;
    this.padding = 0;
  }

  private finishMeta(): void {
    if (this.metaKind === 'skip') return;
    const all = Buffer.concat(this.metaParts).subarray(0, this.metaSize);
    this.metaParts = [];
    if (this.metaKind === 'gnu-name') {
      this.pendingName = cString(all);
      return;
    }
    // pax records: "<length> <key>=<value>\n", length counting the whole record.
    let at = 0;
    while (at < all.length) {
      const space = all.indexOf(0x20, at);
      if (space < 0) break;
      const length = Number(all.subarray(at, space).toString('ascii'));
      if (!Number.isInteger(length) || length <= 0 || at + length > all.length) break;
      const record = all.subarray(space + 1, at + length - 1).toString('utf8');
      const eq = record.indexOf('=');
      if (eq > 0) {
        const key = record.slice(0, eq);
        const value = record.slice(eq + 1);
        if (key === 'path') this.pendingName = value;
        else if (key === 'size' && /^\d+$/.test(value)) this.pendingSize = Number(value);
      }
      at += length;
    }
  }
}

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return Buffer.from(bytes.buffer, bytes.byteOffset, nul < 0 ? bytes.length : nul).toString('utf8');
}

function field(h: Uint8Array, [off, len]: readonly [number, number]): Uint8Array {
  return h.subarray(off, off + len);
}

function headerName(h: Uint8Array): string {
  const name = cString(field(h, FIELD.name));
  const isUstar = cString(field(h, FIELD.magic)).startsWith('ustar');
  const prefix = isUstar ? cString(field(h, FIELD.prefix)) : '';
  return prefix !== '' ? `${prefix}/${name}` : name;
}

function readSize(h: Uint8Array, offset: number): number {
  const f = field(h, FIELD.size);
  if ((f[0]! & 0x80) !== 0) {
    // GNU base-256 for sizes ≥ 8 GiB: big-endian, top bit of the first byte is the marker.
    let v = f[0]! & 0x7f;
    for (let i = 1; i < f.length; i++) v = v * 256 + f[i]!;
    if (!Number.isSafeInteger(v)) throw new TarFormatError('entry size beyond 2^53 bytes', offset);
    return v;
  }
  const text = cString(f).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`expected an octal size field, found "${text}"`, offset);
  return parseInt(text, 8);
}

/** The header checksum: the byte sum with the checksum field itself counted as spaces. */
function checksumMatches(h: Uint8Array): boolean {
  const stored = parseInt(cString(field(h, FIELD.checksum)).trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let unsigned = 0;
  for (let i = 0; i < BLOCK; i++) {
    unsigned += i >= FIELD.checksum[0] && i < FIELD.checksum[0] + FIELD.checksum[1] ? 0x20 : h[i]!;
  }
  return unsigned === stored;
}
