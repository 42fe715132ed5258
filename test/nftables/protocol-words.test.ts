// Protocol constants as nft prints them (recorded: test/fixtures/snapshots/ip-protocols): rules
// given a protocol by number or name come back with getprotobynumber()'s name (`ipencap` for 4,
// `ipip` for 94, `ipv6-icmp`, `gre`); each must compare equal to the number it was given.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NftRule } from '../../src/nftables/model.js';
import { parseNftText } from '../../src/nftables/parse-nft-text.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { constantMatches } from '../../src/nftables/values.js';
import { PROJECT_ROOT } from '../corpus.js';

const RECORDED = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'ip-protocols');

/** The numbers each rule of `table inet protocols` was given, from its comment. */
function givenNumbers(rule: NftRule): number[] {
  const words = /^given (.*?)(?: = (\d+))?$/.exec(rule.comment ?? '')!;
  if (words[2] !== undefined) return [Number(words[2])];
  return words[1]!.split(', ').map((w) => ({ tcp: 6, udp: 17 })[w] ?? Number(w));
}

function protocolConstant(rule: NftRule) {
  const first = rule.expr[0]!;
  if (!('match' in first)) throw new Error(`${rule.text}: no match first`);
  return first.match.right;
}

describe('nft protocol constants as recorded', () => {
  const text = parseNftText(readFileSync(join(RECORDED, 'nft-ruleset.txt'), 'utf8'), 'nft-ruleset.txt');
  const json = readNftJson(readFileSync(join(RECORDED, 'nft-ruleset.json'), 'utf8'), 'nft-ruleset.json');
  for (const [form, read] of [['text', text], ['json', json]] as const) {
    it(`${form}: each constant equals the number the rule was given, and no other`, () => {
      const rules = read.value.tables.find((t) => t.name === 'protocols')!.chains.flatMap((c) => c.rules);
      expect(rules).toHaveLength(6);
      for (const rule of rules) {
        const right = protocolConstant(rule);
        const given = givenNumbers(rule);
        for (let n = 0; n < 256; n++) expect(constantMatches({ t: 'int', n }, right), `${rule.text} vs ${n}`).toBe(given.includes(n));
      }
    });
  }

  it('a protocol word nft could not have printed is "cannot tell", not a mismatch', () => {
    const r = parseNftText('table inet t {\n\tchain c {\n\t\tmeta l4proto frobnicate accept\n\t}\n}\n', 'bad.nft');
    const rule = r.value.tables[0]!.chains[0]!.rules[0]!;
    expect(constantMatches({ t: 'int', n: 6 }, protocolConstant(rule))).toBeNull();
  });
});
