// What the format decoders share with the parser: the problem log, the interface list, counters,
// and the contract every decoder's `read` follows.

import { ProblemLog } from './capture-problems.js';
import type { CaptureInterface, InterfaceState, PacketRecord } from './packet-record.js';

/** `read` returns a byte count (> 0) when it consumed a whole record, or one of these. */
export const NEED_MORE = -1;
/** A problem that makes the rest of the stream unreadable was reported; read no further. */
export const STOP = -2;

/**
 * A format decoder (pcap or pcapng). Like mcap's parser: `read` looks at the bytes
 * buf[pos, end), and either consumes one whole record (returning its length, with `gotPacket`
 * saying whether `out` now holds a packet) or changes nothing and asks for `need` bytes from pos.
 * Offsets are absolute within `buf`; `offset` is the stream offset of `pos`, for diagnostics.
 */
export interface RecordDecoder {
  /** After NEED_MORE: how many bytes from `pos` the pending record needs in total. */
  need: number;
  /** After a positive return: whether `out` was filled with a packet. */
  gotPacket: boolean;
  /** After NEED_MORE: whether the pending bytes are the file header (for the truncation message). */
  pendingIsHeader: boolean;
  read(buf: Uint8Array, view: DataView, pos: number, end: number, offset: number, out: PacketRecord): number;
}

export interface BlockCounts {
  sectionHeader: number;
  interfaceDescription: number;
  enhancedPacket: number;
  simplePacket: number;
  obsoletePacket: number;
  interfaceStatistics: number;
  nameResolution: number;
  decryptionSecrets: number;
  custom: number;
  other: number;
}

export class ReaderContext {
  readonly problems: ProblemLog;
  readonly interfaces: CaptureInterface[] = [];
  /** Same order as `interfaces`. */
  readonly interfaceStates: InterfaceState[] = [];
  format: 'pcap' | 'pcapng' | null = null;
  /** pcap header version, or the first pcapng section's version. */
  version: string | null = null;
  sections = 0;
  sawLittleEndian = false;
  sawBigEndian = false;
  /** pcapng custom blocks so far (Wireshark shows them as frames). */
  customBlocks = 0;
  readonly blockCounts: BlockCounts = {
    sectionHeader: 0,
    interfaceDescription: 0,
    enhancedPacket: 0,
    simplePacket: 0,
    obsoletePacket: 0,
    interfaceStatistics: 0,
    nameResolution: 0,
    decryptionSecrets: 0,
    custom: 0,
    other: 0,
  };

  constructor(file: string, offsetNote: string) {
    this.problems = new ProblemLog(file, offsetNote);
  }

  addInterface(state: InterfaceState): void {
    this.interfaces.push(state.info);
    this.interfaceStates.push(state);
  }

  byteOrder(): 'le' | 'be' | 'mixed' | null {
    if (this.sawLittleEndian && this.sawBigEndian) return 'mixed';
    if (this.sawLittleEndian) return 'le';
    if (this.sawBigEndian) return 'be';
    return null;
  }
}
