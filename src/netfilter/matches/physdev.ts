// `-m physdev --physdev-in|--physdev-out PORT [--physdev-is-in|-out|-bridged]`: the bridge ports
// of a bridged packet (br_netfilter).

import { firstArg, type MatchModule } from '../match-module.js';
import type { Match } from '../model.js';
import { NO, unknown, YES, type MatchEvaluators } from '../match-eval.js';

export const PHYSDEV: MatchModule = {
  name: 'physdev',
  options: ['--physdev-in', '--physdev-out', '--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged'],
  flags: ['--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged'],
  read(r) {
    const m: Extract<Match, { kind: 'physdev' }> = { kind: 'physdev', physdevIn: null, physdevOut: null, isIn: null, isOut: null, isBridged: null };
    for (const o of r.group.options) {
      const name = firstArg(o);
      const wildcard = name.endsWith('+');
      const dev = { negated: o.negated, name: wildcard ? name.slice(0, -1) : name, wildcard };
      if (o.name === '--physdev-in') m.physdevIn = dev;
      else if (o.name === '--physdev-out') m.physdevOut = dev;
      else if (o.name === '--physdev-is-in') m.isIn = !o.negated;
      else if (o.name === '--physdev-is-out') m.isOut = !o.negated;
      else if (o.name === '--physdev-is-bridged') m.isBridged = !o.negated;
    }
    r.out.push(m);
  },
};

export const PHYSDEV_EVALUATORS = {
  physdev(m, { packet: p }) {
    if (m.isBridged !== null && m.isBridged !== p.bridged) return NO;
    if (m.isIn !== null && m.isIn !== (p.physIn !== null)) return NO;
    if (m.isOut !== null && m.isOut !== (p.physOut !== null)) {
      if (p.bridged && p.physOut === null) return unknown('the bridge port the packet leaves by is not known');
      return NO;
    }
    for (const [dev, actual, what] of [[m.physdevIn, p.physIn, 'in'], [m.physdevOut, p.physOut, 'out']] as const) {
      if (dev === null) continue;
      if (actual === null) {
        if (what === 'out' && p.bridged) return unknown('the bridge port the packet leaves by is not known');
        if (what === 'in' && p.iif.kind === 'unknown') return unknown('the input interface (and so its bridge port) is not known');
        if (!dev.negated) return NO;
        continue;
      }
      const hit = dev.wildcard ? actual.startsWith(dev.name) : actual === dev.name;
      if (hit === dev.negated) return NO;
    }
    return YES;
  },
} satisfies Partial<MatchEvaluators>;
