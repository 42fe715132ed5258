// `natpath batch --merge DIR...`: the summaries of several shards (or runs) as one. Each row's
// report folder is rewritten relative to the merged summary; a case found twice keeps its latest
// row; a shard missing from a sharded run is a problem, so a lost pod does not go unnoticed.

import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { SUMMARY_FILES, type BatchRunRecord } from './run-batch.js';
import { parseSummaryNdjson, type SummaryRow } from './summary.js';

export interface MergeResult {
  rows: SummaryRow[];
  problems: string[];
}

export async function mergeSummaries(dirs: readonly string[], outDir: string): Promise<MergeResult> {
  const problems: string[] = [];
  const byCase = new Map<string, SummaryRow>();
  const shardsSeen = new Map<number, Set<number>>(); // count → indexes
  for (const dir of dirs) {
    const file = join(dir, SUMMARY_FILES.ndjson);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      problems.push(`${file}: cannot be read (not a batch output folder?)`);
      continue;
    }
    const parsed = parseSummaryNdjson(text, file);
    problems.push(...parsed.problems);
    try {
      const run = JSON.parse(await readFile(join(dir, SUMMARY_FILES.run), 'utf8')) as BatchRunRecord;
      if (run.shard !== null) {
        let seen = shardsSeen.get(run.shard.count);
        if (seen === undefined) shardsSeen.set(run.shard.count, (seen = new Set()));
        seen.add(run.shard.index);
      }
    } catch {
      // Without batch.json the shard cannot be checked; the rows still count.
    }
    for (const row of parsed.rows) {
      const moved = { ...row, reportDir: relative(resolve(outDir), resolve(dir, row.reportDir)) || '.' };
      const earlier = byCase.get(row.case);
      if (earlier !== undefined) {
        problems.push(`case "${row.case}" is in more than one summary; the latest row (${row.finishedAt > earlier.finishedAt ? row.finishedAt : earlier.finishedAt}) is kept`);
        if (row.finishedAt <= earlier.finishedAt) continue;
      }
      byCase.set(row.case, moved);
    }
  }
  for (const [count, seen] of shardsSeen) {
    for (let i = 1; i <= count; i++) if (!seen.has(i)) problems.push(`shard ${i}/${count} is missing: its cases are not in the merged summary`);
  }
  const rows = [...byCase.values()].sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0));
  return { rows, problems };
}
