// Reads a host's snapshot files (as the case loader recognised them) into the simulator's model.
// Captures are ignored here; unreadable files become diagnostics, never exceptions.

import type { CaseHost } from '../case/load-case.js';
import { readCaseText } from '../case/read-text.js';
import { cleanDumpText } from '../text/junk-lines.js';
import { isSnapshotKind } from '../case/file-kind.js';
import { parseConntrack } from '../conntrack/index.js';
import { parseIpset } from '../ipset/index.js';
import { chooseNftFiles, describeNftChoice } from '../case/nft-preference.js';
import { parseNftText } from '../nftables/parse-nft-text.js';
import { readNftJson } from '../nftables/read-json.js';
import { formatPrefix, type IpAddress } from '../net/address.js';
import { parseIptablesSave } from '../netfilter/index.js';
import { parseIpLink, parseIpLinkJson, parseIpRoute, parseIpRouteJson, parseIpRule, parseIpRuleJson } from '../route/index.js';
import type { IpsetDump } from '../ipset/model.js';
import type { InterfaceList } from '../route/model.js';
import type { Diagnostic } from '../text/diagnostic.js';
import { problemAt } from '../text/problem-collector.js';
import { buildHostModel, type HostModel, type HostSnapshots } from './host-model.js';

export interface LoadedHost {
  model: HostModel;
  /** Which snapshot kinds were found, for the report. */
  files: Array<{ path: string; kind: string }>;
  diagnostics: Diagnostic[];
}

export async function loadHost(host: CaseHost, extraAddresses: IpAddress[]): Promise<LoadedHost> {
  const s: HostSnapshots = { name: host.name, iptables: [], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses };
  const diagnostics: Diagnostic[] = [];
  const files: LoadedHost['files'] = [];
  // By name, so that merging dumps of 100 000 interfaces stays linear.
  const byName = new Map<string, InterfaceList['interfaces'][number]>();
  const addInterfaces = (list: InterfaceList) => {
    // ip addr and ip -d link describe the same interfaces: merge addresses and details by name.
    if (s.interfaces === null) {
      s.interfaces = list;
      for (const itf of list.interfaces) if (!byName.has(itf.name)) byName.set(itf.name, itf);
      return;
    }
    for (const itf of list.interfaces) {
      const known = byName.get(itf.name);
      if (known === undefined) {
        s.interfaces.interfaces.push(itf);
        byName.set(itf.name, itf);
      }
      else {
        if (known.addresses.length === 0) known.addresses = itf.addresses;
        known.details ??= itf.details;
        known.slaveKind ??= itf.slaveKind;
        known.master ??= itf.master;
      }
    }
  };
  // nft list ruleset and nft -j list ruleset describe the same rules: one form is used (JSON first).
  const nft = chooseNftFiles(host.files);
  diagnostics.push(...describeNftChoice(nft));
  for (const f of host.files) {
    if (!isSnapshotKind(f.kind)) continue;
    if (nft.ignored.includes(f)) continue;
    let text: string;
    try {
      text = await readCaseText(f);
      if (!f.kind.endsWith('-json')) {
        const clean = cleanDumpText(text, f.displayPath);
        text = clean.text;
        diagnostics.push(...clean.issues);
      }
    } catch (err) {
      diagnostics.push(problemAt('trace.unreadable', `cannot read: ${(err as Error).message}`, { file: f.displayPath }));
      continue;
    }
    files.push({ path: f.displayPath, kind: f.kind });
    const file = f.displayPath;
    switch (f.kind) {
      case 'iptables-save': case 'ip6tables-save': {
        const r = parseIptablesSave(text, file, { family: f.kind === 'iptables-save' ? 'ipv4' : 'ipv6' });
        s.iptables.push(r.value);
        diagnostics.push(...r.issues);
        break;
      }
      case 'ip-route': case 'ip-route-json': {
        const r = f.kind === 'ip-route' ? parseIpRoute(text, file) : parseIpRouteJson(text, file);
        s.routes.push(...r.value.routes);
        diagnostics.push(...r.issues);
        break;
      }
      case 'ip-rule': case 'ip-rule-json': {
        const family = f.family === undefined ? {} : { family: f.family };
        const r = f.kind === 'ip-rule' ? parseIpRule(text, file, family) : parseIpRuleJson(text, file, family);
        s.rules.push(...r.value.rules);
        diagnostics.push(...r.issues);
        break;
      }
      case 'ip-addr': case 'ip-link': case 'ip-addr-json': case 'ip-link-json': {
        const r = f.kind === 'ip-addr' || f.kind === 'ip-link' ? parseIpLink(text, file) : parseIpLinkJson(text, file);
        addInterfaces(r.value);
        diagnostics.push(...r.issues);
        break;
      }
      case 'conntrack': {
        const r = parseConntrack(text, file);
        // `conntrack -L` and `-L -o extended` list the same table: the first one is used.
        s.conntrack ??= r.value;
        diagnostics.push(...r.issues);
        break;
      }
      case 'nft-ruleset': case 'nft-ruleset-json': {
        const r = f.kind === 'nft-ruleset' ? parseNftText(text, file) : readNftJson(text, file);
        (s.nftables ??= []).push(r.value);
        diagnostics.push(...r.issues);
        break;
      }
      case 'ipset-save': case 'ipset-list': {
        const r = parseIpset(text, file);
        diagnostics.push(...r.issues);
        if (s.ipsets == null) s.ipsets = r.value;
        else mergeIpsets(s.ipsets, r.value);
        break;
      }
      case 'ipvsadm':
        // IPVS balancing is not simulated yet: the listing is shown by inspect only.
        diagnostics.push(problemAt('trace.ipvs-not-simulated', 'ipvsadm listing: IPVS virtual services are not simulated (packets to them are walked through iptables only)', { file }));
        break;
    }
  }
  dedupeRoutes(s);
  diagnostics.push(...dedupeNftTables(s));
  diagnostics.push(...checkSetReferences(s));
  const model = buildHostModel(s);
  // Tables of the nft dump the walk leaves out, each said once where the dump is.
  for (const n of model.nft.setAside) diagnostics.push(problemAt('trace.nft-table-not-simulated', n.message, { file: n.file }));
  return { model, files, diagnostics };
}

/** `ipset save` and `ipset list` of one host describe the same sets: the first file's copy of a set is kept. */
function mergeIpsets(into: IpsetDump, more: IpsetDump): void {
  for (const set of more.sets) {
    if (into.setsByName.has(set.name)) continue;
    into.sets.push(set);
    into.setsByName.set(set.name, set);
  }
}

/**
 * Rules that match on sets the host's ipset dump lacks (or with no dump at all) are evaluated
 * as unknown; say so once per set, at the first rule that names it.
 */
function checkSetReferences(s: HostSnapshots): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const dump of s.iptables) {
    for (const table of dump.tables) {
      for (const chain of table.chains) {
        for (const rule of chain.rules) {
          for (const m of rule.matches) {
            if (m.kind !== 'set' || seen.has(m.setName) || s.ipsets?.setsByName.has(m.setName) === true) continue;
            seen.add(m.setName);
            const message = s.ipsets == null
              ? `rules match on ipset ${m.setName} but host ${s.name} has no \`ipset save\` or \`ipset list\` file: those rules are evaluated as unknown`
              : `rules match on ipset ${m.setName}, which the host's ipset dump does not list: those rules are evaluated as unknown`;
            out.push(problemAt('trace.missing-ipset', message, { file: rule.source.file, line: rule.source.line }));
          }
        }
      }
    }
  }
  return out;
}

/**
 * Two dumps of the same form may list the same table (a ruleset dumped twice, or `nft list table`
 * files beside `nft list ruleset`): its rules must not apply twice. The first file's copy is kept.
 */
function dedupeNftTables(s: HostSnapshots): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, string>();
  for (const rs of s.nftables ?? []) {
    rs.tables = rs.tables.filter((t) => {
      const key = `${t.family} ${t.name}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, rs.file);
        return true;
      }
      out.push(problemAt('trace.nft-table-twice', `table ${key} is also in ${first}: that copy is used, this one is not (its rules would apply twice)`, { file: rs.file }));
      return false;
    });
  }
  return out;
}

/** The same route dumped twice (text and -j, or `ip route` and `ip -6 route` overlapping) counts once. */
function dedupeRoutes(s: HostSnapshots): void {
  const seen = new Set<string>();
  s.routes = s.routes.filter((r) => {
    const key = `${r.family} ${r.type} ${r.table} ${formatPrefix(r.destination)} ${r.metric} ${r.nexthops.map((h) => h.dev).join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const seenRules = new Set<string>();
  s.rules = s.rules.filter((r) => {
    const key = `${r.family} ${r.priority} ${r.not} ${JSON.stringify(r.action)} ${r.from === null ? '' : formatPrefix(r.from)} ${r.to === null ? '' : formatPrefix(r.to)} ${r.fwmark?.value ?? ''} ${r.iif ?? ''} ${r.oif ?? ''}`;
    if (seenRules.has(key)) return false;
    seenRules.add(key);
    return true;
  });
}
