// ACCEPT, DROP, RETURN and REJECT [--reject-with TYPE]: the walk's verdicts.

import type { TargetModule } from '../target-module.js';

export const VERDICT: TargetModule = {
  names: ['ACCEPT', 'DROP', 'RETURN'],
  read: (t) => ({ kind: t.name as 'ACCEPT' | 'DROP' | 'RETURN' }),
};

export const REJECT: TargetModule = {
  names: ['REJECT'],
  read: (t) => ({ kind: 'REJECT', rejectWith: t.opt('--reject-with')?.args[0] ?? null }),
};
