// `--help` text from the command tables: usage, arguments, options (with their value, aliases,
// choices, default, whether repeatable), examples and notes, wrapped to the width given.

import { wrapWords } from '../report/text-layout.js';
import type { CommandSpec, OptionSpec, OptionTable } from './command-spec.js';

/** Help's own options, listed last in every help. */
const HELP_OPTIONS: OptionTable = {
  help: { type: 'boolean', short: 'h', describe: 'Show this help' },
  version: { type: 'boolean', short: 'V', describe: "Show natpath's version" },
};

/** The widest the label column grows; longer labels put their text on the next line. */
const MAX_LABEL = 30;

export function commandHelp(spec: CommandSpec, globals: OptionTable, width: number): string {
  const out: string[] = [usageLine(spec), '', ...paragraphs(spec.describe, width, '')];
  if (spec.positional !== undefined) {
    out.push('', 'Arguments:', ...rows([[positionalLabel(spec), spec.positional.describe]], width));
  }
  out.push('', 'Options:', ...optionRows({ ...spec.options, ...globals, ...HELP_OPTIONS }, width));
  out.push(...examples(spec.examples ?? [], width));
  if (spec.epilogue !== undefined) out.push('', ...paragraphs(spec.epilogue, width, ''));
  return `${out.join('\n')}\n`;
}

export function mainHelp(intro: string, commands: readonly CommandSpec[], globals: OptionTable, exampleList: ReadonlyArray<readonly [string, string]>, epilogue: string, width: number): string {
  const out: string[] = [...paragraphs(intro, width, ''), '', 'Usage: natpath <command> [options]', '', 'Commands:'];
  out.push(...rows(commands.map((c) => [usageLine(c), c.describe]), width));
  out.push('', 'Options (every command):', ...optionRows({ ...globals, ...HELP_OPTIONS }, width));
  out.push(...examples(exampleList, width));
  out.push('', ...paragraphs(epilogue, width, ''));
  return `${out.join('\n')}\n`;
}

function usageLine(spec: CommandSpec): string {
  return spec.positional === undefined ? `natpath ${spec.name}` : `natpath ${spec.name} ${positionalLabel(spec)}`;
}

function positionalLabel(spec: CommandSpec): string {
  const p = spec.positional!;
  return p.arity === 'one' ? `<${p.name}>` : `[${p.name}...]`;
}

function optionRows(options: OptionTable, width: number): string[] {
  return rows(
    Object.entries(options).map(([name, o]) => [optionLabel(name, o), optionText(o)]),
    width,
  );
}

function optionLabel(name: string, o: OptionSpec): string {
  const names = [...(o.short === undefined ? [] : [`-${o.short}`]), `--${name}`, ...(o.aliases ?? []).map((a) => `--${a}`)];
  // A switch on by default is turned off by its --no- form: show that one too.
  if (o.type === 'boolean' && o.default === true) names.push(`--no-${name}`);
  const value = o.type === 'boolean' ? '' : ` <${o.meta ?? (o.type === 'number' ? 'N' : 'VALUE')}>`;
  // Short names stand in a column of their own so that long names line up.
  return `${o.short === undefined ? '    ' : ''}${names.join(', ')}${value}`;
}

function optionText(o: OptionSpec): string {
  const notes: string[] = [];
  if (o.type === 'string' && o.choices !== undefined) notes.push(`one of: ${o.choices.join(', ')}`);
  if (o.default !== undefined && !(o.type === 'boolean' && o.default === false)) notes.push(`default: ${String(o.default)}`);
  if (o.repeat === true) notes.push('repeatable');
  if (o.required === true) notes.push('required');
  return notes.length === 0 ? o.describe : `${o.describe} [${notes.join('; ')}]`;
}

/** Label and text side by side, the text wrapped under itself; a long label puts its text below. */
function rows(items: ReadonlyArray<readonly [label: string, text: string]>, width: number): string[] {
  const labelWidth = Math.min(MAX_LABEL, Math.max(...items.map(([label]) => label.length)));
  const textIndent = 2 + labelWidth + 2;
  const room = Math.max(20, width - textIndent);
  const lines: string[] = [];
  for (const [label, text] of items) {
    const wrapped = wrapWords(text, room);
    if (label.length > labelWidth) {
      lines.push(`  ${label}`);
      for (const w of wrapped) lines.push(`${' '.repeat(textIndent)}${w}`);
      continue;
    }
    wrapped.forEach((w, i) => lines.push(`${i === 0 ? `  ${label.padEnd(labelWidth)}  ` : ' '.repeat(textIndent)}${w}`));
  }
  return lines;
}

function examples(list: ReadonlyArray<readonly [string, string]>, width: number): string[] {
  if (list.length === 0) return [];
  const out = ['', 'Examples:'];
  for (const [command, what] of list) {
    // One line where it fits; otherwise continued shell-style (" \\"), so it still pastes as one command.
    const lines = wrapWords(command, Math.max(20, width - 6));
    out.push(...lines.map((l, i) => `${i === 0 ? '  ' : '    '}${l}${i < lines.length - 1 ? ' \\' : ''}`));
    out.push(...paragraphs(what, width, '      '));
  }
  return out;
}

/** Each line of `text` wrapped on its own: the text's line breaks are kept. */
function paragraphs(text: string, width: number, indent: string): string[] {
  return text.split('\n').flatMap((line) => wrapWords(line, Math.max(20, width - indent.length)).map((l) => `${indent}${l}`));
}
