// `-m recent --name N --set|--rcheck|--update|--remove [--seconds S] [--hitcount H] …`: a list
// of recently seen addresses, kept by the kernel (not in any dump).

import { firstArg, type MatchModule } from '../match-module.js';
import type { Match } from '../model.js';
import { not, unknown, type MatchEvaluators } from '../match-eval.js';

export const RECENT: MatchModule = {
  name: 'recent',
  options: [
    '--name', '--set', '--rcheck', '--update', '--remove', '--seconds', '--hitcount', '--reap', '--rttl',
    '--rsource', '--rdest', '--mask',
  ],
  flags: ['--set', '--rcheck', '--update', '--remove', '--reap', '--rttl', '--rsource', '--rdest'],
  read(r) {
    const m: Extract<Match, { kind: 'recent' }> = {
      kind: 'recent', negated: false, action: 'set', name: 'DEFAULT', side: 'source', seconds: null, hitcount: null, reap: false,
    };
    for (const o of r.group.options) {
      switch (o.name) {
        case '--set': case '--rcheck': case '--update': case '--remove':
          m.action = o.name.slice(2) as typeof m.action;
          m.negated = o.negated;
          break;
        case '--name': m.name = firstArg(o); break;
        case '--rsource': m.side = 'source'; break;
        case '--rdest': m.side = 'destination'; break;
        case '--seconds': m.seconds = Number(firstArg(o)); break;
        case '--hitcount': m.hitcount = Number(firstArg(o)); break;
        case '--reap': m.reap = true; break;
        default: break; // --mask, --rttl: they refine the history lookup, which is unknown anyway.
      }
    }
    r.out.push(m);
  },
};

export const RECENT_EVALUATORS = {
  recent(m, { options }) {
    if (m.action === 'set') return not(m.negated, true);
    if (options.recentHistory === 'empty') return not(m.negated, false);
    return unknown(`-m recent --name ${m.name} --${m.action}: whether this client was seen before is not in the dumps`);
  },
} satisfies Partial<MatchEvaluators>;
