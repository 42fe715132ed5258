// The model `natpath inspect` renders: per host, each file with its kind and basic facts.
// Field names here are a JSON contract (docs/json-schema.md): add fields, never rename them.

import type { Diagnostic } from '../text/diagnostic.js';
import type { FileKind } from '../case/file-kind.js';
import type { FileFacts } from '../case/facts.js';

// Each file's facts are the case reader's data (parsers' summaries tagged by kind), shown as they are.
export type { FileFacts } from '../case/facts.js';

export interface InspectedFile {
  path: string;
  size: number;
  kind: FileKind;
  compression: 'gzip' | null;
  /** Present for recognised files whose facts could be read. */
  facts: FileFacts | null;
  /** Why the file was not recognised (kind 'unrecognised'). */
  reason: string | null;
  /** Problems found while reading this file (counts of skipped lines/packets included). */
  diagnostics: Diagnostic[];
}

export interface InspectedHost {
  name: string;
  sources: string[];
  files: InspectedFile[];
  /** Which nftables dump gives this host's rules (JSON is preferred when both forms are present); null without one. */
  nftables: { format: 'json' | 'text'; files: string[]; ignored: string[] } | null;
}

export interface InspectReport {
  schema: 'natpath.inspect/1';
  hosts: InspectedHost[];
  looseFiles: InspectedFile[];
  diagnostics: Diagnostic[];
  /** `collectorFiles`: `natpath collect`'s own collect.log and host-info.txt. */
  totals: { hosts: number; files: number; captures: number; snapshots: number; unrecognised: number; collectorFiles: number; packets: number };
}
