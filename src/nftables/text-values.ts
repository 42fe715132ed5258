// Turns the words of `nft list ruleset` into the values `nft -j` writes for them: integers
// (decimal or 0x hex) become numbers, `a/len` a prefix, `a-b` a range, everything else stays a
// string (addresses, symbolic constants like `established` or `tcp`). Also the named chain
// priorities and nft's time units.

import { NFT_BRIDGE_PRIORITY_NAMES, NFT_PRIORITY_NAMES } from './model.js';

export type NftValue = string | number | boolean | null | NftValue[] | { [key: string]: NftValue };

const DECIMAL = /^\d+$/;
const NEGATIVE = /^-\d+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/;

/** An integer word as a number, or null when it is not one (or too big to be exact). */
export function readInteger(word: string): number | null {
  if (DECIMAL.test(word) || NEGATIVE.test(word)) {
    const n = Number(word);
    return Number.isSafeInteger(n) ? n : null;
  }
  if (HEX.test(word)) {
    const n = Number.parseInt(word.slice(2), 16);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

export function isAddress(word: string): boolean {
  return IPV4.test(word) || (IPV6.test(word) && word.includes(':'));
}

/** One scalar word: a number when it is an integer, else the word itself. */
export function readScalar(word: string): NftValue {
  const n = readInteger(word);
  return n === null ? word : n;
}

/**
 * A value word as nft -j writes it: `10.0.0.0/8` → prefix, `1-1023` / `10.0.0.1-10.0.0.9` → range,
 * integers → numbers, anything else → the word.
 */
export function readValueWord(word: string): NftValue {
  const slash = word.indexOf('/');
  if (slash > 0) {
    const addr = word.slice(0, slash);
    const len = readInteger(word.slice(slash + 1));
    if (len !== null && isAddress(addr)) return { prefix: { addr, len } };
  }
  const dash = word.indexOf('-', 1);
  if (dash > 0) {
    const low = word.slice(0, dash);
    const high = word.slice(dash + 1);
    if ((readInteger(low) !== null && readInteger(high) !== null) || (isAddress(low) && isAddress(high))) {
      return { range: [readScalar(low), readScalar(high)] };
    }
  }
  return readScalar(word);
}

/** A standard priority name (`dstnat`, `filter`, …) as its number; bridge has its own scale. */
export function priorityNameValue(name: string, family: string): number | null {
  const table = family === 'bridge' ? NFT_BRIDGE_PRIORITY_NAMES : NFT_PRIORITY_NAMES;
  return Object.hasOwn(table, name) ? table[name]! : null;
}

const TIME_UNIT_SECONDS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
const TIME = /^(\d+)(d|h|ms|m|s)/;

/** nft time strings (`3h`, `5m10s250ms`, `600s`) in seconds; null when the word is not one. */
export function readDuration(word: string): number | null {
  if (DECIMAL.test(word)) return Number(word);
  let rest = word;
  let total = 0;
  while (rest.length > 0) {
    const m = TIME.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * TIME_UNIT_SECONDS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return word.length > 0 ? total : null;
}
