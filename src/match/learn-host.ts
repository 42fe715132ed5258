// Fills a host's knowledge from its snapshots, read once by the simulator's loader: addresses and
// interface names, veths, the cluster's internal ranges (pod bridges, overlay routes,
// KUBE-SERVICES and flannel rules), conntrack entries (with their lines, to quote them), and
// the host model itself, so translations can be explained by simulating the host.

import type { CaseHost } from '../case/load-case.js';
import { readCaseText } from '../case/read-text.js';
import { cleanDumpText } from '../text/junk-lines.js';
import { formatIpAddress } from '../net/address.js';
import { loadHost } from '../sim/load-host.js';
import type { Diagnostic } from '../text/diagnostic.js';
import { overlayDevices, rangesFromInterfaces, rangesFromIptables, rangesFromRoutes } from './cluster-ranges.js';
import type { SnapshotHostKnowledge } from './host-knowledge.js';

export async function learnFromSnapshots(knowledge: SnapshotHostKnowledge, host: CaseHost): Promise<Diagnostic[]> {
  const loaded = await loadHost(host, []);
  const model = loaded.model;
  knowledge.model = model;
  const interfaces = { interfaces: model.interfaces };
  for (const iface of model.interfaces) {
    knowledge.addInterface(iface.index, iface.name);
    // `ip -d link` says veth; plain `ip link` still shows the peer (`veth0@if3`) and the bridge master.
    if (iface.details?.kind === 'veth' || (iface.peerIndex !== null && iface.master !== null && iface.linkNetns !== null)) knowledge.addVeth(iface.name);
    for (const a of iface.addresses) knowledge.addAddress(formatIpAddress(a.address), iface.name);
  }
  const overlays = overlayDevices(interfaces);
  knowledge.clusterRanges.push(...rangesFromInterfaces(host.name, interfaces));
  for (const tables of model.routing.values()) {
    for (const routes of tables.tables.values()) knowledge.clusterRanges.push(...rangesFromRoutes(host.name, { routes }, overlays));
  }
  for (const index of model.iptables.values()) knowledge.clusterRanges.push(...rangesFromIptables(host.name, index.dump));

  knowledge.conntrack.entries.push(...(model.conntrack?.entries ?? []));
  // The entries keep file:line; their text is quoted in reports, so keep the dumps' lines too.
  for (const file of host.files.filter((f) => f.kind === 'conntrack')) {
    try {
      knowledge.conntrack.lines.set(file.displayPath, cleanDumpText(await readCaseText(file), file.displayPath).text.split('\n'));
    } catch {
      // loadHost already reported the file as unreadable.
    }
  }
  return loaded.diagnostics;
}
