// The files `natpath collect` writes besides the dumps: `collect.log` (each command, its status and
// stderr: "ok ip6-rule.txt: ip -6 rule show") and `host-info.txt` ("key: value" lines). They are
// recognised as the collector's own, and the log says what each dump is — which makes an empty
// `ip6tables-save.txt` an ip6tables-save with no rules (a valid state) and `ip6-rule.txt` IPv6
// rules, things the content alone cannot tell.

import type { Family } from '../net/address.js';
import type { SnapshotKind } from './file-kind.js';

/** `save FILE COMMAND…` lines of the collect script: `ok|failed|skipped FILE: COMMAND`. */
const LOG_LINE = /^(ok|failed|skipped) ([\w.-]+): (.+)$/;
const HOST_INFO_KEYS = new Set(['host', 'hostname', 'kernel', 'netns', 'collected-at', 'limits']);

export function isCollectLog(text: string): boolean {
  return text.split('\n').some((line) => LOG_LINE.test(line.trimEnd()));
}

export function isHostInfo(text: string): boolean {
  const entries = readHostInfo(text);
  return entries.length >= 2 && entries.some((e) => e.key === 'collected-at') && entries.every((e) => HOST_INFO_KEYS.has(e.key));
}

export interface HostInfoEntry {
  key: string;
  value: string;
}

/** host-info.txt's lines in order; a line that is not `key: value` ends the list. */
export function readHostInfo(text: string): HostInfoEntry[] {
  const entries: HostInfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const m = /^([a-z-]+): ?(.*)$/.exec(line.trimEnd());
    if (m === null) return entries;
    entries.push({ key: m[1]!, value: m[2]! });
  }
  return entries;
}

/** File name → the command that made it, from the `ok` lines of collect.log. */
export function readCollectLog(text: string): Map<string, string> {
  const commands = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = LOG_LINE.exec(line.trimEnd());
    if (m !== null && m[1] === 'ok') commands.set(m[2]!, m[3]!);
  }
  return commands;
}

/** What a dump is, said by the command that made it, else by the collector's file name. */
export function kindFromCollector(fileName: string, command: string | undefined): SnapshotKind | null {
  if (command !== undefined) {
    const json = /(^|\s)-j(son)?(\s|$)/.test(command);
    if (/^ip6tables-save\b/.test(command)) return 'ip6tables-save';
    if (/^iptables-save\b/.test(command)) return 'iptables-save';
    if (/^conntrack\b.*\s-L\b/.test(command)) return 'conntrack';
    if (/^nft\b.*\blist ruleset\b/.test(command)) return /(^|\s)-j(son)?(\s|$)/.test(command) ? 'nft-ruleset-json' : 'nft-ruleset';
    const ip = /^ip\b(.*)$/.exec(command);
    if (ip !== null) {
      const words = ip[1]!.split(/\s+/).filter((w) => w !== '' && !w.startsWith('-'));
      const object = words[0];
      if (object === 'route' || object === 'r') return json ? 'ip-route-json' : 'ip-route';
      if (object === 'rule' || object === 'ru') return json ? 'ip-rule-json' : 'ip-rule';
      if (object === 'addr' || object === 'address' || object === 'a') return json ? 'ip-addr-json' : 'ip-addr';
      if (object === 'link' || object === 'l') return json ? 'ip-link-json' : 'ip-link';
    }
    return null;
  }
  const byName: Record<string, SnapshotKind> = {
    'iptables-save.txt': 'iptables-save',
    'ip6tables-save.txt': 'ip6tables-save',
    'conntrack.txt': 'conntrack',
    'ip-route.txt': 'ip-route',
    'ip6-route.txt': 'ip-route',
    'ip-rule.txt': 'ip-rule',
    'ip6-rule.txt': 'ip-rule',
    'ip-addr.json': 'ip-addr-json',
    'ip-link.json': 'ip-link-json',
    'nft-ruleset.txt': 'nft-ruleset',
  };
  return byName[fileName] ?? null;
}

/** The address family a rule or route dump holds, when its command or the collector's name says it. */
export function familyFromCollector(fileName: string, command: string | undefined): Family | null {
  if (command !== undefined) {
    if (/^ip\s.*(^|\s)-6(\s|$)/.test(command) || /^ip6tables/.test(command)) return 'ipv6';
    if (/^ip\s.*(^|\s)-4(\s|$)/.test(command) || /^iptables/.test(command)) return 'ipv4';
  }
  return /^ip6-(rule|route)\.txt$/.test(fileName) ? 'ipv6' : null;
}
