// The kinds of input file natpath understands, and how each is shown to users.

export type CaptureKind = 'pcap' | 'pcapng';

export type SnapshotKind =
  | 'iptables-save'
  | 'ip6tables-save'
  | 'ip-route'
  | 'ip-route-json'
  | 'ip-rule'
  | 'ip-rule-json'
  | 'ip-addr'
  | 'ip-addr-json'
  | 'ip-link'
  | 'ip-link-json'
  | 'conntrack'
  | 'nft-ruleset'
  | 'nft-ruleset-json'
  | 'ipset-save'
  | 'ipset-list'
  | 'ipvsadm';

/** `natpath collect`'s own files: its log and the host's identity (collector-files.ts). */
export type CollectorKind = 'collect-log' | 'host-info';

export type FileKind = CaptureKind | SnapshotKind | CollectorKind | 'unrecognised';

export const FILE_KIND_LABELS: Record<FileKind, string> = {
  pcap: 'pcap capture',
  pcapng: 'pcapng capture',
  'iptables-save': 'iptables-save',
  'ip6tables-save': 'ip6tables-save',
  'ip-route': 'ip route',
  'ip-route-json': 'ip -j route',
  'ip-rule': 'ip rule',
  'ip-rule-json': 'ip -j rule',
  'ip-addr': 'ip addr',
  'ip-addr-json': 'ip -j addr',
  'ip-link': 'ip link',
  'ip-link-json': 'ip -j link',
  conntrack: 'conntrack -L',
  'nft-ruleset': 'nft list ruleset',
  'nft-ruleset-json': 'nft -j list ruleset',
  'ipset-save': 'ipset save',
  'ipset-list': 'ipset list',
  ipvsadm: 'ipvsadm -Ln',
  'collect-log': 'natpath collect log',
  'host-info': 'natpath collect host info',
  unrecognised: 'unrecognised',
};

export function isCaptureKind(kind: FileKind): kind is CaptureKind {
  return kind === 'pcap' || kind === 'pcapng';
}

export function isCollectorKind(kind: FileKind): kind is CollectorKind {
  return kind === 'collect-log' || kind === 'host-info';
}

export function isSnapshotKind(kind: FileKind): kind is SnapshotKind {
  return kind !== 'unrecognised' && !isCaptureKind(kind) && !isCollectorKind(kind);
}
