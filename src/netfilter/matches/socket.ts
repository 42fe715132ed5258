// `-m socket [--transparent] [--nowildcard] [--restore-skmark]`: a local socket for the packet
// (not in any dump).

import type { MatchModule } from '../match-module.js';
import { unknown, type MatchEvaluators } from '../match-eval.js';

export const SOCKET: MatchModule = {
  name: 'socket',
  options: ['--transparent', '--nowildcard', '--restore-skmark'],
  flags: ['--transparent', '--nowildcard', '--restore-skmark'],
  read(r) {
    r.out.push({ kind: 'socket', options: r.group.options.map((o) => o.name) });
  },
};

export const SOCKET_EVALUATORS = {
  socket: () => unknown('-m socket: whether a local socket matches is not in the dumps'),
} satisfies Partial<MatchEvaluators>;
