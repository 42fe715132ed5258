// The summary of an iptables dump (`natpath inspect` shows it): tables with chain and rule counts.

import type { IptablesDump } from './model.js';

export interface IptablesSummary {
  family: 'ipv4' | 'ipv6';
  tables: Array<{ name: string; chains: number; userChains: number; rules: number }>;
  rules: number;
}

export function summarizeIptables(dump: IptablesDump): IptablesSummary {
  const tables = dump.tables.map((t) => ({
    name: t.name,
    chains: t.chains.length,
    userChains: t.chains.filter((c) => !c.builtin).length,
    rules: t.chains.reduce((n, c) => n + c.rules.length, 0),
  }));
  return { family: dump.family, tables, rules: tables.reduce((n, t) => n + t.rules, 0) };
}
