// `-m statistic --mode random --probability P` and `--mode nth --every N [--packet K]`: which
// packets match is chance (random) or a counter's cycle (nth) — kube-proxy's load balancing.

import { firstArg, groupText, type MatchModule } from '../match-module.js';
import type { MatchEvaluators } from '../match-eval.js';

export const STATISTIC: MatchModule = {
  name: 'statistic',
  options: ['--mode', '--probability', '--every', '--packet'],
  read(r) {
    let mode: string | null = null;
    let every: number | null = null;
    let packet = 0;
    let nthNegated = false;
    for (const o of r.group.options) {
      if (o.name === '--mode') mode = firstArg(o);
      else if (o.name === '--probability') {
        const p = Number(firstArg(o));
        if (!Number.isFinite(p) || p < 0 || p > 1) r.bad(o, 'not a probability between 0 and 1');
        else r.out.push({ kind: 'statistic-random', negated: o.negated, probability: p });
      } else if (o.name === '--every') {
        every = Number(firstArg(o));
        nthNegated = o.negated;
      } else if (o.name === '--packet') packet = Number(firstArg(o));
    }
    if (mode === 'nth') {
      if (every === null || !Number.isInteger(every) || every < 1) {
        r.problems.push({ code: 'iptables.bad-option', message: '-m statistic --mode nth needs --every N (N ≥ 1)' });
        r.out.push({ kind: 'unknown', module: 'statistic', text: groupText(r.group) });
      } else r.out.push({ kind: 'statistic-nth', negated: nthNegated, every, packet });
    } else if (mode !== 'random') {
      r.problems.push({ code: 'iptables.bad-option', message: `-m statistic: unknown --mode ${mode ?? '(none)'}` });
      r.out.push({ kind: 'unknown', module: 'statistic', text: groupText(r.group) });
    }
  },
};

export const STATISTIC_EVALUATORS = {
  'statistic-random': (m) => ({ kind: 'chance', probability: m.negated ? 1 - m.probability : m.probability, why: `-m statistic --mode random --probability ${m.probability}` }),
  'statistic-nth': (m) => ({
    kind: 'chance',
    probability: m.negated ? 1 - 1 / m.every : 1 / m.every,
    why: `-m statistic --mode nth --every ${m.every}: which packet this is in the counter's cycle is not known (taken as 1 in ${m.every})`,
  }),
} satisfies Partial<MatchEvaluators>;
