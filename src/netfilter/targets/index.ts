// The registry of `-j` targets natpath reads: one file per target (or family of targets) in this
// folder. A name not listed here is a continuing target (LOG, …), an opaque one (NFQUEUE, …), an
// unknown extension, or a jump to a user chain — parse-target.ts tells which.

import type { TargetModule } from '../target-module.js';
import { CT, NOTRACK } from './conntrack.js';
import { CONNMARK, MARK } from './mark.js';
import { MASQUERADE_REDIRECT, NETMAP, SNAT_DNAT } from './nat.js';
import { TPROXY } from './tproxy.js';
import { REJECT, VERDICT } from './verdict.js';

const MODULES: readonly TargetModule[] = [VERDICT, REJECT, MARK, CONNMARK, SNAT_DNAT, MASQUERADE_REDIRECT, NETMAP, NOTRACK, CT, TPROXY];

const BY_NAME = new Map(MODULES.flatMap((m) => m.names.map((name) => [name, m] as const)));

/** The module reading `-j NAME`, or undefined when natpath has none for it. */
export function targetModule(name: string): TargetModule | undefined {
  return BY_NAME.get(name);
}
