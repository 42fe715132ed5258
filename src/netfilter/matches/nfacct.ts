// `-m nfacct --nfacct-name NAME`: an accounting object; always matches.

import { firstArg, type MatchModule } from '../match-module.js';
import { YES, type MatchEvaluators } from '../match-eval.js';

export const NFACCT: MatchModule = {
  name: 'nfacct',
  options: ['--nfacct-name'],
  read(r) {
    for (const o of r.group.options) r.out.push({ kind: 'nfacct', name: firstArg(o) });
  },
};

export const NFACCT_EVALUATORS = { nfacct: () => YES } satisfies Partial<MatchEvaluators>;
