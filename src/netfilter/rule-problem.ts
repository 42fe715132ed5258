// What the rule parsers report instead of throwing; the dump parser cites it with file:line.

export interface RuleProblem {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** For unknown matches/targets: the name, so repeated ones fold into one diagnostic. */
  foldKey?: string;
}
