// `-m length --length N[:M]`: the IP packet's length in bytes.

import { firstArg, type MatchModule } from '../match-module.js';
import type { PortRange } from '../model.js';
import { unknown, type MatchEvaluators } from '../match-eval.js';

function parseNumberRange(text: string, max: number): PortRange | null {
  const colon = text.indexOf(':');
  const lo = colon === -1 ? text : text.slice(0, colon);
  const hi = colon === -1 ? text : text.slice(colon + 1);
  const min = lo === '' ? 0 : Number(lo);
  const top = hi === '' ? max : Number(hi);
  if (!Number.isInteger(min) || !Number.isInteger(top) || min < 0 || top > max || min > top) return null;
  return { min, max: top };
}

export const LENGTH: MatchModule = {
  name: 'length',
  options: ['--length'],
  read(r) {
    for (const o of r.group.options) {
      const range = parseNumberRange(firstArg(o), 65535);
      if (range === null) r.bad(o, 'not a length or length range');
      else r.out.push({ kind: 'length', negated: o.negated, min: range.min, max: range.max });
    }
  },
};

export const LENGTH_EVALUATORS = {
  length: (m) => unknown(`-m length ${m.min}:${m.max}: the packet's length is not known`),
} satisfies Partial<MatchEvaluators>;
