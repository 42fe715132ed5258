// Fills a host's knowledge (its addresses, its interface names by index) from its `ip addr` /
// `ip link` snapshots, text or JSON. Parse problems are returned as diagnostics.

import type { CaseFile } from '../case/load-case.js';
import { readTextFile } from '../case/read-text.js';
import { parseConntrack } from '../conntrack/index.js';
import { formatIpAddress } from '../net/address.js';
import { type InterfaceList, parseIpLink, parseIpLinkJson } from '../route/index.js';
import type { Diagnostic } from '../text/diagnostic.js';
import type { SnapshotHostKnowledge } from './host-knowledge.js';

export async function learnFromSnapshots(host: SnapshotHostKnowledge, files: CaseFile[]): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const addresses = file.kind === 'ip-addr' || file.kind === 'ip-addr-json' || file.kind === 'ip-link' || file.kind === 'ip-link-json';
    if (!addresses && file.kind !== 'conntrack') continue;
    let text: string;
    try {
      text = await readTextFile(file.path, file.compression);
    } catch (err) {
      diagnostics.push({ code: 'snapshot.unreadable', severity: 'error', message: (err as Error).message, place: { file: file.displayPath } });
      continue;
    }
    if (file.kind === 'conntrack') {
      const parsed = parseConntrack(text, file.displayPath);
      diagnostics.push(...parsed.issues);
      host.conntrack.entries.push(...parsed.value.entries);
      host.conntrack.lines.set(file.displayPath, text.split('\n'));
      continue;
    }
    const json = file.kind.endsWith('-json');
    const parsed = json ? parseIpLinkJson(text, file.displayPath) : parseIpLink(text, file.displayPath);
    diagnostics.push(...parsed.issues);
    learnInterfaces(host, parsed.value);
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
