// The 24-byte header of the captures the benchmarks write: pcap, little-endian, microseconds.

export function pcapFileHeader(linkType) {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(linkType, 20);
  return header;
}
