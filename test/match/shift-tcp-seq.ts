// Test tooling: copies a real capture as a sequence-randomising middlebox (a firewall, a TCP
// proxy) would have passed it on: every TCP segment toward `serverPort` has its sequence number
// moved by `delta`, every segment back has its acknowledgement moved likewise. natpath's own
// reader and decoder find the TCP headers; the copy is rewritten in place (checksums untouched:
// natpath does not verify them).

import { readFileSync, writeFileSync } from 'node:fs';
import { readCaptureFile } from '../../src/capture/index.js';
import { Has, PacketView, decodePacket } from '../../src/decode/index.js';

export async function writeSeqShiftedCapture(source: string, target: string, serverPort: number, delta: number): Promise<number> {
  const copy = Buffer.from(readFileSync(source));
  if (copy.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('little-endian µs pcap only');
  const view = new PacketView();
  let shifted = 0;
  await readCaptureFile(source, (r) => {
    decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
    const d = view.flowDepth;
    if (d < 0 || view.l4ProtoAt(d) !== 6 || !view.hasField(d, Has.TCP_SEQ)) return;
    // The TCP header's place in the file: record header (16 bytes) + offset within the frame.
    const tcp = r.fileOffset + 16 + (view.l4Off[d]! - r.dataOffset);
    if (view.dstPort[d] === serverPort) copy.writeUInt32BE((copy.readUInt32BE(tcp + 4) + delta) >>> 0, tcp + 4);
    else if (view.srcPort[d] === serverPort) copy.writeUInt32BE((copy.readUInt32BE(tcp + 8) + delta) >>> 0, tcp + 8);
    else return;
    shifted++;
  });
  writeFileSync(target, copy);
  return shifted;
}
