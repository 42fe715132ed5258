// What one `-j` target module is to the rule reader: the names it serves and how it reads its
// options into a typed target. Each lives in targets/ (one file per target or family of targets);
// targets/index.ts is the registry parse-target.ts looks names up in.

import type { Family } from '../net/address.js';
import type { NatFlags, Target } from './model.js';

export interface TargetOption {
  name: string;
  args: string[];
}

export interface TargetReader {
  readonly name: string;
  /** The words after `-j NAME`, as written. */
  readonly words: readonly string[];
  readonly family: Family;
  readonly options: readonly TargetOption[];
  /** The first option with one of these names. */
  opt(...names: string[]): TargetOption | undefined;
  flag(name: string): boolean;
}

export interface TargetModule {
  readonly names: readonly string[];
  /** The target, or why its options are wrong (an error; the rule's target becomes unknown). */
  read(t: TargetReader): Target | { bad: string };
}

/** --random, --random-fully, --persistent of the NAT targets. */
export function natFlags(t: TargetReader): NatFlags {
  return { random: t.flag('--random'), randomFully: t.flag('--random-fully'), persistent: t.flag('--persistent') };
}
