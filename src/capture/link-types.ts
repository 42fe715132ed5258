// Link-layer header types (LINKTYPE_ values) as stored in pcap file headers and pcapng Interface
// Description Blocks. Source: tcpdump.org/linktypes.html. Only the low 16 bits are the type; the
// pcap header's upper bits (FCS length, reserved) are masked off by the reader before lookup.

export interface LinkTypeInfo {
  code: number;
  /** LINKTYPE_ name without the prefix, e.g. `EN10MB`, `LINUX_SLL2`. */
  name: string;
  description: string;
}

// [code, name, description]; the ones natpath decodes come first, then the rest by number.
const TABLE: ReadonlyArray<readonly [number, string, string]> = [
  [1, 'EN10MB', 'Ethernet'],
  [113, 'LINUX_SLL', 'Linux cooked capture v1'],
  [276, 'LINUX_SLL2', 'Linux cooked capture v2'],
  [101, 'RAW', 'Raw IP'],
  [228, 'IPV4', 'Raw IPv4'],
  [229, 'IPV6', 'Raw IPv6'],
  [0, 'NULL', 'BSD loopback (host-order address family)'],
  [108, 'LOOP', 'OpenBSD loopback (network-order address family)'],
  // DLT_RAW is 12 on most systems and 14 on BSD/OS and OpenBSD; old files carry those numbers.
  [12, 'RAW', 'Raw IP (old DLT_RAW value 12; LOOP on OpenBSD)'],
  [14, 'RAW', 'Raw IP (old DLT_RAW value 14, BSD/OS and OpenBSD)'],

  [3, 'AX25', 'AX.25'],
  [6, 'IEEE802_5', 'Token Ring'],
  [7, 'ARCNET_BSD', 'ARCNET (BSD)'],
  [8, 'SLIP', 'SLIP'],
  [9, 'PPP', 'PPP'],
  [10, 'FDDI', 'FDDI'],
  [50, 'PPP_HDLC', 'PPP in HDLC-like framing'],
  [51, 'PPP_ETHER', 'PPPoE'],
  [100, 'ATM_RFC1483', 'RFC 1483 LLC/SNAP over ATM'],
  [104, 'C_HDLC', 'Cisco HDLC'],
  [105, 'IEEE802_11', 'IEEE 802.11'],
  [107, 'FRELAY', 'Frame Relay'],
  [114, 'LTALK', 'LocalTalk'],
  [117, 'PFLOG', 'OpenBSD pflog'],
  [119, 'IEEE802_11_PRISM', 'IEEE 802.11 with Prism header'],
  [122, 'IP_OVER_FC', 'IP over Fibre Channel'],
  [123, 'SUNATM', 'SunATM'],
  [127, 'IEEE802_11_RADIOTAP', 'IEEE 802.11 with radiotap header'],
  [129, 'ARCNET_LINUX', 'ARCNET (Linux)'],
  [137, 'JUNIPER_ATM1', 'Juniper ATM1'],
  [138, 'APPLE_IP_OVER_IEEE1394', 'Apple IP over IEEE 1394'],
  [139, 'MTP2_WITH_PHDR', 'SS7 MTP2 with pseudo-header'],
  [140, 'MTP2', 'SS7 MTP2'],
  [141, 'MTP3', 'SS7 MTP3'],
  [142, 'SCCP', 'SS7 SCCP'],
  [143, 'DOCSIS', 'DOCSIS MAC frames'],
  [144, 'LINUX_IRDA', 'Linux IrDA'],
  [163, 'IEEE802_11_AVS', 'IEEE 802.11 with AVS header'],
  [165, 'BACNET_MS_TP', 'BACnet MS/TP'],
  [166, 'PPP_PPPD', 'PPP (pppd)'],
  [169, 'GPRS_LLC', 'GPRS LLC'],
  [177, 'LINUX_LAPD', 'LAPD (Linux)'],
  [178, 'JUNIPER_ETHER', 'Juniper Ethernet'],
  [187, 'BLUETOOTH_HCI_H4', 'Bluetooth HCI UART'],
  [189, 'USB_LINUX', 'Linux USB'],
  [192, 'PPI', 'Per-Packet Information'],
  [195, 'IEEE802_15_4_WITHFCS', 'IEEE 802.15.4 with FCS'],
  [197, 'ERF', 'Endace ERF'],
  [201, 'BLUETOOTH_HCI_H4_WITH_PHDR', 'Bluetooth HCI UART with direction'],
  [209, 'IPMB_LINUX', 'IPMB (Linux)'],
  [215, 'IEEE802_15_4_NONASK_PHY', 'IEEE 802.15.4 with PHY'],
  [220, 'USB_LINUX_MMAPPED', 'Linux USB (memory-mapped)'],
  [224, 'FC_2', 'Fibre Channel FC-2'],
  [227, 'CAN_SOCKETCAN', 'SocketCAN'],
  [230, 'IEEE802_15_4_NOFCS', 'IEEE 802.15.4 without FCS'],
  [231, 'DBUS', 'D-Bus'],
  [235, 'DVB_CI', 'DVB-CI'],
  [239, 'NFLOG', 'Linux netfilter NFLOG'],
  [240, 'NETANALYZER', 'netANALYZER'],
  [242, 'IPOIB', 'IP over InfiniBand'],
  [243, 'MPEG_2_TS', 'MPEG-2 transport stream'],
  [247, 'INFINIBAND', 'InfiniBand'],
  [248, 'SCTP', 'SCTP'],
  [249, 'USBPCAP', 'USBPcap'],
  [251, 'BLUETOOTH_LE_LL', 'Bluetooth LE link layer'],
  [252, 'WIRESHARK_UPPER_PDU', 'Wireshark upper-layer PDU'],
  [253, 'NETLINK', 'Linux netlink'],
  [254, 'BLUETOOTH_LINUX_MONITOR', 'Bluetooth Linux monitor'],
  [256, 'BLUETOOTH_LE_LL_WITH_PHDR', 'Bluetooth LE link layer with pseudo-header'],
  [258, 'PKTAP', 'Apple PKTAP'],
  [259, 'EPON', 'Ethernet Passive Optical Network'],
  [263, 'WATTSTOPPER_DLM', 'WattStopper DLM'],
  [266, 'USB_DARWIN', 'USB (Darwin)'],
  [270, 'LORATAP', 'LoRaTap'],
  [271, 'VSOCK', 'Linux vsock'],
  [272, 'NORDIC_BLE', 'Nordic BLE sniffer'],
  [274, 'ETHERNET_MPACKET', 'IEEE 802.3br mPackets'],
  [281, 'DSA_TAG_BRCM', 'Broadcom DSA tag'],
  [282, 'DSA_TAG_BRCM_PREPEND', 'Broadcom DSA tag (prepended)'],
  [283, 'IEEE802_15_4_TAP', 'IEEE 802.15.4 TAP'],
  [284, 'DSA_TAG_DSA', 'Marvell DSA tag'],
  [285, 'DSA_TAG_EDSA', 'Marvell EDSA tag'],
  [290, 'ETW', 'Event Tracing for Windows'],
];

const BY_CODE = new Map<number, LinkTypeInfo>();
for (const [code, name, description] of TABLE) {
  if (!BY_CODE.has(code)) BY_CODE.set(code, { code, name, description });
}
for (let user = 0; user <= 15; user++) {
  BY_CODE.set(147 + user, { code: 147 + user, name: `USER${user}`, description: `private use ${user}` });
}

/** Well-known names used by other modules without repeating the numbers. */
export const LinkType = {
  NULL: 0,
  EN10MB: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** Name and description of a link type; unknown codes get `LINKTYPE_<code>`. */
export function describeLinkType(code: number): LinkTypeInfo {
  return BY_CODE.get(code) ?? { code, name: `LINKTYPE_${code}`, description: 'link type unknown to natpath' };
}

export function linkTypeName(code: number): string {
  return describeLinkType(code).name;
}
