// `-m limit [--limit RATE] [--limit-burst N]`: a token bucket (default 3/hour, burst 5).

import { firstArg, type MatchModule } from '../match-module.js';
import { YES, type MatchEvaluators } from '../match-eval.js';

export const LIMIT: MatchModule = {
  name: 'limit',
  options: ['--limit', '--limit-burst'],
  read(r) {
    let rate = '3/hour';
    let burst: number | null = null;
    for (const o of r.group.options) {
      if (o.name === '--limit') rate = firstArg(o);
      else burst = Number(firstArg(o));
    }
    r.out.push({ kind: 'limit', rate, burst });
  },
};

/** One packet is within any rate limit. */
export const LIMIT_EVALUATORS = { limit: () => YES } satisfies Partial<MatchEvaluators>;
