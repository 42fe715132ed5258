// An `nft -j list ruleset` cut short (a full disk, a killed collector) does not parse as a whole,
// yet it is still that dump: recognised as nft JSON, its complete items before the damage read
// (with the byte offset of the damage named), not set aside as an unrecognised file — which lost
// every rule of the host. The dump is the lab's real Docker host (samples/docker-nft); only the
// cut is made here.

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInspect } from '../../src/app/inspect.js';
import { recognizeBytes } from '../../src/case/recognize-file.js';
import { samplePath } from '../corpus.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-nft-cut-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const whole = readFileSync(samplePath('docker-nft/docker/nft-ruleset.json'), 'utf8');

describe('an nft -j dump cut short', () => {
  it('is recognised as nft JSON, saying it does not parse as a whole', () => {
    const cut = whole.slice(0, Math.floor(whole.length * 0.7));
    const r = recognizeBytes(new TextEncoder().encode(cut), true, 'nft-ruleset.json');
    expect(r.kind).toBe('nft-ruleset-json');
    expect((r as { note?: string }).note).toMatch(/does not parse as a whole .*complete items before the damage are read/);
  });

  it('keeps the host\'s complete tables, chains and rules before the cut, and names the byte offset', async () => {
    const at = whole.indexOf('"nat-postrouting-out__docker0"', whole.indexOf('"rule"'));
    expect(at).toBeGreaterThan(0);
    const host = join(scratch, 'docker');
    mkdirSync(host, { recursive: true });
    writeFileSync(join(host, 'nft-ruleset.json'), whole.slice(0, at));
    const report = await runInspect({ paths: [host], hosts: [] });
    const h = report.hosts[0]!;
    expect(h.nftables?.files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual(['nft-ruleset.json']);
    const file = h.files.find((f) => f.path.endsWith('nft-ruleset.json'))!;
    expect(file.kind).toBe('nft-ruleset-json');
    const damage = file.diagnostics.find((d) => d.severity === 'error');
    expect(damage?.message).toMatch(/not valid JSON at byte offset \d+ .*the \d+ complete item\(s\) before it are kept/);
    // Every item before the cut is kept: the whole dump has 15 rules, the cut one is the last.
    const facts = file.facts as { tables: Array<{ name: string; chains: number; rules: number }> };
    expect(facts.tables.map((t) => `${t.name}: ${t.chains} chains, ${t.rules} rules`)).toEqual(['docker-bridges: 10 chains, 14 rules']);
    expect(report.totals.unrecognised).toBe(0);
  });

  it('JSON that is not an nft dump stays unrecognised, with the parse error', () => {
    const r = recognizeBytes(new TextEncoder().encode('{"routes": [1, 2'), true, 'x.json');
    expect(r.kind).toBe('unrecognised');
  });
});
