// The `natpath inspect` facts of an iptables dump: tables with chain and rule counts.

import type { IptablesFacts } from '../report/inspect-model.js';
import type { IptablesDump } from './model.js';

export function summarizeIptables(dump: IptablesDump): IptablesFacts {
  const tables = dump.tables.map((t) => ({
    name: t.name,
    chains: t.chains.length,
    userChains: t.chains.filter((c) => !c.builtin).length,
    rules: t.chains.reduce((n, c) => n + c.rules.length, 0),
  }));
  return { type: 'iptables', family: dump.family, tables, rules: tables.reduce((n, t) => n + t.rules, 0) };
}
