// The command-line parser (src/cli/parse-command-line.ts) on the real command tables: what each
// kind of word becomes, and the failure (as data) for every kind of bad input — unknown options,
// missing and empty values, numbers out of range or not numbers, bad choices, switches given a
// value, words after `--`, unicode and control characters. The words users see are checked in
// usage-errors.test.ts.

import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS, type OptionTable } from '../../src/cli/command-spec.js';
import { analyzeCommand } from '../../src/cli/analyze-command.js';
import { batchCommand } from '../../src/cli/batch-command.js';
import { collectCommand } from '../../src/cli/collect-command.js';
import { decodeCommand } from '../../src/cli/decode-command.js';
import { traceCommand } from '../../src/cli/trace-command.js';
import { closestWord, editDistance } from '../../src/cli/closest-word.js';
import { parseCommandLine, type ParsedLine } from '../../src/cli/parse-command-line.js';

type Spec = Parameters<typeof parseCommandLine>[0] & { options: OptionTable };
const parse = (spec: Spec, ...argv: string[]): ParsedLine => parseCommandLine(spec, { ...spec.options, ...GLOBAL_OPTIONS }, argv);
const ok = (r: ParsedLine) => {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.failure)}`);
  return r;
};
const failure = (r: ParsedLine) => {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r.failure;
};

describe('values', () => {
  it('fills defaults, reads numbers, switches, aliases and --no- forms', () => {
    const r = ok(parse(decodeCommand, 'x.pcap', '--limit', '20', '--summary', '--no-color', '--width=80'));
    expect(r.positionals).toEqual(['x.pcap']);
    expect(r.values).toMatchObject({ format: 'table', limit: 20, summary: true, color: false, width: 80 });
    expect(r.values['vxlan-port']).toEqual([]);
    const t = ok(parse(traceCommand, 'h', '--from', '10.0.0.1', '--to=10.0.0.2:80', '--iif', 'eth0', '--local', '--egress', 'eth1'));
    expect(t.values).toMatchObject({ src: '10.0.0.1', dst: '10.0.0.2:80', in: 'eth0', 'locally-generated': true, oif: 'eth1', proto: 'tcp' });
    expect(ok(parse(collectCommand, '--no-capture')).values.capture).toBe(false);
    expect(ok(parse(collectCommand)).values.capture).toBe(true);
    expect(ok(parse(analyzeCommand, 'c', '-v')).values.verbose).toBe(true);
  });

  it('takes one value per occurrence of a repeatable option, never the words after it', () => {
    const r = ok(parse(analyzeCommand, '--host', 'a=/x', 'case/', '--host=b=/y', '--fail-on', 'unexplained'));
    expect(r.values.host).toEqual(['a=/x', 'b=/y']);
    expect(r.positionals).toEqual(['case/']);
    expect(r.values['fail-on']).toEqual(['unexplained']);
    expect(ok(parse(decodeCommand, 'x', '--vxlan-port', '20000', '--vxlan-port', '20001')).values['vxlan-port']).toEqual([20000, 20001]);
  });

  it('lets the last of a repeated single-value option count', () => {
    expect(ok(parse(decodeCommand, 'x', '--format', 'json', '--format', 'csv')).values.format).toBe('csv');
  });

  it('reads words after -- as arguments, even when they look like options', () => {
    expect(ok(parse(decodeCommand, '--', '-weird.pcap')).positionals).toEqual(['-weird.pcap']);
    expect(ok(parse(analyzeCommand, '-v', '--', '--host', '-h')).positionals).toEqual(['--host', '-h']);
  });

  it('takes a negative number as a value (the range check then refuses it)', () => {
    expect(failure(parse(decodeCommand, 'x', '--limit', '-3'))).toMatchObject({ code: 'bad-number', option: '--limit', given: '-3' });
    expect(ok(parse(traceCommand, 'h', '--mark', '-1')).values.mark).toBe('-1');
  });

  it('keeps unicode and control characters in arguments as they are', () => {
    const name = 'caf\u00e9 \u{1F600}\u0007.pcap';
    expect(ok(parse(decodeCommand, name)).positionals).toEqual([name]);
    expect(ok(parse(traceCommand, 'h', '--in', 'eth\u00e90')).values.in).toBe('eth\u00e90');
  });
});

describe('failures', () => {
  it('unknown options, all of them, with a suggestion when one is a typo', () => {
    expect(failure(parse(decodeCommand, 'x', '--bogus', '--other'))).toEqual({ code: 'unknown-options', typed: ['--bogus', '--other'], suggestion: undefined });
    expect(failure(parse(traceCommand, 'h', '--frm', '1.2.3.4'))).toEqual({ code: 'unknown-options', typed: ['--frm'], suggestion: '--from' });
    expect(failure(parse(decodeCommand, 'x', '-x'))).toMatchObject({ code: 'unknown-options', typed: ['-x'] });
    // An option of another command is unknown here.
    expect(failure(parse(analyzeCommand, 'c', '--limit', '2'))).toMatchObject({ code: 'unknown-options', typed: ['--limit'] });
    // --no- only turns off a switch.
    expect(failure(parse(decodeCommand, 'x', '--no-limit'))).toMatchObject({ code: 'unknown-options', typed: ['--no-limit'] });
  });

  it('a value missing, empty, or taken from the next option', () => {
    for (const argv of [['x', '--limit'], ['x', '--limit='], ['x', '--limit', ''], ['x', '--out', '--format', 'json'], ['x', '--format', '-v'], ['x', '--out', '-']]) {
      expect(failure(parse(decodeCommand, ...argv)), argv.join(' ')).toMatchObject({ code: 'needs-value' });
    }
    expect(failure(parse(batchCommand, 'c', '--out'))).toEqual({ code: 'needs-value', option: '--out' });
    expect(failure(parse(analyzeCommand, '--host'))).toEqual({ code: 'needs-value', option: '--host' });
  });

  it('numbers: not a number, not whole, out of range, or in a notation other than decimal', () => {
    const cases: Array<[Spec, string[], string]> = [
      [decodeCommand, ['x', '--limit', 'abc'], 'abc'],
      [decodeCommand, ['x', '--limit', '0'], '0'],
      [decodeCommand, ['x', '--limit', '2.5'], '2.5'],
      [decodeCommand, ['x', '--limit', '0x10'], '0x10'],
      [decodeCommand, ['x', '--limit', 'Infinity'], 'Infinity'],
      [decodeCommand, ['x', '--limit', ' 5'], ' 5'],
      [decodeCommand, ['x', '--vxlan-port', '70000'], '70000'],
      [decodeCommand, ['x', '--vxlan-port', '0'], '0'],
      [decodeCommand, ['x', '--threads', 'many'], 'many'],
      [decodeCommand, ['x', '--width', '-1'], '-1'],
      [traceCommand, ['h', '--dport', '65536'], '65536'],
      [traceCommand, ['h', '--sport', 'x'], 'x'],
      [traceCommand, ['h', '--icmp-type', '256'], '256'],
      [analyzeCommand, ['c', '--max-flows', '-1'], '-1'],
      [batchCommand, ['c', '--out', 'o', '--jobs', '0'], '0'],
    ];
    for (const [spec, argv, given] of cases) {
      expect(failure(parse(spec, ...argv)), argv.join(' ')).toMatchObject({ code: 'bad-number', given });
    }
    // Exponent notation is a number like any other.
    expect(ok(parse(decodeCommand, 'x', '--limit', '1e3')).values.limit).toBe(1000);
    expect(ok(parse(decodeCommand, 'x', '--vxlan-port', '65535')).values['vxlan-port']).toEqual([65535]);
    expect(ok(parse(analyzeCommand, 'c', '--max-flows', '0')).values['max-flows']).toBe(0);
  });

  it('a choice not in the list, with the nearest one', () => {
    expect(failure(parse(decodeCommand, 'x', '--format', 'jsn'))).toEqual({ code: 'bad-choice', option: '--format', given: 'jsn', choices: ['table', 'csv', 'json', 'ndjson'], suggestion: 'json' });
    expect(failure(parse(analyzeCommand, 'c', '--fail-on', 'nothing'))).toMatchObject({ code: 'bad-choice', suggestion: undefined });
    // Choices are exact: no case folding.
    expect(failure(parse(decodeCommand, 'x', '--format', 'JSON'))).toMatchObject({ code: 'bad-choice', suggestion: 'json' });
  });

  it('a switch given a value other than true or false', () => {
    expect(ok(parse(decodeCommand, 'x', '--summary=false')).values.summary).toBe(false);
    expect(ok(parse(decodeCommand, 'x', '--no-summary=false')).values.summary).toBe(true);
    expect(failure(parse(decodeCommand, 'x', '--summary=maybe'))).toEqual({ code: 'no-value-taken', option: '--summary', given: 'maybe' });
  });

  it('arguments missing or too many', () => {
    expect(failure(parse(decodeCommand))).toEqual({ code: 'missing-positional', name: 'capture' });
    expect(failure(parse(decodeCommand, 'a', 'b', 'c'))).toEqual({ code: 'too-many-positionals', given: ['b', 'c'], max: 1 });
    expect(failure(parse(collectCommand, 'extra'))).toEqual({ code: 'too-many-positionals', given: ['extra'], max: 0 });
  });

  it('options that exclude each other, and required ones', () => {
    expect(failure(parse(batchCommand, 'c', '--out', 'o', '--shard', '1/2', '--shards', '2'))).toEqual({ code: 'conflict', options: ['--shard', '--shards'] });
    expect(failure(parse(batchCommand, 'c'))).toEqual({ code: 'missing-options', options: ['--out'] });
  });
});

describe('did you mean', () => {
  it('counts a swap of two letters as one edit', () => {
    expect(editDistance('deocde', 'decode')).toBe(1);
    expect(editDistance('analyse', 'analyze')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only what is one typo away for short words, a few for long ones', () => {
    const commands = ['analyze', 'trace', 'inspect', 'decode', 'batch', 'collect'];
    expect(closestWord('analyse', commands)).toBe('analyze');
    expect(closestWord('deocde', commands)).toBe('decode');
    expect(closestWord('frobnicate', commands)).toBeUndefined();
    expect(closestWord('x', commands)).toBeUndefined();
    expect(closestWord('--fromm', ['--from', '--to'])).toBe('--from');
  });
});
