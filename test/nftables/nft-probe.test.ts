// A ruleset written for these tests, loaded into the real nft 1.0.6 in a scratch namespace and
// listed by it in both forms (test/fixtures/nftables/make-nft-probe.sh): NAT to ranges with flags,
// `dnat ip to tcp dport map`, `snat ip prefix to … map`, numgen/jhash maps, masked tcp flags,
// flag lists, ct/fib expressions, limits, rejects, tcp option, IPv6 and inet tables. Needs no
// corpus: it runs in every clone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNftText } from '../../src/nftables/parse-nft-text.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { PROJECT_ROOT } from '../corpus.js';
import { alignOptionalKeys, comparableModel, normaliseListing, rulesetToListing, trimNftListing } from './nft-listing.js';

const dir = join(PROJECT_ROOT, 'test/fixtures/nftables');
const text = readFileSync(join(dir, 'nft-probe.txt'), 'utf8');
const json = readFileSync(join(dir, 'nft-probe.json'), 'utf8');

describe('the nft probe fixture', () => {
  it('its text reads exactly into what nft -j lists, without a problem', () => {
    const parsed = parseNftText(text, 'nft-probe.txt');
    expect(parsed.issues).toEqual([]);
    const ours = normaliseListing(rulesetToListing(parsed.value), false);
    const nft = normaliseListing(trimNftListing(JSON.parse(json).nftables), false);
    alignOptionalKeys(ours, nft);
    expect(ours).toEqual(nft);
    expect((ours.rule ?? []).length).toBe(42);
  });

  it('the text and the JSON reader give the same model, quoted rule texts included', () => {
    const fromText = parseNftText(text, 'nft-probe.txt').value;
    const fromJson = readNftJson(json, 'nft-probe.json').value;
    expect(comparableModel(fromText, false)).toEqual(comparableModel(fromJson, false));
  });
});
