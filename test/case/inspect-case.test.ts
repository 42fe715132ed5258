import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInspect } from '../../src/app/inspect.js';
import { PROJECT_ROOT, corpusPath, NEEDS_CORPUS } from '../corpus.js';

const root = mkdtempSync(join(tmpdir(), 'natpath-inspect-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('inspect reads capture facts', NEEDS_CORPUS, () => {
  it('gives format, link types, interfaces and the time span of a pcapng with several interfaces', async () => {
    const report = await runInspect({ paths: [], hosts: [{ name: 'h', path: corpusPath('pcapng-suite/be_advanced_test100.pcapng') }] });
    const facts = report.hosts[0]?.files[0]?.facts;
    expect(facts).toMatchObject({
      type: 'capture',
      format: 'pcapng',
      packets: 5,
      complete: true,
      interfaces: [
        { id: 0, name: 'eth0', linkType: 'EN10MB', packets: 4 },
        { id: 1, name: 'null1', linkType: 'NULL', packets: 1 },
        { id: 2, name: 'wifi2?', packets: 0 },
      ],
      firstTimestamp: '1340954905.298858',
    });
    expect(report.totals.packets).toBe(5);
  });

  it('keeps the packets before the damage of a capture cut mid-record and names file and offset', async () => {
    const whole = readFileSync(corpusPath('tcpdump/02-sunrise-sunset-esp.pcap'));
    const host = join(root, 'cut', 'node1');
    mkdirSync(host, { recursive: true });
    // 24-byte header, then 8 records; cutting 10 bytes off the end breaks the last one.
    writeFileSync(join(host, 'capture.pcap'), whole.subarray(0, whole.length - 10));
    const report = await runInspect({ paths: [join(root, 'cut')], hosts: [] });
    const file = report.hosts[0]?.files[0];
    expect(file?.facts).toMatchObject({ type: 'capture', packets: 7, complete: false });
    const problem = file?.diagnostics.find((d) => d.code === 'capture.truncated');
    expect(problem?.place.file).toContain('capture.pcap');
    expect(problem?.place.offset).toBeGreaterThan(24);
    expect(problem?.place.offset).toBeLessThan(whole.length);
  });

  it('reports a header-only capture as usable with no packets and no timestamps', async () => {
    const whole = readFileSync(corpusPath('tcpdump/02-sunrise-sunset-esp.pcap'));
    const host = join(root, 'empty', 'node1');
    mkdirSync(host, { recursive: true });
    writeFileSync(join(host, 'capture.pcap'), whole.subarray(0, 24));
    const report = await runInspect({ paths: [join(root, 'empty')], hosts: [] });
    expect(report.hosts[0]?.files[0]?.facts).toMatchObject({ packets: 0, firstTimestamp: null, durationSeconds: null, complete: true });
  });
});

const SAMPLE_KINDS: Record<string, string> = {
  'capture.pcap': 'pcap',
  'capture.pcap.gz': 'pcap',
  'capture.pcapng': 'pcapng',
  'iptables-save.txt': 'iptables-save',
  'ip6tables-save.txt': 'ip6tables-save',
  'ip-route.txt': 'ip-route',
  'ip6-route.txt': 'ip-route',
  'ip-rule.txt': 'ip-rule',
  'ip-addr.txt': 'ip-addr',
  'ip-link.txt': 'ip-link',
  'conntrack.txt': 'conntrack',
  'ipset-save.txt': 'ipset-save',
  'nft-ruleset.txt': 'nft-ruleset',
  'nft-ruleset.json': 'nft-ruleset-json',
};

describe('every lab sample file', () => {
  const samples = join(PROJECT_ROOT, 'samples');
  const scenarios = existsSync(samples) ? readdirSync(samples).filter((s) => existsSync(join(samples, s, 'truth.json'))) : [];
  it.runIf(scenarios.length > 0).each(scenarios)('%s: each file recognised by content, with facts and no problem', async (scenario) => {
    const report = await runInspect({ paths: [join(samples, scenario)], hosts: [] });
    // Every host of the truth, and no other (pod-egress-node-only and clusterip-same-node hold one).
    const truthHosts = Object.keys((JSON.parse(readFileSync(join(samples, scenario, 'truth.json'), 'utf8')) as { hosts: object }).hosts);
    expect(report.hosts.map((h) => h.name).sort()).toEqual(truthHosts.sort());
    for (const host of report.hosts) {
      for (const file of host.files) {
        const name = file.path.slice(file.path.lastIndexOf('/') + 1);
        expect(file.kind, file.path).toBe(SAMPLE_KINDS[name]);
        expect(file.facts, file.path).not.toBeNull();
        expect(file.diagnostics.filter((d) => d.severity !== 'info'), file.path).toEqual([]);
      }
    }
    // truth.json sits beside the host folders: listed as outside any host, never used.
    expect(report.looseFiles.map((f) => f.path.slice(f.path.lastIndexOf('/') + 1))).toEqual(['truth.json']);
  });
});
