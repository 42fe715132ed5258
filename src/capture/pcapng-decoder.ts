// pcapng decoder. Reference: draft-ietf-opsawg-pcapng; checks follow libpcap sf-pcapng.c read_block.
//
// Every block:  0 block type   4 total length   8 body …   total-4 total length again
//
// SHB 0x0A0D0D0A   8 byte-order magic 1A2B3C4D   12 major  14 minor  16 section length (8)  24 options
// IDB 1            8 link type (2)  10 reserved  12 snaplen   16 options
// EPB 6            8 interface id  12 ts high  16 ts low  20 captured len  24 original len  28 data
// PB  2 (obsolete) 8 interface id (2)  10 drops (2)  then as EPB
// SPB 3            8 original len  12 data (captured = min(original, snaplen of interface 0))
// ISB 5, NRB 4, DSB 10, custom 0xBAD / 0x40000BAD and unknown types are skipped by their length.
//
// Checks, in libpcap's order: minimum length, multiple of 4, sane maximum, (whole block present),
// trailer equals header. Failing one stops reading: the next block's position is unknown. Then,
// per block: fixed body present, known interface, captured length within the block — failing
// those skips only that block. Interface ids restart with every Section Header Block.

import { MAX_RECORD_BYTES, Problem } from './capture-problems.js';
import { InterfaceState, type PacketRecord } from './packet-record.js';
import { NEED_MORE, STOP, type ReaderContext, type RecordDecoder } from './reader-context.js';
import { MAX_SAFE_HIGH_WORD, decimalResolution, divideUint64, division, resolutionFromTsresol } from './timestamp.js';

export const BlockType = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 0x00000001,
  OBSOLETE_PACKET: 0x00000002,
  SIMPLE_PACKET: 0x00000003,
  NAME_RESOLUTION: 0x00000004,
  INTERFACE_STATISTICS: 0x00000005,
  ENHANCED_PACKET: 0x00000006,
  DECRYPTION_SECRETS: 0x0000000a,
  CUSTOM: 0x00000bad,
  CUSTOM_DO_NOT_COPY: 0x40000bad,
} as const;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const Block = { TYPE: 0, TOTAL_LENGTH: 4, BODY: 8, HEADER_AND_TRAILER: 12 } as const;
const Shb = { BYTE_ORDER_MAGIC: 8, MAJOR: 12, MINOR: 14, MIN_TOTAL: 28 } as const;
const Idb = { LINK_TYPE: 8, SNAP_LEN: 12, OPTIONS: 16, MIN_TOTAL: 20 } as const;
const Epb = { INTERFACE_ID: 8, TS_HIGH: 12, TS_LOW: 16, CAP_LEN: 20, ORIG_LEN: 24, DATA: 28, MIN_TOTAL: 32 } as const;
const Pb = { INTERFACE_ID: 8, TS_HIGH: 12, TS_LOW: 16, CAP_LEN: 20, ORIG_LEN: 24, DATA: 28, MIN_TOTAL: 32 } as const;
const Spb = { ORIG_LEN: 8, DATA: 12, MIN_TOTAL: 16 } as const;
/** Option code of `epb_flags`: bits 0-1 are the direction (1 inbound, 2 outbound). */
const EPB_FLAGS = 2;

const Option = { CODE: 0, LENGTH: 2, VALUE: 4 } as const;
const IdbOption = { END: 0, NAME: 2, DESCRIPTION: 3, TSRESOL: 9, TSOFFSET: 14 } as const;

const TWO_POW_32 = 4294967296;
const utf8 = new TextDecoder('utf-8');

export class PcapngDecoder implements RecordDecoder {
  need: number = Block.HEADER_AND_TRAILER;
  gotPacket = false;
  pendingIsHeader = true;

  private le = true;
  private sectionIndex = -1;
  /** Interfaces of the current section, by id. */
  private sectionInterfaces: InterfaceState[] = [];

  constructor(private readonly ctx: ReaderContext) {}

  read(buf: Uint8Array, view: DataView, pos: number, end: number, offset: number, out: PacketRecord): number {
    this.gotPacket = false;
    const avail = end - pos;
    if (avail < Block.BODY) {
      this.need = Block.BODY;
      return NEED_MORE;
    }
    const problems = this.ctx.problems;
    let le = this.le;
    // The SHB type reads the same in both byte orders; its byte-order magic decides the section's order.
    const isSectionHeader = buf[pos] === 0x0a && buf[pos + 1] === 0x0d && buf[pos + 2] === 0x0d && buf[pos + 3] === 0x0a;
    if (isSectionHeader) {
      if (avail < Shb.BYTE_ORDER_MAGIC + 4) {
        this.need = Shb.BYTE_ORDER_MAGIC + 4;
        return NEED_MORE;
      }
      const magic = view.getUint32(pos + Shb.BYTE_ORDER_MAGIC, true);
      if (magic === BYTE_ORDER_MAGIC) le = true;
      else if (view.getUint32(pos + Shb.BYTE_ORDER_MAGIC, false) === BYTE_ORDER_MAGIC) le = false;
      else {
        problems.report(Problem.BadByteOrderMagic, offset + Shb.BYTE_ORDER_MAGIC, view.getUint32(pos + Shb.BYTE_ORDER_MAGIC, false));
        return STOP;
      }
    }
    const type = view.getUint32(pos + Block.TYPE, le);
    const total = view.getUint32(pos + Block.TOTAL_LENGTH, le);
    const minimum = isSectionHeader ? Shb.MIN_TOTAL : Block.HEADER_AND_TRAILER;
    if (total < minimum) {
      problems.report(Problem.BlockTooShort, offset, type, total, minimum);
      return STOP;
    }
    if (total % 4 !== 0) {
      problems.report(Problem.BlockMisaligned, offset, type, total);
      return STOP;
    }
    if (total > MAX_RECORD_BYTES) {
      problems.report(Problem.BlockTooLong, offset, type, total, MAX_RECORD_BYTES);
      return STOP;
    }
    if (avail < total) {
      this.need = total;
      return NEED_MORE;
    }
    const trailer = view.getUint32(pos + total - 4, le);
    if (trailer !== total) {
      problems.report(Problem.TrailerMismatch, offset, type, total, trailer);
      return STOP;
    }
    this.pendingIsHeader = false;

    const counts = this.ctx.blockCounts;
    switch (type) {
      case BlockType.ENHANCED_PACKET:
        counts.enhancedPacket++;
        return this.readEnhancedPacket(buf, view, pos, total, offset, out, false);
      case BlockType.SIMPLE_PACKET:
        counts.simplePacket++;
        return this.readSimplePacket(buf, view, pos, total, offset, out);
      case BlockType.OBSOLETE_PACKET:
        counts.obsoletePacket++;
        return this.readEnhancedPacket(buf, view, pos, total, offset, out, true);
      case BlockType.INTERFACE_DESCRIPTION:
        counts.interfaceDescription++;
        this.readInterfaceDescription(buf, view, pos, total, offset);
        return total;
      case BlockType.SECTION_HEADER:
        counts.sectionHeader++;
        return this.readSectionHeader(view, pos, total, offset, le);
      case BlockType.INTERFACE_STATISTICS:
        counts.interfaceStatistics++;
        return total;
      case BlockType.NAME_RESOLUTION:
        counts.nameResolution++;
        return total;
      case BlockType.DECRYPTION_SECRETS:
        counts.decryptionSecrets++;
        return total;
      case BlockType.CUSTOM:
      case BlockType.CUSTOM_DO_NOT_COPY:
        counts.custom++;
        this.ctx.customBlocks++;
        return total;
      default:
        counts.other++;
        return total;
    }
  }

  private readSectionHeader(view: DataView, pos: number, total: number, offset: number, le: boolean): number {
    const ctx = this.ctx;
    const major = view.getUint16(pos + Shb.MAJOR, le);
    const minor = view.getUint16(pos + Shb.MINOR, le);
    if (ctx.version === null) ctx.version = `${major}.${minor}`;
    // libpcap accepts 1.0 and 1.2 (written by some tools; same layout).
    if (!(major === 1 && (minor === 0 || minor === 2))) {
      ctx.problems.report(Problem.PcapngUnsupportedVersion, offset + Shb.MAJOR, major, minor);
      return STOP;
    }
    this.le = le;
    if (le) ctx.sawLittleEndian = true;
    else ctx.sawBigEndian = true;
    ctx.format = 'pcapng';
    ctx.sections++;
    this.sectionIndex++;
    this.sectionInterfaces = [];
    return total;
  }

  private readInterfaceDescription(buf: Uint8Array, view: DataView, pos: number, total: number, offset: number): void {
    const problems = this.ctx.problems;
    const le = this.le;
    if (total < Idb.MIN_TOTAL) {
      problems.report(Problem.BlockBodyTooShort, offset, BlockType.INTERFACE_DESCRIPTION, total - Block.HEADER_AND_TRAILER, Idb.MIN_TOTAL - Block.HEADER_AND_TRAILER);
      return;
    }
    let name: string | null = null;
    let description: string | null = null;
    let tsOffsetSeconds = 0;
    let timestampsUsable = true;
    let resolution = decimalResolution(6);

    const optionsEnd = pos + total - 4;
    let p = pos + Idb.OPTIONS;
    while (p + Option.VALUE <= optionsEnd) {
      const code = view.getUint16(p + Option.CODE, le);
      const length = view.getUint16(p + Option.LENGTH, le);
      if (code === IdbOption.END) break;
      const value = p + Option.VALUE;
      if (value + length > optionsEnd) {
        problems.report(Problem.BadOption, offset + (p - pos), code, BlockType.INTERFACE_DESCRIPTION, length);
        break;
      }
      switch (code) {
        case IdbOption.NAME:
          name = decodeOptionString(buf, value, length);
          break;
        case IdbOption.DESCRIPTION:
          description = decodeOptionString(buf, value, length);
          break;
        case IdbOption.TSRESOL:
          if (length !== 1) {
            problems.report(Problem.BadOptionLength, offset + (p - pos), code, length, 1);
            break;
          }
          {
            const tsresol = buf[value]!;
            const r = resolutionFromTsresol(tsresol);
            if (r === null) {
              problems.report(Problem.BadTsresol, offset + (p - pos), tsresol);
              timestampsUsable = false;
            } else {
              resolution = r;
              if (r.reduced) problems.report(Problem.TsresolReduced, offset + (p - pos), r.exponent, r.base);
            }
          }
          break;
        case IdbOption.TSOFFSET: {
          if (length !== 8) {
            problems.report(Problem.BadOptionLength, offset + (p - pos), code, length, 8);
            break;
          }
          // Signed 64-bit seconds: the high word is signed.
          const low = view.getUint32(value + (le ? 0 : 4), le);
          const high = view.getInt32(value + (le ? 4 : 0), le);
          if (high > MAX_SAFE_HIGH_WORD || high < -MAX_SAFE_HIGH_WORD - 1) {
            problems.report(Problem.BadTsoffset, offset + (p - pos));
          } else {
            tsOffsetSeconds = high * TWO_POW_32 + low;
          }
          break;
        }
        default:
          break;
      }
      p = value + ((length + 3) & ~3);
    }

    const id = this.sectionInterfaces.length;
    const state = new InterfaceState({
      index: this.ctx.interfaces.length,
      id,
      sectionIndex: this.sectionIndex,
      name,
      description,
      linkType: view.getUint16(pos + Idb.LINK_TYPE, le),
      snapLength: view.getUint32(pos + Idb.SNAP_LEN, le),
      tsResolution: resolution,
      tsOffsetSeconds,
      timestampsUsable,
      packets: 0,
    });
    this.sectionInterfaces.push(state);
    this.ctx.addInterface(state);
  }

  /** Enhanced Packet Block, or the obsolete Packet Block (16-bit interface id, same offsets). */
  private readEnhancedPacket(
    buf: Uint8Array,
    view: DataView,
    pos: number,
    total: number,
    offset: number,
    out: PacketRecord,
    obsolete: boolean,
  ): number {
    const problems = this.ctx.problems;
    const le = this.le;
    const type = obsolete ? BlockType.OBSOLETE_PACKET : BlockType.ENHANCED_PACKET;
    if (total < Epb.MIN_TOTAL) {
      problems.report(Problem.BlockBodyTooShort, offset, type, total - Block.HEADER_AND_TRAILER, Epb.MIN_TOTAL - Block.HEADER_AND_TRAILER);
      return total;
    }
    const interfaceId = obsolete ? view.getUint16(pos + Pb.INTERFACE_ID, le) : view.getUint32(pos + Epb.INTERFACE_ID, le);
    if (interfaceId >= this.sectionInterfaces.length) {
      problems.report(Problem.UnknownInterface, offset, interfaceId, this.sectionIndex, this.sectionInterfaces.length);
      return total;
    }
    const capLength = view.getUint32(pos + Epb.CAP_LEN, le);
    const room = total - Epb.MIN_TOTAL;
    if (capLength > room) {
      problems.report(Problem.CaplenOverBlock, offset, capLength, room);
      return total;
    }
    const origLength = view.getUint32(pos + Epb.ORIG_LEN, le);
    const iface = this.sectionInterfaces[interfaceId]!;
    this.setTimestamp(out, iface, view.getUint32(pos + Epb.TS_HIGH, le), view.getUint32(pos + Epb.TS_LOW, le), offset);
    const consumed = this.emit(iface, buf, pos + Epb.DATA, capLength, origLength, total, offset, out);
    out.direction = this.packetDirection(view, pos + Epb.DATA + ((capLength + 3) & ~3), pos + total - 4);
    return consumed;
  }

  /** The inbound/outbound bits of `epb_flags` (option 2, also the obsolete block's pack_flags), 0 when absent. */
  private packetDirection(view: DataView, optionsStart: number, optionsEnd: number): number {
    for (let p = optionsStart; p + Option.VALUE <= optionsEnd; ) {
      const code = view.getUint16(p + Option.CODE, this.le);
      const length = view.getUint16(p + Option.LENGTH, this.le);
      if (code === 0) break;
      if (code === EPB_FLAGS && length === 4 && p + Option.VALUE + 4 <= optionsEnd) return view.getUint32(p + Option.VALUE, this.le) & 3;
      p += Option.VALUE + ((length + 3) & ~3);
    }
    return 0;
  }

  private readSimplePacket(buf: Uint8Array, view: DataView, pos: number, total: number, offset: number, out: PacketRecord): number {
    const problems = this.ctx.problems;
    if (total < Spb.MIN_TOTAL) {
      problems.report(Problem.BlockBodyTooShort, offset, BlockType.SIMPLE_PACKET, total - Block.HEADER_AND_TRAILER, Spb.MIN_TOTAL - Block.HEADER_AND_TRAILER);
      return total;
    }
    if (this.sectionInterfaces.length === 0) {
      problems.report(Problem.UnknownInterface, offset, 0, this.sectionIndex, 0);
      return total;
    }
    const iface = this.sectionInterfaces[0]!;
    const origLength = view.getUint32(pos + Spb.ORIG_LEN, this.le);
    const snap = iface.info.snapLength;
    const capLength = snap !== 0 && origLength > snap ? snap : origLength;
    const room = total - Spb.MIN_TOTAL;
    if (capLength > room) {
      problems.report(Problem.CaplenOverBlock, offset, capLength, room);
      return total;
    }
    out.hasTimestamp = false;
    out.direction = 0;
    out.tsSeconds = 0;
    out.tsFraction = 0;
    out.tsNanos = 0;
    out.tsUnitsPerSecond = iface.scale.resolution.unitsPerSecond;
    return this.emit(iface, buf, pos + Spb.DATA, capLength, origLength, total, offset, out);
  }

  private emit(
    iface: InterfaceState,
    buf: Uint8Array,
    dataOffset: number,
    capLength: number,
    origLength: number,
    total: number,
    offset: number,
    out: PacketRecord,
  ): number {
    const info = iface.info;
    if (info.snapLength !== 0 && capLength > info.snapLength) {
      this.ctx.problems.report(Problem.CaplenOverSnaplen, offset, capLength, info.snapLength);
    }
    if (capLength > origLength) this.ctx.problems.report(Problem.CaplenOverOriglen, offset, capLength, origLength);
    out.fileOffset = offset;
    out.interfaceIndex = info.index;
    out.interfaceId = info.id;
    out.sectionIndex = info.sectionIndex;
    out.linkType = info.linkType;
    out.capLength = capLength;
    out.origLength = origLength;
    out.data = buf;
    out.dataOffset = dataOffset;
    info.packets++;
    this.gotPacket = true;
    return total;
  }

  /** Raw 64-bit unit count (high, low words) → seconds + fraction in the interface's units. */
  private setTimestamp(out: PacketRecord, iface: InterfaceState, high: number, low: number, offset: number): void {
    const scale = iface.scale;
    out.tsUnitsPerSecond = scale.resolution.unitsPerSecond;
    if (!iface.info.timestampsUsable) {
      out.hasTimestamp = false;
      out.tsSeconds = 0;
      out.tsFraction = 0;
      out.tsNanos = 0;
      return;
    }
    if (scale.preDivisor1 !== 1) {
      divideUint64(high, low, scale.preDivisor1);
      high = division.quotientHigh;
      low = division.quotientLow;
      if (scale.preDivisor2 !== 1) {
        divideUint64(high, low, scale.preDivisor2);
        high = division.quotientHigh;
        low = division.quotientLow;
      }
    }
    divideUint64(high, low, scale.resolution.unitsPerSecond);
    const seconds = division.quotientHigh * TWO_POW_32 + division.quotientLow + iface.info.tsOffsetSeconds;
    if (division.quotientHigh > MAX_SAFE_HIGH_WORD || !Number.isSafeInteger(seconds)) {
      this.ctx.problems.report(Problem.TimestampOutOfRange, offset);
      out.hasTimestamp = false;
      out.tsSeconds = 0;
      out.tsFraction = 0;
      out.tsNanos = 0;
      return;
    }
    const fraction = division.remainder;
    out.hasTimestamp = true;
    out.tsSeconds = seconds;
    out.tsFraction = fraction;
    out.tsNanos =
      scale.nanosPerUnit !== 0 ? fraction * scale.nanosPerUnit : Math.floor((fraction / scale.resolution.unitsPerSecond) * 1e9);
  }
}

/** Option strings are UTF-8, not NUL-terminated, though some writers add NULs: drop trailing ones. */
function decodeOptionString(buf: Uint8Array, start: number, length: number): string {
  let end = start + length;
  while (end > start && buf[end - 1] === 0) end--;
  return utf8.decode(buf.subarray(start, end));
}
