// The registry of problem codes against the docs, the report schema and the readers' sources.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../corpus.js';
import { PROBLEM_CODES, isProblemCode } from '../../src/text/problem-codes.js';
import { problemCodesMarkdown, schemaWithCodes } from './problem-codes-doc.js';

const DOC = join(PROJECT_ROOT, 'docs', 'problem-codes.md');
const SCHEMA = join(PROJECT_ROOT, 'docs', 'report-schema.json');
const UPDATE = process.env.UPDATE_DOCS === '1';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('problem codes', () => {
  it('docs/problem-codes.md is the table made from the registry', () => {
    const made = problemCodesMarkdown();
    if (UPDATE) writeFileSync(DOC, made);
    expect(readFileSync(DOC, 'utf8'), 'UPDATE_DOCS=1 npx vitest run test/text/problem-codes.test.ts rewrites it').toBe(made);
  });

  it('the report schema enumerates exactly the registry\'s codes', () => {
    const text = readFileSync(SCHEMA, 'utf8');
    const made = schemaWithCodes(text);
    if (UPDATE) writeFileSync(SCHEMA, made);
    expect(readFileSync(SCHEMA, 'utf8')).toBe(made);
    const schema = JSON.parse(made) as { $defs: { diagnostic: { properties: { code: { enum: string[] } } } } };
    expect(schema.$defs.diagnostic.properties.code.enum).toEqual(Object.keys(PROBLEM_CODES));
  });

  it('every code is prefix.kebab-name with a one-line meaning', () => {
    for (const [code, spec] of Object.entries(PROBLEM_CODES)) {
      expect(code).toMatch(/^[a-z0-9]+\.[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(spec.meaning.length, code).toBeGreaterThan(10);
      expect(spec.meaning, code).not.toMatch(/\n/);
    }
    expect(isProblemCode('iptables.unknown-match')).toBe(true);
    expect(isProblemCode('iptables.no-such-code')).toBe(false);
    expect(isProblemCode('toString')).toBe(false);
  });

  it('every code is reported by some source file (no dead codes in the registry)', () => {
    const sources = sourceFiles(join(PROJECT_ROOT, 'src'))
      .filter((f) => !f.endsWith(join('text', 'problem-codes.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    // The collector makes these from the reader's prefix (problem-collector.ts, parseJsonArray).
    const madeFromPrefix = /\.(skipped-lines|skipped-objects|bad-json)$/;
    const dead = Object.keys(PROBLEM_CODES).filter((c) => !madeFromPrefix.test(c) && !sources.includes(`'${c}'`));
    expect(dead).toEqual([]);
  });
});
