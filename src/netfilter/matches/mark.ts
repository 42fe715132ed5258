// `-m mark --mark V[/M]` (the packet's mark) and `-m connmark --mark V[/M]` (its connection's).

import { firstArg, type MatchModule, type ModuleReader } from '../match-module.js';
import { parseMarkValue } from '../parse-values.js';
import { not, type MatchEvaluators } from '../match-eval.js';

function readMark(kind: 'mark' | 'connmark'): (r: ModuleReader) => void {
  return (r) => {
    for (const o of r.group.options) {
      const mark = parseMarkValue(firstArg(o));
      if (mark === null) r.bad(o, 'not a mark value[/mask]');
      else r.out.push({ kind, negated: o.negated, mark });
    }
  };
}

export const MARK: MatchModule = { name: 'mark', options: ['--mark'], read: readMark('mark') };
export const CONNMARK: MatchModule = { name: 'connmark', options: ['--mark'], read: readMark('connmark') };

export const MARK_EVALUATORS = {
  mark: (m, { packet }) => not(m.negated, ((packet.mark & m.mark.mask) >>> 0) === m.mark.value),
  connmark: (m, { conn }) => not(m.negated, ((conn.mark & m.mark.mask) >>> 0) === m.mark.value),
} satisfies Partial<MatchEvaluators>;
