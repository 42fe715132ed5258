// `--threads N` for the command that can use a second core (decode --summary: flow counting
// beside decoding on captures of millions of packets). NATPATH_THREADS gives the default, so a
// busy machine or a benchmark can set it once.

import type { NumberOption } from './command-spec.js';

export const THREADS_ENV = 'NATPATH_THREADS';

/** The option; `fallback` says what happens without the flag or the variable. */
export function threadsOption(what: string, fallback: string): NumberOption {
  return {
    type: 'number',
    integer: true,
    min: 1,
    meta: 'N',
    expects: 'a whole number ≥ 1',
    describe: `${what} (default: $${THREADS_ENV}, else ${fallback}; 1 = this thread only)`,
  };
}

/** The thread count asked for (flag, else environment), undefined for the default, or an error text. */
export function threadsAsked(flag: number | undefined, env: NodeJS.ProcessEnv): number | undefined | { error: string } {
  const raw: unknown = flag ?? (env[THREADS_ENV] === undefined || env[THREADS_ENV] === '' ? undefined : Number(env[THREADS_ENV]));
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) {
    const source = flag !== undefined ? '--threads' : THREADS_ENV;
    return { error: `${source} expects a whole number ≥ 1, got ${flag !== undefined ? String(flag) : String(env[THREADS_ENV])}` };
  }
  return raw;
}
