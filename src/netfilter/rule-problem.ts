// What the rule parsers report instead of throwing; the dump parser cites it with file:line.

import type { ProblemCode } from '../text/problem-codes.js';

export interface RuleProblem {
  /** Its severity is the registry's (src/text/problem-codes.ts). */
  code: ProblemCode;
  message: string;
  /** For unknown matches/targets: the name, so repeated ones fold into one diagnostic. */
  foldKey?: string;
}
