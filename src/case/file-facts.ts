import type { Diagnostic } from '../text/diagnostic.js';
import type { FileFacts } from '../report/inspect-model.js';
import type { CaseFile } from './load-case.js';

export async function readFileFacts(file: CaseFile): Promise<{ facts: FileFacts | null; diagnostics: Diagnostic[] }> {
  void file;
  return { facts: null, diagnostics: [] };
}
