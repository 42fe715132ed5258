// Issue 13, "Errors and exit codes": every mistake a new user makes ends in natpath's own words,
// with the same exit code for the same situation in every command (src/app/exit-codes.ts).
// main() in process (run-cli-in-process.ts) for what the words and codes are; a real process for
// what only one shows: the exit status of `natpath` itself, closed pipes, --help as printed by the
// installed command.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, samplePath } from '../corpus.js';
import { runCli } from './run-cli.js';
import { runCliInProcess } from './run-cli-in-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const NATGW = samplePath('pod-egress-natgw');
const CAPTURE = samplePath('nodeport/node1/capture.pcapng');
const COLLECTED = join(PROJECT_ROOT, 'test', 'fixtures', 'collected');
const noStack = /\n\s+at /;

describe('usage errors name the command and where to read more', () => {
  it('natpath alone lists the commands (exit 2, the status of the process itself)', () => {
    const r = runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    for (const c of ['analyze', 'trace', 'inspect', 'decode', 'batch', 'collect']) expect(r.stderr).toContain(`natpath ${c} `);
    expect(r.stderr).toContain('natpath <command> --help');
    expect(r.stderr).not.toContain('see the list above');
  });

  it('a missing argument says which, for which command, in natpath words', async () => {
    const r = await runCliInProcess(['decode']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('natpath decode: name the capture file to decode: natpath decode <capture>\nRun "natpath decode --help" for its options and examples.\n');
    expect(r.stderr).not.toMatch(/non-option/);
  });

  it('an unknown option or command is named as typed', async () => {
    const opt = await runCliInProcess(['analyze', NATGW, '--bogus', 'x']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/^natpath analyze: unknown option or argument --bogus\n/);
    expect(opt.stderr).toContain('natpath analyze --help');
    const cmd = await runCliInProcess(['frobnicate']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/^natpath: unknown command "frobnicate"/);
    const typo = await runCliInProcess(['analyse', NATGW]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "analyze"?');
    const format = await runCliInProcess(['inspect', NATGW, '--format', 'xml']);
    expect(format.stderr).toMatch(/^natpath inspect: --format "xml" is not one of/);
    for (const r of [opt, cmd, typo, format]) {
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(noStack);
    }
  });
});

describe('--out into a folder that does not exist', () => {
  const missing = join(scratch, 'no-such-folder', 'report.txt');
  const commands: string[][] = [
    ['analyze', NATGW],
    ['inspect', NATGW],
    ['decode', CAPTURE],
    ['trace', join(NATGW, 'node1'), '--from', '10.244.1.2', '--to', '198.51.100.10:80'],
  ];
  for (const args of commands) {
    it(`${args[0]}: usage error (exit 2) naming the folder, before any work`, async () => {
      const r = await runCliInProcess([...args, '--out', missing]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`natpath ${args[0]}: --out ${missing}: the folder ${join(scratch, 'no-such-folder')} does not exist`);
      expect(r.stderr).not.toMatch(noStack);
    });
  }
});

describe('a closed pipe (| head) ends quietly', () => {
  const runs: Array<[string, string[]]> = [
    ...['table', 'markdown', 'json', 'csv', 'html'].map((f): [string, string[]] => [`analyze --format ${f}`, ['analyze', samplePath('nodeport'), '--format', f]]),
    ['inspect', ['inspect', samplePath('nodeport')]],
    ['decode', ['decode', CAPTURE]],
    ['decode --format ndjson', ['decode', CAPTURE, '--format', 'ndjson']],
    ['trace', ['trace', samplePath('nodeport/node1'), '--from', '203.0.113.2', '--to', '10.0.0.11:30080']],
  ];
  for (const [name, args] of runs) {
    it(name, () => {
      // The reader takes one byte and leaves; natpath must not print EPIPE or a stack.
      const quoted = args.map((a) => `'${a}'`).join(' ');
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${join(PROJECT_ROOT, 'bin', 'natpath.js')}" ${quoted} 2>"$ERR" | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
        encoding: 'utf8',
        env: { ...process.env, ERR: join(scratch, 'pipe.err'), NO_COLOR: '1' },
      });
      expect(Number(r.stdout.trim()), name).toBe(0);
      expect(readFileSync(join(scratch, 'pipe.err'), 'utf8')).toBe('');
    });
  }
});

describe('a path that does not exist: nothing on stdout, the path on stderr, exit 66 in every command', () => {
  const nowhere = join(scratch, 'nowhere');
  const commands: string[][] = [
    ['analyze', nowhere],
    ['inspect', nowhere],
    ['decode', nowhere],
    ['trace', nowhere, '--from', '10.244.1.2', '--to', '198.51.100.10:80'],
    ['batch', nowhere, '--out', join(scratch, 'batch-out')],
    ['analyze', '--host', `h=${nowhere}`],
  ];
  for (const args of commands) {
    it(args.join(' ').replace(scratch, '…'), async () => {
      const r = await runCliInProcess(args);
      expect(r.code, r.stderr).toBe(66);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(nowhere);
      expect(r.stderr).not.toMatch(noStack);
    });
  }

  it('is documented once, the same in --help', () => {
    // The help of the installed command, as a user runs it: spawned.
    const help = runCli(['--help']).stdout;
    expect(help).toContain('66 nothing usable in the inputs');
    expect(runCli(['analyze', '--help']).stdout).toContain('66 nothing usable in the inputs');
    expect(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')).toContain('`66` nothing usable in the inputs');
  });
});

describe("batch over the README's own glob", () => {
  it("skips samples/lab (scripts, no capture or snapshot) with a note, and shows leaks in a case's status", async () => {
    const out = join(scratch, 'batch-samples');
    const r = await runCliInProcess(['batch', join(PROJECT_ROOT, 'samples', '*'), '--out', out, '--formats', 'json', '--jobs', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`natpath batch: note: ${join(PROJECT_ROOT, 'samples', 'lab')} holds no capture or snapshot: not a case, skipped`);
    const rows = readFileSync(join(out, 'summary.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { case: string; status: string; leaks: number });
    expect(rows.map((x) => x.case)).not.toContain('lab');
    const noMasq = rows.find((x) => x.case === 'pod-egress-no-masq')!;
    expect(noMasq.leaks).toBeGreaterThan(0);
    expect(noMasq.status).toBe('leaks');
    expect(r.stderr).toMatch(/pod-egress-no-masq: leaks: .* [1-9]\d* leak\(s\)/);
    // The other scenario without flannel's MASQUERADE: the gateway translates the pod range, so the pod address reaches it.
    const gatewaySnat = rows.find((x) => x.case === 'icmp-errors-two-rules')!;
    expect([gatewaySnat.status, gatewaySnat.leaks > 0]).toEqual(['leaks', true]);
    for (const x of rows.filter((x) => x.case !== 'pod-egress-no-masq' && x.case !== 'icmp-errors-two-rules')) expect(x.status, x.case).toBe('ok');
  });

  it('a glob that finds no case is "nothing usable" (66)', async () => {
    const empty = join(scratch, 'empty-cases', 'not-a-case');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'notes.md'), '# nothing here\n');
    const r = await runCliInProcess(['batch', join(scratch, 'empty-cases', '*'), '--out', join(scratch, 'b2')]);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('no case to analyse');
  });
});

describe('a case made by natpath collect analyses without noise', () => {
  const archives = [join(COLLECTED, 'node1.tar.gz'), join(COLLECTED, 'partner.tar.gz')];

  it("recognises collect.log and host-info.txt, and takes empty dumps as what the collector says they are", async () => {
    const r = await runCliInProcess(['inspect', ...archives, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { hosts: Array<{ name: string; files: Array<{ path: string; kind: string; facts: Record<string, unknown> | null; diagnostics: Array<{ message: string }> }> }> };
    const file = (host: string, name: string) => report.hosts.find((h) => h.name === host)!.files.find((f) => f.path.endsWith(`/${name}`))!;
    expect(file('node1', 'collect.log').kind).toBe('collect-log');
    const info = file('node1', 'host-info.txt');
    expect(info.kind).toBe('host-info');
    expect(info.facts).toMatchObject({ type: 'host-info', entries: expect.arrayContaining([{ key: 'host', value: 'node1' }]) });
    expect(file('partner', 'conntrack.txt')).toMatchObject({ kind: 'conntrack', facts: { type: 'conntrack', entries: 0 } });
    expect(file('partner', 'iptables-save.txt')).toMatchObject({ kind: 'iptables-save', facts: { type: 'iptables', rules: 0 } });
    expect(file('node1', 'ip6tables-save.txt')).toMatchObject({ kind: 'ip6tables-save', facts: { type: 'iptables', family: 'ipv6', rules: 0 } });
    expect(file('node1', 'ip6tables-save.txt').diagnostics[0]!.message).toContain('`ip6tables-save -c` (collect.log)');
    expect(file('node1', 'ip6-rule.txt').facts).toMatchObject({ type: 'rules', families: ['ipv6'] });
    expect(file('node1', 'ip-rule.txt').facts).toMatchObject({ type: 'rules', families: ['ipv4'] });
    const table = (await runCliInProcess(['inspect', ...archives])).stdout;
    expect(table).toMatch(/host-info\.txt .*natpath collect host info .*host: node1; hostname: /);
    expect(table).toContain('2 rules (ipv6)');
  });

  it('analyze reports none of the collector files as problems', async () => {
    const r = await runCliInProcess(['analyze', ...archives, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; message: string; severity: string }>; answers: Array<{ sources: string[] }> };
    // Notes (info) may say how files were read; nothing is a warning or an error.
    expect(report.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.file}: ${d.message}`)).toEqual([]);
    expect(report.answers[0]!.sources).toEqual(['10.0.0.11']);
  });
});
