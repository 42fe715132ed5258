// Fields the shared oracle (../shared/corpus/oracle) does not hold — TCP ack and flags, ICMP and
// ICMPv6 type/code/id/seq, Geneve VNI, GRE key — from tshark's recorded output on each corpus
// capture (test/tshark: recorded once by `npm run record:tshark`, so no tshark is needed here).
// Every occurrence of a field is kept (joined by `|` in the recording): the first is the outermost
// header, the last the innermost, as in the shared oracle's `.csv` / `.inner.csv`.

import { recordedOutput } from '../tshark/recordings.js';
import { corpusExtraRun, EXTRA_FIELDS, type ExtraField } from '../tshark/runs.js';

export { EXTRA_FIELDS, type ExtraField };

/** Per frame number: per field, every occurrence in order (outermost first); empty when absent. */
export type ExtraOracle = Map<number, { values: Record<ExtraField, string[]>; protocols: string }>;

export function loadExtraOracle(corpus: string, file: string): ExtraOracle {
  const map: ExtraOracle = new Map();
  const text = recordedOutput(corpusExtraRun(corpus, file));
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const cols = line.split('\t');
    const values = {} as Record<ExtraField, string[]>;
    EXTRA_FIELDS.forEach((name, i) => {
      const v = cols[i + 2] ?? '';
      values[name] = v === '' ? [] : v.split('|');
    });
    map.set(Number(cols[0]), { values, protocols: cols[1] ?? '' });
  }
  return map;
}
