// natpath collect: the shipped script refuses to capture without limits, prints itself, and — in
// network namespaces of a small pod → node (MASQUERADE) → server world, as root — collects cases
// that `natpath analyze` reads as they are (two host archives), leaving no tcpdump behind.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run-cli.js';
import { PROJECT_ROOT } from '../../corpus.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-collect-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const SCRIPT = join(PROJECT_ROOT, 'bin', 'natpath-collect.sh');

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const canLab =
  process.getuid?.() === 0 &&
  ['ip', 'iptables', 'tcpdump', 'tar'].every(has) &&
  spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;

describe('the collect script', () => {
  it('is printed by --print-script exactly as shipped, and is valid POSIX sh', () => {
    const r = runCli(['collect', '--print-script']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(SCRIPT, 'utf8'));
    for (const shell of ['sh', 'dash'].filter(has)) expect(spawnSync(shell, ['-n', SCRIPT]).status, shell).toBe(0);
  });

  it.runIf(has('shellcheck'))('is shellcheck-clean as POSIX sh', () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', SCRIPT], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
  });

  it('refuses to capture without all three limits, and says which are missing', () => {
    const printed = join(scratch, 'collect.sh');
    writeFileSync(printed, runCli(['collect', '--print-script']).stdout);
    const r = spawnSync('sh', [printed, '--out', join(scratch, 'x'), '--duration', '10'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('refusing to capture without limits: give --packets --size');
    const cli = runCli(['collect', '--out', join(scratch, 'x'), '--packets', '5', '--size', '1']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('give --duration');
    expect(spawnSync('sh', [printed, '--out', join(scratch, 'x'), '--duration', '0', '--packets', '1', '--size', '1'], { encoding: 'utf8' }).stderr).toContain('--duration expects whole seconds > 0');
  });
});

describe('the collect script with hostile host names (issue 16)', () => {
  it('a --host that starts with "-" is a folder and an archive entry, never a tar option', async () => {
    const out = join(scratch, 'dash');
    // Network state only: nothing is captured; without root the dumps fail and are listed as skipped.
    const r = spawnSync('sh', [SCRIPT, '--out', out, '--host', '-x', '--no-capture'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const entries = execFileSync('tar', ['-tzf', join(out, '-x.tar.gz')], { encoding: 'utf8' }).trim().split('\n');
    expect(entries).toContain('./-x/host-info.txt');
    const { loadCase } = await import('../../../src/case/load-case.js');
    const c = await loadCase({ paths: [join(out, '-x.tar.gz')], hosts: [] });
    expect(c.hosts.map((h) => h.name)).toEqual(['-x']);
  });

  it('a --host with spaces, line breaks or path parts is refused before anything is collected', () => {
    for (const name of ['a b', 'x\ny', '../up', '.hidden', 'a/b']) {
      const r = spawnSync('sh', [SCRIPT, '--out', join(scratch, 'bad'), '--host', name, '--no-capture'], { encoding: 'utf8' });
      expect(r.status, name).toBe(2);
      expect(r.stderr).toContain('unusable host name');
    }
  });
});

describe.runIf(canLab)('collect inside lab namespaces (root)', () => {
  const out = join(scratch, 'lab');
  const printed = join(scratch, 'collect-lab.sh');
  let facts = new Map<string, string>();

  it('collects node1 and the server while the pod makes 3 requests, and stops cleanly', () => {
    execFileSync('mkdir', ['-p', out]);
    writeFileSync(printed, runCli(['collect', '--print-script']).stdout);
    const text = execFileSync('bash', [join(PROJECT_ROOT, 'test', 'app', 'collect', 'collect-lab.sh'), out, printed, join(PROJECT_ROOT, 'samples', 'lab', 'services.mjs')], { encoding: 'utf8', timeout: 60_000 });
    facts = new Map(text.trim().split('\n').map((l) => l.split(': ') as [string, string]));
    expect(facts.get('collect-node1-exit')).toBe('0');
    expect(facts.get('collect-partner-exit')).toBe('0');
    // No tcpdump (nor anything else) left in the node's namespace, after a normal end or a TERM.
    expect(facts.get('node-pids-after')).toBe('0');
    expect(facts.get('collect-counted-exit')).toBe('0');
    expect(facts.get('counted-packets')).toBe('4');
    expect(Number(facts.get('counted-seconds'))).toBeLessThan(30);
    expect(readFileSync(join(out, 'counted.stderr'), 'utf8')).toContain('packet limit reached');
    expect(facts.get('collect-stopped-exit')).toBe('143');
    expect(Number(facts.get('stopped-seconds'))).toBeLessThan(10);
    expect(facts.get('node-pids-after-stop')).toBe('0');
    const stderr = readFileSync(join(out, 'node1.stderr'), 'utf8');
    expect(stderr).toContain('collected into');
    expect(stderr).toContain('capture stopped: duration limit reached');
    // Entries are ./node1/… (the script writes ./NAME so that a name starting with "-" is no tar option).
    const entries = execFileSync('tar', ['-tzf', join(out, 'node1.tar.gz')], { encoding: 'utf8' }).trim().split('\n').map((e) => e.replace(/^\.\//, '')).sort();
    for (const f of ['capture.pcap', 'iptables-save.txt', 'ip6tables-save.txt', 'ip-route.txt', 'ip6-route.txt', 'ip-rule.txt', 'ip6-rule.txt', 'ip-addr.json', 'ip-link.json', 'host-info.txt']) {
      expect(entries).toContain(`node1/${f}`);
    }
    if (has('conntrack')) expect(entries).toContain('node1/conntrack.txt');
  });

  it('saves the ipsets and the nft ruleset (JSON) where the tools exist, and inspect reads them by content', () => {
    // The archive names its entries ./node1/… (see the script: a host name may start with "-").
    const entries = execFileSync('tar', ['-tzf', join(out, 'node1.tar.gz')], { encoding: 'utf8' }).trim().split('\n').map((e) => e.replace(/^\.\//, ''));
    if (has('ipset')) expect(entries).toContain('node1/ipset-save.txt');
    if (has('nft')) expect(entries).toContain('node1/nft-ruleset.json');
    // What was saved is read back by content: the set with its entry, the nft JSON ruleset.
    const inspect = runCli(['inspect', join(out, 'node1.tar.gz'), '--format', 'json']);
    const files = (JSON.parse(inspect.stdout) as { hosts: Array<{ files: Array<{ path: string; kind: string; facts: { type: string; sets?: Array<{ name: string; entries: number }> } | null }> }> }).hosts[0]!.files;
    const kindOf = (name: string) => files.find((f) => f.path.endsWith(`/${name}`))?.kind;
    if (has('ipset')) {
      expect(kindOf('ipset-save.txt')).toBe('ipset-save');
      expect(files.find((f) => f.path.endsWith('/ipset-save.txt'))!.facts?.sets).toEqual([expect.objectContaining({ name: 'pods', entries: 1 })]);
    }
    if (has('nft')) expect(kindOf('nft-ruleset.json')).toBe('nft-ruleset-json');
  });

  it('gives archives natpath analyze reads as a case: the server sees the node, by the MASQUERADE rule', () => {
    const r = runCli(['analyze', join(out, 'node1.tar.gz'), join(out, 'partner.tar.gz'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.diagnostics.filter((d: { severity: string }) => d.severity === 'error')).toEqual([]);
    const answer = report.answers.find((a: { server: string }) => a.server === '10.0.0.50:8080');
    expect(answer.sources).toEqual(['10.0.0.11']);
    expect(answer.seenAtServer).toBe(true);
    expect(answer.flows).toBe(3);
    expect(answer.translations).toEqual(['SNAT 10.244.1.2 → 10.0.0.11 on node1 between vethpod and eth0 by nat/POSTROUTING rule 1 (MASQUERADE) (3 of 3 flows)']);
    const snat = report.flows.flatMap((f: { translations: unknown[] }) => f.translations)[0];
    expect(snat.conntrack?.entry ?? null).not.toBeNull();
  });
});

describe.runIf(canLab)('collect --size under a flood (root, issue 16)', () => {
  it('the capture file ends within one packet of --size however fast packets come (tcpdump -C), and is read whole', () => {
    const out = join(scratch, 'flood');
    const text = execFileSync('bash', [join(PROJECT_ROOT, 'test', 'app', 'collect', 'collect-flood.sh'), out, SCRIPT, '1'], { encoding: 'utf8', timeout: 120_000 });
    const listing = text.slice(text.indexOf('entries:'), text.indexOf('log:'));
    const size = Number(/(\d+) \S+ \S+ \.\/flood\/capture\.pcap$/m.exec(listing)?.[1]);
    // One packet: 1 400 bytes of UDP payload + 42 of headers + 16 of pcap record header. (The
    // size checked once a second let this flood write 138 MB under --size 1.)
    const packet = 1400 + 42 + 16;
    expect(size).toBeGreaterThan(1_000_000 - packet);
    expect(size).toBeLessThanOrEqual(1_000_000 + packet);
    expect(listing).not.toMatch(/capture\.pcap\d/);
    expect(text).toContain('capture: size limit reached');
    const inspect = runCli(['inspect', join(out, 'flood.tar.gz'), '--format', 'json']);
    const capture = (JSON.parse(inspect.stdout) as { hosts: Array<{ files: Array<{ path: string; facts: { complete?: boolean; packets?: number } | null }> }> }).hosts[0]!.files.find((f) => f.path.endsWith('/capture.pcap'))!;
    expect(capture.facts?.complete).toBe(true);
    expect(capture.facts?.packets).toBe(Math.round((size - 24) / packet));
  }, 150_000);
});
