// One case of a batch, as a worker runs it: hash the inputs, keep the earlier reports when the
// inputs have not changed, else analyse, write one report per format and the case's record.
// Never throws: whatever goes wrong becomes the row's `failed` status and error.

import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAnalyze } from '../analyze-case.js';
import { ANALYZE_FORMATS } from '../../report/analyze-formats.js';
import type { RenderContext } from '../../report/inspect-formats.js';
import type { BatchCase } from './find-cases.js';
import { hashCaseInputs } from './input-hash.js';
import { emptyRow, rowFromReport, type SummaryRow } from './summary.js';

export interface CaseTask {
  case: BatchCase;
  /** The batch's output folder; the case's reports go to `<outDir>/<case name>/`. */
  outDir: string;
  formats: string[];
  force: boolean;
  version: string;
  /** `I/N` or null. */
  shard: string | null;
  /** Threads the case may read its captures on (its share of the batch's; analyze's --threads). */
  threads?: number;
}

/** Kept beside the reports: what they were made from, so a re-run can skip the case. */
export interface CaseRecord {
  schema: 'natpath.batch-case/1';
  inputHash: string;
  version: string;
  formats: string[];
  row: SummaryRow;
}

export const CASE_RECORD_FILE = 'batch-case.json';

/** File name of each format's report; formats added to the registry later get `report.<name>`. */
const REPORT_FILE: Record<string, string> = {
  json: 'report.json',
  markdown: 'report.md',
  csv: 'report.csv',
  table: 'report.txt',
  html: 'report.html',
};

export function reportFileName(format: string): string {
  return REPORT_FILE[format] ?? `report.${format}`;
}

const PLAIN: RenderContext = {
  style: { bold: (t) => t, dim: (t) => t, red: (t) => t, yellow: (t) => t, green: (t) => t, cyan: (t) => t },
  width: 120,
};

/** `onBytes` gets the bytes of the case's captures read so far (for the batch's progress). */
export async function runCase(task: CaseTask, onBytes?: (bytes: number) => void): Promise<SummaryRow> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const c = task.case;
  const caseDir = join(task.outDir, c.name);
  const row = emptyRow({ name: c.name, input: c.path }, task.shard);
  try {
    const inputs = await hashCaseInputs(c, task.version);
    row.inputHash = inputs.hash;
    row.inputBytes = inputs.bytes;
    if (!task.force) {
      const earlier = await readEarlierRecord(caseDir, inputs.hash, task);
      if (earlier !== null) return { ...earlier.row, input: c.path, skipped: true, shard: task.shard };
    }
    let filesDone = 0;
    let current = 0;
    const report = await runAnalyze(
      { paths: [c.path], hosts: [] },
      {
        onFile: (_file, bytes) => {
          filesDone += current;
          current = bytes;
          onBytes?.(filesDone);
        },
        onBytes: (offset) => onBytes?.(filesDone + Math.min(offset, current)),
        threads: task.threads ?? 1,
      },
    );
    Object.assign(row, rowFromReport(report));
    await mkdir(caseDir, { recursive: true });
    for (const format of task.formats) {
      const render = (ANALYZE_FORMATS as Record<string, (r: typeof report, ctx: RenderContext) => string>)[format];
      if (render === undefined) throw new Error(`unknown report format "${format}"`);
      const name = reportFileName(format);
      await writeFile(join(caseDir, name), render(report, PLAIN));
      row.reports.push(`${c.name}/${name}`);
    }
  } catch (err) {
    row.status = 'failed';
    row.error = err instanceof Error ? err.message : String(err);
  }
  row.seconds = seconds();
  row.finishedAt = new Date().toISOString();
  if (row.inputHash !== null) await writeCaseRecord(caseDir, { schema: 'natpath.batch-case/1', inputHash: row.inputHash, version: task.version, formats: task.formats, row });
  return row;
}

/** The earlier record when it can stand for this run: same inputs and version, every format there, not failed. */
async function readEarlierRecord(caseDir: string, inputHash: string, task: CaseTask): Promise<CaseRecord | null> {
  let record: CaseRecord;
  try {
    record = JSON.parse(await readFile(join(caseDir, CASE_RECORD_FILE), 'utf8')) as CaseRecord;
  } catch {
    return null;
  }
  if (record.schema !== 'natpath.batch-case/1' || record.inputHash !== inputHash || record.version !== task.version) return null;
  if (record.row.status === 'failed' || !task.formats.every((f) => record.formats.includes(f))) return null;
  for (const f of task.formats) {
    try {
      await stat(join(caseDir, reportFileName(f)));
    } catch {
      return null;
    }
  }
  return record;
}

async function writeCaseRecord(caseDir: string, record: CaseRecord): Promise<void> {
  try {
    await mkdir(caseDir, { recursive: true });
    await writeFile(join(caseDir, CASE_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
  } catch {
    // The summary still has the row; only the next run's skipping is lost.
  }
}
