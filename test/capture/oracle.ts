// Reads the shared corpus index and tshark's per-frame oracle CSVs (see ../shared/corpus/README.md).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_ROOT } from '../corpus.js';

export const CAPTURE_CORPORA = ['tcpdump', 'libpcap', 'pcapng-suite', 'pcapplusplus', 'derived-truncated'] as const;

export interface IndexRow {
  corpus: string;
  file: string;
  format: string;
  /** Link types as the index lists them: one per pcapng interface, `;`-separated. */
  linkTypes: string;
  capinfosPackets: number | null;
  tsharkFrames: number | null;
  /** ok, malformed-frames (decoding problems inside frames), unreadable, file-error, truncated-file. */
  status: string;
}

export function loadIndex(): IndexRow[] {
  const lines = readFileSync(join(CORPUS_ROOT, 'index.tsv'), 'utf8').split('\n').filter((l) => l !== '');
  const header = lines.shift()!.split('\t');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`index.tsv has no column ${name}`);
    return i;
  };
  const num = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s));
  return lines.map((line) => {
    const f = line.split('\t');
    return {
      corpus: f[col('corpus')]!,
      file: f[col('file')]!,
      format: f[col('format')]!,
      linkTypes: f[col('linktypes')] ?? '',
      capinfosPackets: num(f[col('capinfos_packets')]),
      tsharkFrames: num(f[col('tshark_frames')]),
      status: f[col('status')]!,
    };
  });
}

export interface OracleFrame {
  number: number;
  /** frame.time_epoch, 9 decimals; '' when the frame has no timestamp. */
  timeEpoch: string;
  /** frame.interface_name as tshark prints it (CR, LF, tab escaped as \r \n \t). */
  interfaceName: string;
  len: number;
  capLen: number;
  protocols: string;
}

export function loadOracle(corpus: string, file: string): OracleFrame[] {
  const text = readFileSync(join(CORPUS_ROOT, 'oracle', corpus, `${file}.csv`), 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const header = splitCsvLine(lines.shift()!);
  const at = (name: string): number => header.indexOf(name);
  const [number, time, name, len, capLen, protocols] = [
    at('frame.number'),
    at('frame.time_epoch'),
    at('frame.interface_name'),
    at('frame.len'),
    at('frame.cap_len'),
    at('frame.protocols'),
  ];
  return lines.map((line) => {
    const f = splitCsvLine(line);
    return {
      number: Number(f[number]),
      timeEpoch: f[time] ?? '',
      interfaceName: f[name] ?? '',
      len: Number(f[len]),
      capLen: Number(f[capLen]),
      protocols: f[protocols] ?? '',
    };
  });
}

/** tshark quotes a field that holds the separator (e.g. an interface name with a comma). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          value += line.slice(i);
          i = line.length;
          break;
        }
        value += line.slice(i, q);
        i = q + 1;
        if (line[i] === '"') {
          value += '"';
          i++;
        } else break;
      }
      out.push(value);
      i++; // the comma
    } else {
      let comma = line.indexOf(',', i);
      if (comma < 0) comma = line.length;
      out.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
  return out;
}
