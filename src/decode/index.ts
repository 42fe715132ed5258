// Public API of the packet decoder. Other modules import from here, not from the files behind it.

export { decodePacket, firstLayerFor, isLinkTypeSupported } from './decode-packet.js';
export { PacketView, DecodeCounters, NO_DECLARED_END } from './packet-view.js';
export {
  DecodeStatus,
  Reason,
  REASON_COUNT,
  STATUS_NAMES,
  listReasons,
  reasonName,
  reasonStatus,
  reasonText,
  statusName,
} from './status.js';
export {
  EtherType,
  Has,
  IpFlag,
  IpProto,
  MAX_DEPTH,
  MAX_EXT_HEADERS,
  MAX_HEADERS,
  MAX_VLAN_TAGS,
  PAYLOAD_HASH_BYTES,
  SllPacketType,
  State,
  TcpFlag,
  Tunnel,
  UdpPortKind,
  protoName,
  tunnelName,
} from './layers.js';
export { fmix32, fmix32i, mix32, mix32i, murmur3 } from './fingerprint.js';
export { applyTunnelPorts, hasTunnelPorts, type TunnelPorts } from './tunnel-ports.js';
