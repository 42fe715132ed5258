// `-m set [!] --match-set NAME FLAGS [--return-nomatch] [--packets-eq N …]`: membership of the
// packet's fields in an ipset (evaluated against the host's `ipset save`).

import { firstArg, splitList, type MatchModule } from '../match-module.js';

export const SET: MatchModule = {
  name: 'set',
  options: [
    '--match-set', '--return-nomatch', '--update-counters', '--update-subcounters', '--packets-eq', '--packets-lt',
    '--packets-gt', '--bytes-eq', '--bytes-lt', '--bytes-gt',
  ],
  flags: ['--return-nomatch', '--update-counters', '--update-subcounters'],
  twoValues: ['--match-set'],
  read(r) {
    // One `-m set` may carry several --match-set (each its own condition); the flags apply to all.
    const options = r.group.options;
    const returnNomatch = options.some((o) => o.name === '--return-nomatch');
    const counter = options.find((o) => /^--(packets|bytes)-(eq|lt|gt)$/.test(o.name));
    const counterTest = counter === undefined ? null : `${counter.negated ? '! ' : ''}${counter.name} ${firstArg(counter)}`;
    for (const o of options) {
      if (o.name === '--match-set') {
        r.out.push({ kind: 'set', negated: o.negated, setName: firstArg(o), flags: splitList(o.args[1] ?? ''), returnNomatch, counterTest });
      }
    }
  },
};
