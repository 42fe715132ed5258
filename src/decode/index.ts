// Public API of the packet decoder. Other modules import from here, not from the files behind it.

export { decodePacket, isLinkTypeSupported } from './decode-packet.js';
export { PacketView, NO_DECLARED_END } from './packet-view.js';
export {
  DecodeStatus,
  Reason,
  REASON_COUNT,
  listReasons,
  reasonName,
  reasonStatus,
} from './status.js';
export {
  Has,
  IpFlag,
  IpProto,
  MAX_DEPTH,
  SllPacketType,
  State,
  TcpFlag,
  Tunnel,
  protoName,
  tunnelName,
} from './layers.js';
export { fmix32, fmix32i, mix32, mix32i, murmur3 } from './fingerprint.js';
export { applyTunnelPorts, type TunnelPorts } from './tunnel-ports.js';
