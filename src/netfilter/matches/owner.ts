// `-m owner --uid-owner|--gid-owner ID [--socket-exists]`: the local process that sends (OUTPUT).

import { firstArg, type MatchModule } from '../match-module.js';
import { NO, unknown, type MatchEvaluators } from '../match-eval.js';

export const OWNER: MatchModule = {
  name: 'owner',
  options: ['--uid-owner', '--gid-owner', '--socket-exists', '--suppl-groups'],
  flags: ['--socket-exists'],
  read(r) {
    for (const o of r.group.options) {
      if (o.name === '--uid-owner') r.out.push({ kind: 'owner', negated: o.negated, what: 'uid', value: firstArg(o) });
      else if (o.name === '--gid-owner') r.out.push({ kind: 'owner', negated: o.negated, what: 'gid', value: firstArg(o) });
      else if (o.name === '--socket-exists') r.out.push({ kind: 'owner', negated: o.negated, what: 'socket-exists', value: '' });
      else r.unknownOption(o);
    }
  },
};

export const OWNER_EVALUATORS = {
  owner(m, { hook }) {
    if (hook !== 'OUTPUT' && hook !== 'POSTROUTING') return NO;
    return unknown(`-m owner --${m.what}-owner ${m.value}: the sending process is not known`);
  },
} satisfies Partial<MatchEvaluators>;
