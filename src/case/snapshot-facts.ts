// One entry from a snapshot file's kind and text to its `inspect` facts: picks the parser,
// summarises the model, and passes the parser's diagnostics on.

import { parseConntrack, summarizeConntrack } from '../conntrack/index.js';
import { parseIpset, summarizeIpsets } from '../ipset/index.js';
import { parseIpvsadm, summarizeIpvs } from '../ipvs/index.js';
import { parseIptablesSave, summarizeIptables } from '../netfilter/index.js';
import {
  parseIpLink,
  parseIpLinkJson,
  parseIpRoute,
  parseIpRouteJson,
  parseIpRule,
  parseIpRuleJson,
  summarizeInterfaces,
  summarizeRoutes,
  summarizeRules,
} from '../route/index.js';
import { parseNftText } from '../nftables/parse-nft-text.js';
import { readNftJson } from '../nftables/read-json.js';
import { summarizeNftRuleset } from '../nftables/summarize.js';
import type { Diagnostic } from '../text/diagnostic.js';
import type { FileFacts } from './facts.js';
import type { SnapshotKind } from './file-kind.js';
import type { Family } from '../net/address.js';

export interface SnapshotFactsResult {
  facts: FileFacts;
  diagnostics: Diagnostic[];
}

/** `family`: what the collector said the dump holds (`ip -6 rule`), when the content cannot tell. */
export function readSnapshotFacts(kind: SnapshotKind, text: string, file: string, family?: Family): SnapshotFactsResult {
  switch (kind) {
    case 'iptables-save':
    case 'ip6tables-save': {
      const r = parseIptablesSave(text, file, { family: kind === 'iptables-save' ? 'ipv4' : 'ipv6' });
      return { facts: { type: 'iptables', ...summarizeIptables(r.value) }, diagnostics: r.issues };
    }
    case 'ip-route':
    case 'ip-route-json': {
      const r = kind === 'ip-route' ? parseIpRoute(text, file) : parseIpRouteJson(text, file);
      return { facts: { type: 'routes', ...summarizeRoutes(r.value) }, diagnostics: r.issues };
    }
    case 'ip-rule':
    case 'ip-rule-json': {
      const options = family === undefined ? {} : { family };
      const r = kind === 'ip-rule' ? parseIpRule(text, file, options) : parseIpRuleJson(text, file, options);
      return { facts: { type: 'rules', ...summarizeRules(r.value) }, diagnostics: r.issues };
    }
    case 'ip-addr':
    case 'ip-link':
    case 'ip-addr-json':
    case 'ip-link-json': {
      const r = kind === 'ip-addr' || kind === 'ip-link' ? parseIpLink(text, file) : parseIpLinkJson(text, file);
      return { facts: { type: 'interfaces', ...summarizeInterfaces(r.value) }, diagnostics: r.issues };
    }
    case 'conntrack': {
      const r = parseConntrack(text, file);
      return { facts: { type: 'conntrack', ...summarizeConntrack(r.value) }, diagnostics: r.issues };
    }
    case 'nft-ruleset':
    case 'nft-ruleset-json': {
      const r = kind === 'nft-ruleset' ? parseNftText(text, file) : readNftJson(text, file);
      return { facts: { type: 'nftables', ...summarizeNftRuleset(r.value) }, diagnostics: r.issues };
    }
    case 'ipset-save':
    case 'ipset-list': {
      const r = parseIpset(text, file);
      return { facts: { type: 'ipset', ...summarizeIpsets(r.value) }, diagnostics: r.issues };
    }
    case 'ipvsadm': {
      const r = parseIpvsadm(text, file);
      return { facts: { type: 'ipvs', ...summarizeIpvs(r.value) }, diagnostics: r.issues };
    }
  }
}
