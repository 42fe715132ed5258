// The `natpath inspect` facts of an ipset dump: each set with its type, family and entry counts.

import type { IpsetDump } from './model.js';

export interface IpsetSummary {
  format: 'save' | 'list';
  sets: Array<{
    name: string;
    type: string;
    family: 'ipv4' | 'ipv6' | null;
    entries: number;
    /** `Number of entries:` when the listing printed it and it differs from what was read. */
    declaredEntries: number | null;
    nomatchEntries: number;
    /** Entries with time left when the dump was made: they existed then, and may have expired since. */
    timedEntries: number;
  }>;
  entries: number;
}

export function summarizeIpsets(dump: IpsetDump): IpsetSummary {
  const sets = dump.sets.map((s) => ({
    name: s.name,
    type: s.type,
    family: s.family,
    entries: s.entries.length,
    declaredEntries: s.declaredEntries !== null && s.declaredEntries !== s.entries.length ? s.declaredEntries : null,
    nomatchEntries: s.entries.filter((e) => e.nomatch).length,
    timedEntries: s.entries.filter((e) => e.timeoutSeconds !== null).length,
  }));
  return { format: dump.format, sets, entries: sets.reduce((n, s) => n + s.entries, 0) };
}
