// Every problem the capture reader can report, each with its own stable code (Suricata-style event
// codes), and the log that folds repeats. The packet path reports a problem with a numeric id and
// numbers only; the sentence is written once, when the diagnostics are listed.

import type { Diagnostic } from '../text/diagnostic.js';
import { ProblemCollector } from '../text/problem-collector.js';
import { PROBLEM_CODES, type ProblemCode } from '../text/problem-codes.js';

/** Sane upper bound for one pcapng block or pcap record (libpcap starts its block limit here too). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const hex32 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

const COMPRESSIONS = ['zstd', 'bzip2', 'xz', 'gzip'];
const DECOMPRESS_HINTS = ['zstd -d', 'bunzip2', 'xz -d', 'natpath reads gzip files directly'];

interface ProblemSpec {
  /** Its severity is the registry's (src/text/problem-codes.ts). */
  code: ProblemCode;
  /** Sentence for a person: what was expected, what was found. a, b, c are the reported numbers. */
  describe(a: number, b: number, c: number, detail: string): string;
}

// Order is the ProblemId value; add at the end.
const SPECS = [
  {
    code: 'capture.empty',
    describe: () => 'empty file: expected a pcap or pcapng file header, found 0 bytes',
  },
  {
    code: 'capture.unknown-format',
    describe: (a) => `not a pcap or pcapng file: expected a capture magic number, found first bytes ${hex32(a)}`,
  },
  {
    code: 'capture.unsupported-compression',
    describe: (a) => `${COMPRESSIONS[a] ?? 'compressed'} data: natpath reads plain and gzip captures only (decompress first: ${DECOMPRESS_HINTS[a] ?? ''})`,
  },
  {
    code: 'capture.truncated',
    describe: (a, b) => `truncated dump file: the file header needs ${a} bytes, only ${b} were found`,
  },
  {
    code: 'capture.truncated',
    describe: (a, b) =>
      `truncated dump file: the record here needs ${a} bytes, only ${b} were found; every packet before it was kept`,
  },
  {
    code: 'capture.gzip-error',
    describe: (_a, _b, _c, detail) => `gzip stream cannot be fully decompressed (${detail}); packets before the damage were kept`,
  },
  {
    code: 'pcap.unsupported-version',
    describe: (a, b) => `unsupported pcap version ${a}.${b}: expected 2.x (or 543.0); stopped reading`,
  },
  {
    code: 'pcap.modified-format',
    describe: () =>
      'modified (Kuznetzov) pcap, magic 0xa1b2cd34: read with 24-byte record headers; their extra interface index, protocol and packet-type fields are ignored',
  },
  {
    code: 'pcap.linktype-reserved-bits',
    describe: (a, b) => `link-type field ${hex32(a)}: expected zero in the reserved bits 0x03ff0000; using the low 16 bits, link type ${b}`,
  },
  {
    code: 'pcap.linktype-fcs-bits',
    describe: (a, b) => `link-type field ${hex32(a)} carries FCS-length bits above the low 16; using link type ${b}`,
  },
  {
    code: 'pcap.record-too-long',
    describe: (a, b) => `record header says ${a} captured bytes, more than the sane maximum of ${b}; stopped reading here`,
  },
  {
    code: 'capture.caplen-over-snaplen',
    describe: (a, b) => `captured length ${a} is bigger than the interface's snapshot length ${b} (packet kept as captured)`,
  },
  {
    code: 'capture.caplen-over-origlen',
    describe: (a, b) => `captured length ${a} is bigger than the original length ${b} (packet kept as captured)`,
  },
  {
    code: 'capture.timestamp-fraction-overflow',
    describe: (a, b) => `timestamp fraction ${a} is not below ${b} units per second; carried into the seconds`,
  },
  {
    code: 'capture.timestamp-out-of-range',
    describe: () => 'timestamp does not fit in an exact double (beyond 2^53 seconds); packet kept without a timestamp',
  },
  {
    code: 'pcapng.block-too-short',
    describe: (a, b, c) => `block of type ${hex32(a)} has total length ${b}: expected at least ${c}; stopped reading here`,
  },
  {
    code: 'pcapng.block-misaligned',
    describe: (a, b) => `block of type ${hex32(a)} has total length ${b}: expected a multiple of 4; stopped reading here`,
  },
  {
    code: 'pcapng.block-too-long',
    describe: (a, b, c) => `block of type ${hex32(a)} has total length ${b}: expected at most ${c}; stopped reading here`,
  },
  {
    code: 'pcapng.trailer-mismatch',
    describe: (a, b, c) =>
      `block of type ${hex32(a)}: total length in header ${b} and trailer ${c} don't match; stopped reading here`,
  },
  {
    code: 'pcapng.bad-byte-order-magic',
    describe: (a) => `Section Header Block byte-order magic: expected 0x1a2b3c4d, found ${hex32(a)}; stopped reading here`,
  },
  {
    code: 'pcapng.unsupported-version',
    describe: (a, b) => `unsupported pcapng section version ${a}.${b}: expected 1.0 (or 1.2); stopped reading here`,
  },
  {
    code: 'pcapng.block-body-too-short',
    describe: (a, b, c) => `block of type ${hex32(a)} has a ${b}-byte body: expected at least ${c} bytes; block skipped`,
  },
  {
    code: 'pcapng.unknown-interface',
    describe: (a, b, c) =>
      `packet on interface ${a}, but section ${b} has ${c} Interface Description Block(s) before it; packet skipped`,
  },
  {
    code: 'pcapng.caplen-over-block',
    describe: (a, b) => `captured length ${a}: expected at most the ${b} bytes of packet data the block holds; packet skipped`,
  },
  {
    code: 'pcapng.bad-option',
    describe: (a, b, c) =>
      `option ${a} of a block of type ${hex32(b)} declares ${c} bytes, more than remain in the block; the rest of its options were ignored`,
  },
  {
    code: 'pcapng.bad-option-length',
    describe: (a, b, c) => `Interface Description Block option ${a}: expected length ${c}, found ${b}; option ignored`,
  },
  {
    code: 'pcapng.bad-tsresol',
    describe: (a) =>
      `if_tsresol ${hex32(a).slice(-2)} is finer than 10^-19 or 2^-63 s: expected a resolution that fits 64 bits; timestamps of this interface are ignored`,
  },
  {
    code: 'pcapng.tsresol-reduced',
    describe: (a, b) =>
      `timestamp resolution ${b === 2 ? '2^-' : '10^-'}${a} s is finer than natpath keeps: fractions kept to ${b === 2 ? '2^-32' : '10^-9'} s`,
  },
  {
    code: 'pcapng.bad-tsoffset',
    describe: () => 'if_tsoffset does not fit in an exact double: expected |offset| < 2^53 seconds; offset ignored',
  },
  {
    code: 'pcap.unexpected-version',
    describe: (a, b) => `pcap version ${a}.${b}: expected 2.0 to 2.4; read as 2.4 (the record layout has not changed since)`,
  },
] as const satisfies readonly ProblemSpec[];

/** Numeric ids of SPECS entries, so the packet path never handles strings. */
export const Problem = {
  Empty: 0,
  UnknownFormat: 1,
  UnsupportedCompression: 2,
  TruncatedHeader: 3,
  TruncatedRecord: 4,
  GzipError: 5,
  PcapUnsupportedVersion: 6,
  PcapModifiedFormat: 7,
  PcapLinktypeReservedBits: 8,
  PcapLinktypeFcsBits: 9,
  PcapRecordTooLong: 10,
  CaplenOverSnaplen: 11,
  CaplenOverOriglen: 12,
  TimestampFractionOverflow: 13,
  TimestampOutOfRange: 14,
  BlockTooShort: 15,
  BlockMisaligned: 16,
  BlockTooLong: 17,
  TrailerMismatch: 18,
  BadByteOrderMagic: 19,
  PcapngUnsupportedVersion: 20,
  BlockBodyTooShort: 21,
  UnknownInterface: 22,
  CaplenOverBlock: 23,
  BadOption: 24,
  BadOptionLength: 25,
  BadTsresol: 26,
  TsresolReduced: 27,
  BadTsoffset: 28,
  PcapUnexpectedVersion: 29,
} as const;
export type ProblemId = (typeof Problem)[keyof typeof Problem];

/** Every diagnostic code the capture reader emits (for docs and tests). */
export const CAPTURE_DIAGNOSTIC_CODES: readonly ProblemCode[] = [...new Set(SPECS.map((s) => s.code))];

/**
 * Folds repeated problems: one Diagnostic per problem kind, with the place and numbers of the
 * first occurrence and a count. Numbers only on the way in (the packet path cannot key a Map by
 * strings); text is made in `list()`, through the shared ProblemCollector.
 */
export class ProblemLog {
  private readonly counts = new Float64Array(SPECS.length);
  private readonly offsets = new Float64Array(SPECS.length);
  private readonly args = new Float64Array(SPECS.length * 3);
  private readonly details: string[] = new Array<string>(SPECS.length).fill('');
  /** Order in which problems were first seen, so the list reads like the file. */
  private readonly order: number[] = [];

  constructor(
    readonly file: string,
    /** Appended to messages with an offset, e.g. for gzip: offsets count decompressed bytes. */
    readonly offsetNote = '',
  ) {}

  report(problem: ProblemId, offset: number, a = 0, b = 0, c = 0, detail = ''): void {
    const seen = this.counts[problem]!;
    this.counts[problem] = seen + 1;
    if (seen !== 0) return;
    this.order.push(problem);
    this.offsets[problem] = offset;
    this.args[problem * 3] = a;
    this.args[problem * 3 + 1] = b;
    this.args[problem * 3 + 2] = c;
    this.details[problem] = detail;
  }

  hasErrors(): boolean {
    for (const p of this.order) if (PROBLEM_CODES[SPECS[p]!.code].severity === 'error') return true;
    return false;
  }

  list(): Diagnostic[] {
    const problems = new ProblemCollector(this.file);
    for (const p of this.order) {
      const spec: ProblemSpec = SPECS[p]!;
      const message = spec.describe(this.args[p * 3]!, this.args[p * 3 + 1]!, this.args[p * 3 + 2]!, this.details[p]!) + this.offsetNote;
      problems.report(spec.code, message, { offset: this.offsets[p]! }, { count: this.counts[p]! });
    }
    return problems.finish();
  }
}
