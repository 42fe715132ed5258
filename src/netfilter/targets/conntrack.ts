// NOTRACK and CT [--notrack] [--zone …]: the packet's connection tracking.

import type { TargetModule } from '../target-module.js';

export const NOTRACK: TargetModule = { names: ['NOTRACK'], read: () => ({ kind: 'NOTRACK' }) };

export const CT: TargetModule = {
  names: ['CT'],
  read: (t) => ({ kind: 'CT', notrack: t.flag('--notrack'), options: [...t.words] }),
};
