// `-m comment --comment TEXT`: always matches; the text names the rule in explanations.

import { firstArg, type MatchModule } from '../match-module.js';
import { YES, type MatchEvaluators } from '../match-eval.js';

export const COMMENT: MatchModule = {
  name: 'comment',
  options: ['--comment'],
  read(r) {
    for (const o of r.group.options) r.out.push({ kind: 'comment', text: firstArg(o) });
  },
};

export const COMMENT_EVALUATORS = { comment: () => YES } satisfies Partial<MatchEvaluators>;
