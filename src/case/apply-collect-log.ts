// A host's files as `natpath collect` described them: an empty dump the collector made (or named,
// e.g. `conntrack.txt` of 0 bytes) is that dump with nothing in it — a valid state, not an
// unusable file — and a rule dump made by `ip -6 rule` holds IPv6 rules.

import { basename } from 'node:path';
import type { Diagnostic } from '../text/diagnostic.js';
import { ProblemCollector } from '../text/problem-collector.js';
import { familyFromCollector, kindFromCollector, readCollectLog } from './collector-files.js';
import type { FileKind } from './file-kind.js';
import type { Family } from '../net/address.js';
import { readCaseText, type TextSource } from './read-text.js';

/** What this step reads and sets on a case file (load-case's CaseFile has these). */
export interface CollectedFile extends TextSource {
  displayPath: string;
  size: number;
  kind: FileKind;
  reason?: string;
  note?: string;
  family?: Family;
}

export async function applyCollectLog(files: CollectedFile[]): Promise<Diagnostic[]> {
  const problems = new ProblemCollector('');
  let commands = new Map<string, string>();
  const log = files.find((f) => f.kind === 'collect-log');
  if (log !== undefined) {
    try {
      commands = readCollectLog(await readCaseText(log));
    } catch (err) {
      problems.report('case.unreadable', `cannot be read: ${(err as Error).message}`, { file: log.displayPath }, { severity: 'warning' });
    }
  }
  for (const file of files) {
    const name = basename(file.displayPath);
    const command = commands.get(name);
    if (file.kind === 'unrecognised' && file.size === 0) {
      const kind = kindFromCollector(name, command);
      if (kind !== null) {
        file.kind = kind;
        delete file.reason;
        file.note = `empty: taken as ${command === undefined ? `${kind} by its name` : `the output of \`${command}\` (collect.log)`} with nothing in it`;
      }
    }
    if (file.kind === 'ip-rule' || file.kind === 'ip-rule-json' || file.kind === 'ip-route' || file.kind === 'ip-route-json') {
      const family = familyFromCollector(name, command);
      if (family !== null) file.family = family;
    }
  }
  return problems.finish();
}
