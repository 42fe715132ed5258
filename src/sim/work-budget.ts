// A cap on the work of one simulated walk, so that no ruleset — however large, however it nests,
// however often its chains jump to each other — can make a trace run for ever or fill memory.
// The kernel walks one packet once; a simulator that follows every possible branch can be made
// to walk exponentially many (chains that each jump twice to the next), so the walk counts its
// work and stops when the budget is spent. Any walker (iptables, nftables) passes one of these
// through its recursion and calls `spend` per unit of work.

/** Units of work per trace: rules evaluated plus entries copied when a branch splits (see docs/limits.md). */
export const DEFAULT_WORK_LIMIT = 1_000_000;

export interface WorkBudget {
  readonly limit: number;
  used: number;
  /** Where the budget ran out (a rule's place), null while there is budget left. */
  exhaustedAt: string | null;
}

export function createWorkBudget(limit: number = DEFAULT_WORK_LIMIT): WorkBudget {
  return { limit, used: 0, exhaustedAt: null };
}

/**
 * Spends `units`; false once the budget is spent (the caller then stops walking). `where` is asked
 * only the first time the budget runs out, so callers pay nothing for the message otherwise.
 */
export function spend(budget: WorkBudget, units: number, where: () => string): boolean {
  if (budget.exhaustedAt !== null) return false;
  budget.used += units;
  if (budget.used <= budget.limit) return true;
  budget.exhaustedAt = where();
  return false;
}

export function budgetMessage(budget: WorkBudget): string {
  return `the walk was cut after ${budget.limit.toLocaleString('en-US')} units of work (rules evaluated and branch copies), at ${budget.exhaustedAt ?? '?'}: the outcomes listed are incomplete`;
}
