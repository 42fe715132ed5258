// The reusable packet record the reader fills (one per reader, never one per packet), and the
// capture interfaces packets refer to.

import type { TimestampResolution, TimestampScale } from './timestamp.js';
import { makeTimestampScale } from './timestamp.js';

const EMPTY = new Uint8Array(0);

/**
 * One packet, filled in place by `CaptureParser.next`. `data` is BORROWED: the bytes
 * data[dataOffset, dataOffset + capLength) are valid only until the next call on the parser (or
 * the next append of the caller's buffer). Use `viewData()` to borrow them as a subarray or
 * `copyData()` to keep them.
 */
export class PacketRecord {
  /** 1-based position among the packets of the file, in file order. */
  frameNumber = 0;
  /**
   * Custom blocks (pcapng 0x00000BAD / 0x40000BAD) seen before this packet. Wireshark 4.0 shows
   * those as frames, so its frame number is frameNumber + customBlocksBefore.
   */
  customBlocksBefore = 0;
  /** Byte offset of the record (pcap) or block (pcapng) in the file, or in the decompressed stream for gzip. */
  fileOffset = 0;
  /** Index into the reader's interface list (unique across pcapng sections). */
  interfaceIndex = 0;
  /** Interface id as the file states it (pcapng: within its section; pcap: 0). */
  interfaceId = 0;
  sectionIndex = 0;
  /** LINKTYPE_ value (low 16 bits). */
  linkType = 0;
  /** pcapng `epb_flags` direction: 0 not stated, 1 inbound, 2 outbound (pcap records: always 0). */
  direction = 0;
  /** False for pcapng Simple Packet Blocks and for timestamps that cannot be represented. */
  hasTimestamp = false;
  /** Whole seconds since the epoch (may be negative with a negative if_tsoffset). */
  tsSeconds = 0;
  /** Fraction of the second in units of 1/tsUnitsPerSecond: exact, the file's own precision. */
  tsFraction = 0;
  tsUnitsPerSecond = 1_000_000;
  /** The fraction in nanoseconds, rounded down (exact for µs and ns files). */
  tsNanos = 0;
  capLength = 0;
  origLength = 0;
  data: Uint8Array = EMPTY;
  dataOffset = 0;

  /** Borrowed view of the captured bytes (no copy; valid until the next parser call). */
  viewData(): Uint8Array {
    return this.data.subarray(this.dataOffset, this.dataOffset + this.capLength);
  }

  /** Owned copy of the captured bytes. */
  copyData(): Uint8Array {
    return this.data.slice(this.dataOffset, this.dataOffset + this.capLength);
  }
}

/** A capture interface: each pcapng Interface Description Block, or the single one of a pcap file. */
export interface CaptureInterface {
  /** Position in the reader's interface list, across all sections. */
  index: number;
  /** Interface id within its section (the number packets refer to); 0 for pcap. */
  id: number;
  sectionIndex: number;
  /** if_name / if_description options (pcapng), null when absent. */
  name: string | null;
  description: string | null;
  linkType: number;
  /** Snapshot length; 0 means "no limit" in pcapng. */
  snapLength: number;
  tsResolution: TimestampResolution;
  /** if_tsoffset: seconds added to every timestamp of this interface. */
  tsOffsetSeconds: number;
  /** False when the interface's timestamps cannot be interpreted (bad if_tsresol). */
  timestampsUsable: boolean;
  /** Packets read so far on this interface. */
  packets: number;
}

/** Reader-internal: an interface plus what the packet path needs to convert its timestamps. */
export class InterfaceState {
  readonly scale: TimestampScale;

  constructor(readonly info: CaptureInterface) {
    this.scale = makeTimestampScale(info.tsResolution);
  }
}
