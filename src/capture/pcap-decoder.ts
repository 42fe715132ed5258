// pcap (libpcap savefile) decoder. Reference: draft-ietf-opsawg-pcap, libpcap sf-pcap.c.
//
// File header (24 bytes)                  Record header (16 bytes; 24 in the modified format)
//  0 magic          a1b2c3d4 µs,            0 ts seconds
//                   a1b23c4d ns,            4 ts µs or ns
//                   a1b2cd34 modified       8 captured length
//  4 version major  6 version minor        12 original length
//  8 thiszone      12 sigfigs              (16 ifindex, 20 protocol, 22 pkt_type, 23 pad)
// 16 snaplen       20 link type (+ FCS/reserved bits above the low 16)
//
// The magic's byte order is the file's byte order. Zero bytes at a record boundary is a clean end.

import { MAX_RECORD_BYTES, Problem } from './capture-problems.js';
import { InterfaceState, type PacketRecord } from './packet-record.js';
import { NEED_MORE, STOP, type ReaderContext, type RecordDecoder } from './reader-context.js';
import { decimalResolution } from './timestamp.js';

const FileHeader = {
  MAGIC: 0,
  VERSION_MAJOR: 4,
  VERSION_MINOR: 6,
  SNAPLEN: 16,
  LINKTYPE: 20,
  LENGTH: 24,
} as const;

const RecordHeader = {
  TS_SECONDS: 0,
  TS_FRACTION: 4,
  CAP_LEN: 8,
  ORIG_LEN: 12,
  LENGTH: 16,
  MODIFIED_LENGTH: 24,
} as const;

export const PcapMagic = {
  MICROSECONDS: 0xa1b2c3d4,
  NANOSECONDS: 0xa1b23c4d,
  MODIFIED: 0xa1b2cd34,
} as const;

const LINKTYPE_MASK = 0x0000ffff;
const LINKTYPE_RESERVED_BITS = 0x03ff0000;

// libpcap: versions before 2.3 wrote caplen and len the other way round; some 2.3 files too.
const LengthOrder = { NORMAL: 0, SWAPPED: 1, MAYBE_SWAPPED: 2 } as const;
type LengthOrder = (typeof LengthOrder)[keyof typeof LengthOrder];

export class PcapDecoder implements RecordDecoder {
  need: number = FileHeader.LENGTH;
  gotPacket = false;
  pendingIsHeader = true;

  private headerDone = false;
  private le = true;
  private recordHeaderLength: number = RecordHeader.LENGTH;
  private unitsPerSecond = 1_000_000;
  private nanosPerUnit = 1_000;
  private snapLength = 0;
  private linkType = 0;
  private lengthOrder: LengthOrder = LengthOrder.NORMAL;
  private iface: InterfaceState | null = null;

  constructor(private readonly ctx: ReaderContext) {}

  read(buf: Uint8Array, view: DataView, pos: number, end: number, offset: number, out: PacketRecord): number {
    this.gotPacket = false;
    if (!this.headerDone) return this.readFileHeader(view, pos, end, offset);
    const hdrLen = this.recordHeaderLength;
    if (end - pos < hdrLen) {
      this.need = hdrLen;
      return NEED_MORE;
    }
    const le = this.le;
    let capLength = view.getUint32(pos + RecordHeader.CAP_LEN, le);
    let origLength = view.getUint32(pos + RecordHeader.ORIG_LEN, le);
    if (this.lengthOrder !== LengthOrder.NORMAL && (this.lengthOrder === LengthOrder.SWAPPED || capLength > origLength)) {
      const t = capLength;
      capLength = origLength;
      origLength = t;
    }
    if (capLength > MAX_RECORD_BYTES) {
      this.ctx.problems.report(Problem.PcapRecordTooLong, offset, capLength, MAX_RECORD_BYTES);
      return STOP;
    }
    const total = hdrLen + capLength;
    if (end - pos < total) {
      this.need = total;
      return NEED_MORE;
    }

    let seconds = view.getUint32(pos + RecordHeader.TS_SECONDS, le);
    let fraction = view.getUint32(pos + RecordHeader.TS_FRACTION, le);
    if (fraction >= this.unitsPerSecond) {
      this.ctx.problems.report(Problem.TimestampFractionOverflow, offset, fraction, this.unitsPerSecond);
      const carry = Math.floor(fraction / this.unitsPerSecond);
      seconds += carry;
      fraction -= carry * this.unitsPerSecond;
    }
    if (this.snapLength !== 0 && capLength > this.snapLength) {
      this.ctx.problems.report(Problem.CaplenOverSnaplen, offset, capLength, this.snapLength);
    }
    if (capLength > origLength) this.ctx.problems.report(Problem.CaplenOverOriglen, offset, capLength, origLength);

    out.fileOffset = offset;
    out.interfaceIndex = 0;
    out.interfaceId = 0;
    out.sectionIndex = 0;
    out.linkType = this.linkType;
    out.direction = 0;
    out.hasTimestamp = true;
    out.tsSeconds = seconds;
    out.tsFraction = fraction;
    out.tsUnitsPerSecond = this.unitsPerSecond;
    out.tsNanos = fraction * this.nanosPerUnit;
    out.capLength = capLength;
    out.origLength = origLength;
    out.data = buf;
    out.dataOffset = pos + hdrLen;
    this.iface!.info.packets++;
    this.gotPacket = true;
    return total;
  }

  private readFileHeader(view: DataView, pos: number, end: number, offset: number): number {
    if (end - pos < FileHeader.LENGTH) {
      this.need = FileHeader.LENGTH;
      return NEED_MORE;
    }
    const ctx = this.ctx;
    let magic = view.getUint32(pos + FileHeader.MAGIC, true);
    this.le = magic === PcapMagic.MICROSECONDS || magic === PcapMagic.NANOSECONDS || magic === PcapMagic.MODIFIED;
    if (!this.le) magic = view.getUint32(pos + FileHeader.MAGIC, false);
    const le = this.le;
    const major = view.getUint16(pos + FileHeader.VERSION_MAJOR, le);
    const minor = view.getUint16(pos + FileHeader.VERSION_MINOR, le);
    ctx.format = 'pcap';
    ctx.version = `${major}.${minor}`;
    if (le) ctx.sawLittleEndian = true;
    else ctx.sawBigEndian = true;
    // libpcap reads 2.0-2.4 and DG/UX's 543.0; Wireshark any 2.x. Later 2.x minors are read as 2.4.
    if (!(major === 2 || (major === 543 && minor === 0))) {
      ctx.problems.report(Problem.PcapUnsupportedVersion, offset + FileHeader.VERSION_MAJOR, major, minor);
      return STOP;
    }
    if (major === 2 && minor > 4) ctx.problems.report(Problem.PcapUnexpectedVersion, offset + FileHeader.VERSION_MAJOR, major, minor);
    if (major === 543 || minor < 3) this.lengthOrder = LengthOrder.SWAPPED;
    else if (minor === 3) this.lengthOrder = LengthOrder.MAYBE_SWAPPED;

    const nanos = magic === PcapMagic.NANOSECONDS;
    this.unitsPerSecond = nanos ? 1_000_000_000 : 1_000_000;
    this.nanosPerUnit = nanos ? 1 : 1_000;
    if (magic === PcapMagic.MODIFIED) {
      this.recordHeaderLength = RecordHeader.MODIFIED_LENGTH;
      ctx.problems.report(Problem.PcapModifiedFormat, offset);
    }

    this.snapLength = view.getUint32(pos + FileHeader.SNAPLEN, le);
    const rawLinkType = view.getUint32(pos + FileHeader.LINKTYPE, le);
    this.linkType = rawLinkType & LINKTYPE_MASK;
    if ((rawLinkType & LINKTYPE_RESERVED_BITS) !== 0) {
      ctx.problems.report(Problem.PcapLinktypeReservedBits, offset + FileHeader.LINKTYPE, rawLinkType, this.linkType);
    } else if (rawLinkType !== this.linkType) {
      ctx.problems.report(Problem.PcapLinktypeFcsBits, offset + FileHeader.LINKTYPE, rawLinkType, this.linkType);
    }

    this.iface = new InterfaceState({
      index: 0,
      id: 0,
      sectionIndex: 0,
      name: null,
      description: null,
      linkType: this.linkType,
      snapLength: this.snapLength,
      tsResolution: decimalResolution(nanos ? 9 : 6),
      tsOffsetSeconds: 0,
      timestampsUsable: true,
      packets: 0,
    });
    ctx.addInterface(this.iface);
    ctx.sections = 1;
    this.headerDone = true;
    this.pendingIsHeader = false;
    return FileHeader.LENGTH;
  }
}
