// CSV opened in a spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
// return is read as a formula (OWASP "CSV Injection"), and values here come from other people's
// inputs — rule comments, interface names, file names. Such a text cell gets a leading `'`, which
// spreadsheets take as "this is text". Numbers stay numbers (a negative number is not text).
// Raw values: the JSON formats carry every value as it was (docs/json-schema.md).

import { csvRows } from './csv.js';

const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/** The text as a spreadsheet will show it, never as a formula. */
export function neutraliseFormula(text: string): string {
  return text.length > 0 && FORMULA_START.has(text[0]!) ? `'${text}` : text;
}

/** csvRows with every text cell neutralised. */
export function safeCsvRows(rows: readonly (readonly unknown[])[]): string {
  return csvRows(rows.map((row) => row.map((v) => (typeof v === 'string' ? neutraliseFormula(v) : v))));
}
