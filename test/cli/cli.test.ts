// The command line as a user meets it: help and version, exit statuses of the process itself,
// --out, as spawned processes (run-cli.ts); usage errors and colour choices through main() in process.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPath, NEEDS_CORPUS, samplePath } from '../corpus.js';
import { runCli } from './run-cli.js';
import { runCliInProcess } from './run-cli-in-process.js';

const root = mkdtempSync(join(tmpdir(), 'natpath-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the natpath command line', () => {
  it('prints help with examples and exit codes, and its version', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('natpath inspect');
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('Exit codes');
    expect(help.stdout).toContain('trace');
    const version = runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('trace --help documents its options, the ephemeral port and the input rule', () => {
    const r = runCli(['trace', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--src', '--dst', '--in', '--locally-generated', '--host-addrs', '--mark', 'ephemeral port 40000', 'unknown interface']) expect(r.stdout).toContain(s);
  });

  it('rejects unknown options and formats with exit code 2 and no stack trace', async () => {
    for (const args of [['inspect', '--bogus', 'x'], ['inspect', 'x', '--format', 'xml'], ['frobnicate'], []]) {
      const r = await runCliInProcess(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/natpath/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
    const badHost = await runCliInProcess(['inspect', '--host', 'no-equals-sign']);
    expect(badHost.code).toBe(2);
    expect(badHost.stderr).toContain('NAME=PATH');
  });

  it('exits 66 with the reason on stderr when nothing usable is found', () => {
    const r = runCli(['inspect', join(root, 'nothing-here')]);
    expect(r.code).toBe(66);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${join(root, 'nothing-here')}: no such file or folder`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const junk = join(root, 'junk-only', 'h');
    mkdirSync(junk, { recursive: true });
    writeFileSync(join(junk, 'notes.txt'), 'not a dump\n');
    const unusable = runCli(['inspect', join(root, 'junk-only')]);
    expect(unusable.code).toBe(66);
    // No report on stdout at 66 (a script would take it for a result); why goes to stderr.
    expect(unusable.stdout).toBe('');
    expect(unusable.stderr).toContain(`${join(junk, 'notes.txt')}: not used: text that is no dump natpath knows`);
    expect(unusable.stderr).toContain('no capture or snapshot could be used');
    const noCapture = runCli(['analyze', join(root, 'junk-only')]);
    expect(noCapture.code).toBe(66);
    expect(noCapture.stdout).toBe('');
    expect(noCapture.stderr).toContain('no capture could be read in the inputs');
    const noSnapshot = runCli(['trace', join(root, 'junk-only'), '--host', 'h', '--src', '10.0.0.1', '--dst', '10.0.0.2:80']);
    expect(noSnapshot.code).toBe(66);
    expect(noSnapshot.stdout).toBe('');
    expect(noSnapshot.stderr).toContain('the host has no snapshot to walk the packet through');
  });

  it('inspects a case and writes JSON to --out', NEEDS_CORPUS, () => {
    const host = join(root, 'case', 'node1');
    mkdirSync(host, { recursive: true });
    copyFileSync(corpusPath('iptables/jc-fixtures/ubuntu-18.04__ip_route.out'), join(host, 'routes'));
    copyFileSync(corpusPath('tcpdump/02-sunrise-sunset-esp.pcap'), join(host, 'trace'));
    writeFileSync(join(host, 'junk.txt'), 'not a dump\n');
    const out = join(root, 'inspect.json');
    const r = runCli(['inspect', join(root, 'case'), '--format', 'json', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.schema).toBe('natpath.inspect/1');
    expect(report.hosts[0].name).toBe('node1');
    const files = report.hosts[0].files as Array<{ kind: string; facts: Record<string, unknown> | null }>;
    expect(files.map((f) => f.kind).sort()).toEqual(['ip-route', 'pcap', 'unrecognised']);
    const capture = files.find((f) => f.kind === 'pcap');
    expect(capture?.facts).toMatchObject({ type: 'capture', format: 'pcap', packets: 8, linkTypes: [{ code: 1, name: 'EN10MB', packets: 8 }] });
    expect(report.totals).toMatchObject({ hosts: 1, files: 3, captures: 1, unrecognised: 1, packets: 8 });
  });

  it('colours only when asked or on a terminal, and honours NO_COLOR', async () => {
    const host = join(root, 'c2', 'h');
    mkdirSync(host, { recursive: true });
    writeFileSync(join(host, 'junk.txt'), 'not a dump\n');
    // One usable snapshot: a case with nothing usable writes no report (exit 66).
    copyFileSync(samplePath('pod-egress-natgw/node1/ip-rule.txt'), join(host, 'ip-rule.txt'));
    expect((await runCliInProcess(['inspect', join(root, 'c2')])).stdout).toContain('unrecognised');
    expect((await runCliInProcess(['inspect', join(root, 'c2')])).stdout).not.toContain('\u001b[');
    expect((await runCliInProcess(['inspect', join(root, 'c2')], { FORCE_COLOR: '1' })).stdout).toContain('\u001b[');
    expect((await runCliInProcess(['inspect', join(root, 'c2')], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toContain('\u001b[');
    expect((await runCliInProcess(['inspect', join(root, 'c2'), '--color'], { NO_COLOR: '1' })).stdout).toContain('\u001b[');
    expect((await runCliInProcess(['inspect', join(root, 'c2'), '--no-color'], { FORCE_COLOR: '1' })).stdout).not.toContain('\u001b[');
  });
});
