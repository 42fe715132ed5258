// Which mappings every format lists under an ICMP error's translation (conntrack RELATED): the one
// rule when all the quoted flows were mapped by it, else each mapping with the flows it is, since no
// one rule made them all (docs/analyze.md, "ICMP errors").

import type { RelatedTranslation, RuleRef } from './analyze-model.js';

export interface ListedMapping {
  /** The rule that made the mapping; null when none did (then `none` says why). */
  rule: RuleRef | null;
  /** "flow 1", "flows 1, 3", or '' when one rule made every quoted flow's mapping. */
  flows: string;
  /** Without a rule: "not translated on natgw" or "no rule named"; else null. */
  none: string | null;
}

/** Nothing when no quoted flow's mapping is known or the one mapping has no rule (the note says so). */
export function listedMappings(r: RelatedTranslation, host: string | null): ListedMapping[] {
  if (r.mappings.length <= 1) return r.mappingRule === null ? [] : [{ rule: r.mappingRule, flows: '', none: null }];
  return r.mappings.map((m) => ({
    rule: m.rule,
    flows: `${m.flows.length === 1 ? 'flow' : 'flows'} ${m.flows.join(', ')}`,
    none: m.rule !== null ? null : m.translated ? 'no rule named' : `not translated on ${host ?? 'this host'}`,
  }));
}
