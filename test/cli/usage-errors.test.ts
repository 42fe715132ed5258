// What a user sees for each kind of usage mistake (exit 2, nothing on stdout, natpath's words and
// where to read more), and --help fitting the width, through the CLI's own main() in process.
// The parser's decisions themselves are in parse-command-line.test.ts.

import { describe, expect, it } from 'vitest';
import { samplePath } from '../corpus.js';
import { runCliInProcess } from './run-cli-in-process.js';

const CAPTURE = samplePath('nodeport/node1/capture.pcapng');

async function usageError(args: string[]): Promise<string> {
  const r = await runCliInProcess(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r.stderr;
}

describe('usage errors', () => {
  it('say what is wrong with which option, in the words of the command', async () => {
    const help = '\nRun "natpath decode --help" for its options and examples.\n';
    expect(await usageError(['decode', CAPTURE, '--limit'])).toBe(`natpath decode: --limit needs a value${help}`);
    expect(await usageError(['decode', CAPTURE, '--limit='])).toBe(`natpath decode: --limit needs a value${help}`);
    expect(await usageError(['decode', CAPTURE, '--out', '--format', 'json'])).toBe(`natpath decode: --out needs a value${help}`);
    expect(await usageError(['decode', CAPTURE, '--limit', 'abc'])).toBe(`natpath decode: --limit expects a whole number of packets ≥ 1, got abc${help}`);
    expect(await usageError(['decode', CAPTURE, '--vxlan-port', '70000'])).toBe(`natpath decode: --vxlan-port expects a UDP port 1-65535, got 70000${help}`);
    expect(await usageError(['decode', CAPTURE, '--format=jsn'])).toBe(`natpath decode: --format "jsn" is not one of "table", "csv", "json", "ndjson"; did you mean "json"?${help}`);
    expect(await usageError(['decode', CAPTURE, '--summary=maybe'])).toBe(`natpath decode: --summary is a switch: it takes no value (or true/false), got "maybe"${help}`);
    expect(await usageError(['decode', CAPTURE, 'second.pcap'])).toBe(`natpath decode: too many arguments: "second.pcap" (it takes 1)${help}`);
    expect(await usageError(['trace', 'h', '--frm', '1.2.3.4'])).toMatch(/^natpath trace: unknown option or argument --frm; did you mean --from\?\n/);
    expect(await usageError(['trace', 'h', '--sport', '70000'])).toMatch(/^natpath trace: --sport expects a port 1-65535, got 70000\n/);
    expect(await usageError(['batch', 'c', '--out', 'o', '--shard', '1/2', '--shards', '2'])).toMatch(/^natpath batch: --shard and --shards cannot be used together\n/);
    expect(await usageError(['collect', 'extra'])).toMatch(/^natpath collect: unknown argument "extra" \(this command takes none\)\n/);
  });

  it('never echo control characters to the terminal: they are shown escaped, unicode as it is', async () => {
    const stderr = await usageError(['decode', CAPTURE, '--format', 'j\u001b[2Jsön\u0007']);
    expect(stderr).toContain('--format "j\\x1b[2Jsön\\x07" is not one of');
    expect(stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(await usageError(['\u001b]0;title\u0007'])).toContain('unknown command "\\x1b]0;title\\x07"');
    expect(await usageError(['decode', CAPTURE, '--bögus\u0000'])).toContain('unknown option or argument --bögus\\x00');
  });

  it('an unknown or mistyped command', async () => {
    expect(await usageError(['deocde', CAPTURE])).toBe('natpath: unknown command "deocde"; did you mean "decode"?\nRun "natpath --help" for the commands.\n');
    expect(await usageError(['frobnicate'])).toBe('natpath: unknown command "frobnicate"\nRun "natpath --help" for the commands.\n');
  });

  it('no command: the list of commands, also when only options or only words after -- are given', async () => {
    for (const args of [[], ['--color'], ['--width', '40'], ['--', 'decode']]) {
      expect(await usageError(args), args.join(' ')).toMatch(/^natpath: name a command:\n {2}natpath analyze /);
    }
  });

  it('global options before the command are read as options, with their value', async () => {
    const r = await runCliInProcess(['--width', '60', 'decode', CAPTURE, '--limit', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').every((l) => l.length <= 60)).toBe(true);
  });
});

describe('--help and --version (in process: they no longer end the process)', () => {
  it('each command has its options, examples and notes, fitted to --width', async () => {
    for (const [command, expected] of [
      ['decode', ['<capture>', '--limit <N>', '--vxlan-port <PORT>', 'repeatable', 'one of: table, csv, json, ndjson; default: table', 'Examples:', 'natpath decode big.pcapng.gz --summary']],
      ['analyze', ['[paths...]', '-v, --verbose', '--max-flows <N>', 'default: 1000', '66 nothing usable in the inputs']],
      ['trace', ['--src, --from <IP[:PORT]>', '--locally-generated, --local', 'ephemeral port 40000']],
      ['batch', ['--out <DIR>', 'required', '--shard <I/N>']],
      ['collect', ['--no-capture', '--print-script', 'docs/collect.md']],
      ['inspect', ['--host <NAME=PATH>', '--format <FORMAT>']],
    ] as const) {
      for (const width of [60, 100]) {
        const r = await runCliInProcess([command, '--help', '--width', String(width)]);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        // Wrapped lines joined again: a phrase may be cut at any space.
        const flat = r.stdout.replace(/\s+/g, ' ');
        for (const s of expected) expect(flat, `${command} --help at ${width}`).toContain(s);
        expect(Math.max(...r.stdout.split('\n').map((l) => l.length)), `${command} --help at ${width}`).toBeLessThanOrEqual(width);
      }
    }
  });

  it('natpath --help, -h, natpath help and natpath help <command>', async () => {
    const main = await runCliInProcess(['--help']);
    expect(main.stdout).toContain('Commands:');
    for (const c of ['inspect', 'decode', 'analyze', 'trace', 'batch', 'collect']) expect(main.stdout).toContain(`natpath ${c}`);
    expect((await runCliInProcess(['-h'])).stdout).toBe(main.stdout);
    expect((await runCliInProcess(['help'])).stdout).toBe(main.stdout);
    expect((await runCliInProcess(['help', 'decode'])).stdout).toBe((await runCliInProcess(['decode', '-h'])).stdout);
    // Help wins over a mistake on the same line: the user asked how to write it.
    expect((await runCliInProcess(['decode', '--limit', 'x', '--help'])).code).toBe(0);
    // After --, "-h" is a file name.
    expect((await runCliInProcess(['decode', '--', '-h'])).code).toBe(66);
  });

  it('--version prints the version alone', async () => {
    const r = await runCliInProcess(['decode', '--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('-V and -h count grouped with other short flags, as -vh always did', async () => {
    const version = (await runCliInProcess(['--version'])).stdout;
    for (const args of [['analyze', '-vV'], ['-V'], ['analyze', '-Vv', 'x']]) {
      const r = await runCliInProcess(args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 0, stdout: version });
    }
    expect((await runCliInProcess(['analyze', '-vh'])).stdout).toBe((await runCliInProcess(['analyze', '--help'])).stdout);
    // A value that only looks like grouped flags is not a request: after --, and a negative number.
    expect((await runCliInProcess(['decode', '--', '-V'])).code).toBe(66);
    expect((await runCliInProcess(['trace', '--sport', '-1'])).stdout).not.toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
