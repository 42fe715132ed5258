// One command's arguments → checked values, or the first mistake as a UsageFailure. node:util's
// parseArgs splits the words (`--name=value`, `-vh`, `--`); everything it leaves open is decided
// here, in one place: long aliases, `--no-NAME`, repeatable options (one value per occurrence:
// a greedy `--host a b` would swallow a case path), values that are really the next option
// (`--out --format json`: "--out needs a value"), empty values, number syntax and bounds, choices.

import { parseArgs } from 'node:util';
import type { CommandSpec, NumberOption, OptionSpec, OptionTable } from './command-spec.js';
import { closestWord } from './closest-word.js';
import type { UsageFailure } from './usage-failure.js';

export type ParsedLine = { ok: true; values: Record<string, unknown>; positionals: string[] } | { ok: false; failure: UsageFailure };

type ParseArgsOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** A value that may follow an option although it starts with "-": a negative number ("-" alone is no file name to natpath). */
const DASH_VALUE = /^-(\d+(\.\d*)?|\.\d+)$/;

/** `options` includes the global ones; `argv` is what follows the command's name. */
export function parseCommandLine(spec: Pick<CommandSpec, 'positional' | 'conflicts'>, options: OptionTable, argv: readonly string[]): ParsedLine {
  const byName = new Map<string, [name: string, OptionSpec]>();
  const config: ParseArgsOptions = {};
  for (const [name, o] of Object.entries(options)) {
    const type = o.type === 'boolean' ? 'boolean' : 'string';
    for (const alias of [name, ...(o.aliases ?? [])]) {
      byName.set(alias, [name, o]);
      config[alias] = { type };
    }
    if (o.short !== undefined) config[name] = { type, short: o.short };
  }
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });

  const unknown: string[] = [];
  const raw = new Map<string, string[]>();
  const flags = new Map<string, boolean>();
  const positionals: string[] = [];
  let failure: UsageFailure | undefined;
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option' || failure !== undefined) continue;
    const negated = t.rawName.startsWith('--no-') ? byName.get(t.name.slice(3)) : undefined;
    const found = byName.get(t.name) ?? (negated?.[1].type === 'boolean' ? negated : undefined);
    if (found === undefined) {
      unknown.push(t.rawName);
      continue;
    }
    const [name, o] = found;
    if (o.type === 'boolean') {
      const value = t.value === undefined ? true : t.value === 'true' ? true : t.value === 'false' ? false : null;
      if (value === null) failure = { code: 'no-value-taken', option: t.rawName, given: t.value! };
      else flags.set(name, found === negated ? !value : value);
      continue;
    }
    // A word taken as the value that is really another option: the value is missing.
    if (t.value === undefined || t.value === '' || (t.inlineValue === false && t.value.startsWith('-') && !DASH_VALUE.test(t.value))) {
      failure = { code: 'needs-value', option: t.rawName };
      continue;
    }
    const list = raw.get(name) ?? [];
    // Repeatable options collect every occurrence; for the others the last one given counts.
    if (o.repeat === true) list.push(t.value);
    else list.splice(0, list.length, t.value);
    raw.set(name, list);
  }
  if (unknown.length > 0) {
    const known = [...byName.keys()].map((n) => `--${n}`);
    return { ok: false, failure: { code: 'unknown-options', typed: unknown, suggestion: unknown.length === 1 ? closestWord(unknown[0]!, known) : undefined } };
  }
  if (failure !== undefined) return { ok: false, failure };

  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(options)) {
    const given = raw.get(name);
    if (o.type === 'boolean') {
      values[name] = flags.get(name) ?? o.default;
      continue;
    }
    const checked: Array<string | number> = [];
    for (const text of given ?? []) {
      const v = checkValue(`--${name}`, o, text);
      if (typeof v === 'object') return { ok: false, failure: v };
      checked.push(v);
    }
    values[name] = o.repeat === true ? checked : (checked[0] ?? o.default);
  }

  const arity = spec.positional?.arity;
  if (arity === 'one' && positionals.length === 0) return { ok: false, failure: { code: 'missing-positional', name: spec.positional!.name } };
  const max = arity === 'many' ? Infinity : arity === 'one' ? 1 : 0;
  if (positionals.length > max) return { ok: false, failure: { code: 'too-many-positionals', given: positionals.slice(max), max } };
  for (const [a, b] of spec.conflicts ?? []) {
    if (raw.has(a) && raw.has(b)) return { ok: false, failure: { code: 'conflict', options: [`--${a}`, `--${b}`] } };
  }
  const missing = Object.entries(options).filter(([name, o]) => o.required === true && values[name] === undefined);
  if (missing.length > 0) return { ok: false, failure: { code: 'missing-options', options: missing.map(([name]) => `--${name}`) } };
  return { ok: true, values, positionals };
}

function checkValue(option: string, o: Exclude<OptionSpec, { type: 'boolean' }>, text: string): string | number | UsageFailure {
  if (o.type === 'string') {
    if (o.choices === undefined || o.choices.includes(text)) return text;
    return { code: 'bad-choice', option, given: text, choices: o.choices, suggestion: closestWord(text, o.choices) };
  }
  return checkNumber(option, o, text);
}

/** Decimal or exponent notation as Number() reads it, but never "", " ", "Infinity" or hex. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function checkNumber(option: string, o: NumberOption, text: string): number | UsageFailure {
  const n = NUMBER.test(text) ? Number(text) : Number.NaN;
  const fits = Number.isFinite(n) && (o.integer !== true || Number.isInteger(n)) && (o.min === undefined || n >= o.min) && (o.max === undefined || n <= o.max);
  return fits ? n : { code: 'bad-number', option, given: text, expects: o.expects };
}
