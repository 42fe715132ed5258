// The summaries (`natpath inspect` shows them) of routes, policy rules and interfaces.

import type { InterfaceList, RouteTable, RuleList } from './model.js';

export interface RoutesSummary {
  routes: number;
  byTable: Array<{ table: string; family: 'ipv4' | 'ipv6'; routes: number }>;
  defaultRoutes: number;
}

export interface RulesSummary {
  rules: number;
  families: Array<'ipv4' | 'ipv6'>;
  tables: string[];
}

export interface InterfacesSummary {
  interfaces: number;
  names: string[];
  addresses: number;
  kinds: Array<{ kind: string; count: number }>;
}

export function summarizeRoutes(table: RouteTable): RoutesSummary {
  const byTable = new Map<string, { table: string; family: 'ipv4' | 'ipv6'; routes: number }>();
  let defaultRoutes = 0;
  for (const r of table.routes) {
    const key = `${r.table}\u0000${r.family}`;
    const entry = byTable.get(key) ?? { table: r.table, family: r.family, routes: 0 };
    entry.routes++;
    byTable.set(key, entry);
    if (r.destination.length === 0 && r.type === 'unicast') defaultRoutes++;
  }
  return { routes: table.routes.length, byTable: [...byTable.values()], defaultRoutes };
}

export function summarizeRules(list: RuleList): RulesSummary {
  const families = new Set<'ipv4' | 'ipv6'>();
  const tables = new Set<string>();
  for (const r of list.rules) {
    families.add(r.family);
    if (r.action.kind === 'lookup') tables.add(r.action.table);
  }
  return { rules: list.rules.length, families: [...families], tables: [...tables] };
}

export function summarizeInterfaces(list: InterfaceList): InterfacesSummary {
  const kinds = new Map<string, number>();
  let addresses = 0;
  for (const i of list.interfaces) {
    const kind = i.details === null ? (i.linkType ?? 'unknown') : i.details.kind === 'other' ? i.details.name : i.details.kind;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    addresses += i.addresses.length;
  }
  return {
    interfaces: list.interfaces.length,
    names: list.interfaces.map((i) => i.name),
    addresses,
    kinds: [...kinds].map(([kind, count]) => ({ kind, count })),
  };
}
