// Fills a host's knowledge from its snapshots: addresses and interface names (`ip addr`/`ip link`,
// text or JSON), the cluster's internal ranges (pod bridges, overlay routes, KUBE-SERVICES and
// flannel rules), and `conntrack -L` entries. Parse problems are returned as diagnostics.

import type { CaseFile } from '../case/load-case.js';
import type { FileKind } from '../case/file-kind.js';
import { readTextFile } from '../case/read-text.js';
import { parseConntrack } from '../conntrack/index.js';
import { formatIpAddress } from '../net/address.js';
import { parseIptablesSave } from '../netfilter/index.js';
import { type InterfaceList, parseIpLink, parseIpLinkJson, parseIpRoute, parseIpRouteJson } from '../route/index.js';
import type { Diagnostic } from '../text/diagnostic.js';
import { overlayDevices, rangesFromInterfaces, rangesFromIptables, rangesFromRoutes } from './cluster-ranges.js';
import type { SnapshotHostKnowledge } from './host-knowledge.js';

const INTERFACE_KINDS: FileKind[] = ['ip-addr', 'ip-addr-json', 'ip-link', 'ip-link-json'];
const ROUTE_KINDS: FileKind[] = ['ip-route', 'ip-route-json'];
const IPTABLES_KINDS: FileKind[] = ['iptables-save', 'ip6tables-save'];

export async function learnFromSnapshots(host: SnapshotHostKnowledge, files: CaseFile[]): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const texts = new Map<CaseFile, string>();
  for (const file of files) {
    try {
      texts.set(file, await readTextFile(file.path, file.compression));
    } catch (err) {
      diagnostics.push({ code: 'snapshot.unreadable', severity: 'error', message: (err as Error).message, place: { file: file.displayPath } });
    }
  }
  const ofKinds = (kinds: FileKind[]) => [...texts].filter(([f]) => kinds.includes(f.kind));

  // Interfaces first: routes are read in their light (which devices are overlays).
  const overlays = new Set<string>();
  for (const [file, text] of ofKinds(INTERFACE_KINDS)) {
    const parsed = file.kind.endsWith('-json') ? parseIpLinkJson(text, file.displayPath) : parseIpLink(text, file.displayPath);
    diagnostics.push(...parsed.issues);
    learnInterfaces(host, parsed.value);
    for (const name of overlayDevices(parsed.value)) overlays.add(name);
    host.clusterRanges.push(...rangesFromInterfaces(host.name, parsed.value));
  }
  for (const [file, text] of ofKinds(ROUTE_KINDS)) {
    const parsed = file.kind === 'ip-route-json' ? parseIpRouteJson(text, file.displayPath) : parseIpRoute(text, file.displayPath);
    diagnostics.push(...parsed.issues);
    host.clusterRanges.push(...rangesFromRoutes(host.name, parsed.value, overlays));
  }
  for (const [file, text] of ofKinds(IPTABLES_KINDS)) {
    const parsed = parseIptablesSave(text, file.displayPath, { family: file.kind === 'ip6tables-save' ? 'ipv6' : 'ipv4' });
    diagnostics.push(...parsed.issues);
    host.clusterRanges.push(...rangesFromIptables(host.name, parsed.value));
  }
  for (const [file, text] of ofKinds(['conntrack'])) {
    const parsed = parseConntrack(text, file.displayPath);
    diagnostics.push(...parsed.issues);
    host.conntrack.entries.push(...parsed.value.entries);
    host.conntrack.lines.set(file.displayPath, text.split('\n'));
  }
  return diagnostics;
}

function learnInterfaces(host: SnapshotHostKnowledge, list: InterfaceList): void {
  for (const iface of list.interfaces) {
    host.addInterface(iface.index, iface.name);
    // `ip -d link` says veth; plain `ip link` still shows the peer (`veth0@if3`) and the bridge master.
    if (iface.details?.kind === 'veth' || (iface.peerIndex !== null && iface.master !== null && iface.linkNetns !== null)) host.addVeth(iface.name);
    for (const a of iface.addresses) host.addAddress(formatIpAddress(a.address), iface.name);
  }
}
