// Records tshark's output for every run in test/tshark/runs.ts into test/fixtures/tshark/*.json.gz
// (`npm run record:tshark`; recordings still valid are kept, `--all` redoes them), or, with --check, runs them live and compares with the recordings
// (`npm run record:tshark -- --check`, a step of .ci/run): recorded = live, or exit 1.
// Needs tshark on the PATH and the shared corpus beside the project.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CORPUS_ROOT } from '../test/corpus.js';
import { writeEpbFlagsCapture } from '../test/capture/epb-flags-file.js';
import { comparableFiles } from '../test/decode/oracle-compare.js';
import { loadRecordingFile, recordingPath, RECORDINGS_DIR, sha256File, type RecordingFile } from '../test/tshark/recordings.js';
import { corpusExtraRun, epbFlagsRun, labCaptures, labSampleRun, RUN_GROUPS, runTshark, type RunGroup, type TsharkRun } from '../test/tshark/runs.js';

const PARALLEL = 2; // the machine this runs on has two cores

function tsharkVersionLine(): string {
  try {
    return execFileSync('tshark', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
  } catch {
    throw new Error('tshark is not on the PATH (apt-get install tshark)');
  }
}

function runsOf(group: RunGroup, scratch: string): TsharkRun[] {
  switch (group) {
    case 'corpus-extra':
      if (!existsSync(CORPUS_ROOT)) throw new Error(`the shared corpus is missing: ${CORPUS_ROOT}`);
      return comparableFiles().map((f) => corpusExtraRun(f.corpus, f.file));
    case 'lab-samples':
      return labCaptures().map(labSampleRun);
    case 'epb-flags':
      return [epbFlagsRun(writeEpbFlagsCapture(scratch))];
  }
}

async function runAll(runs: TsharkRun[]): Promise<string[]> {
  const out: string[] = new Array<string>(runs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const i = next++;
      out[i] = await runTshark(runs[i]!);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return out;
}

/** Recorded outputs that can be kept: same tshark, same arguments, same input bytes. */
function stillValid(group: RunGroup, version: string, runs: TsharkRun[]): Map<string, string> {
  const kept = new Map<string, string>();
  if (!existsSync(recordingPath(group))) return kept;
  const recorded = loadRecordingFile(group);
  if (recorded.tshark !== version) return kept;
  for (const run of runs) {
    const rec = recorded.runs[run.key];
    if (rec !== undefined && rec.args.join('\u0000') === run.args.join('\u0000') && rec.inputSha256 === sha256File(run.input)) kept.set(run.key, rec.stdout);
  }
  return kept;
}

function record(group: RunGroup, version: string, runs: TsharkRun[], outputs: string[]): void {
  const file: RecordingFile = { tshark: version, runs: {} };
  runs.forEach((run, i) => {
    file.runs[run.key] = { args: run.args, inputSha256: sha256File(run.input), stdout: outputs[i]! };
  });
  mkdirSync(RECORDINGS_DIR, { recursive: true });
  const gz = gzipSync(JSON.stringify(file), { level: 9 });
  writeFileSync(recordingPath(group), gz);
  console.log(`${group}: ${runs.length} runs recorded, ${(gz.length / 1024).toFixed(0)} KiB → ${recordingPath(group)}`);
}

/** Differences between the live runs and the recording, one line each. */
function check(group: RunGroup, version: string, runs: TsharkRun[], outputs: string[]): string[] {
  const problems: string[] = [];
  if (!existsSync(recordingPath(group))) return [`${group}: no recording at ${recordingPath(group)}`];
  const recorded = loadRecordingFile(group);
  if (recorded.tshark !== version) console.log(`${group}: recorded with "${recorded.tshark}", live is "${version}"`);
  const liveKeys = new Set(runs.map((r) => r.key));
  for (const key of Object.keys(recorded.runs)) if (!liveKeys.has(key)) problems.push(`${group} ${key}: recorded but no longer run`);
  runs.forEach((run, i) => {
    const rec = recorded.runs[run.key];
    if (rec === undefined) return void problems.push(`${group} ${run.key}: not recorded`);
    if (rec.args.join(' ') !== run.args.join(' ')) problems.push(`${group} ${run.key}: recorded with other arguments`);
    if (rec.inputSha256 !== sha256File(run.input)) problems.push(`${group} ${run.key}: recorded from other input bytes`);
    if (rec.stdout !== outputs[i]) {
      const a = rec.stdout.split('\n');
      const b = outputs[i]!.split('\n');
      const line = a.findIndex((l, j) => l !== b[j]);
      problems.push(`${group} ${run.key}: live output differs from line ${(line < 0 ? a.length : line) + 1}: recorded "${a[line] ?? ''}", live "${b[line] ?? ''}"`);
    }
  });
  console.log(`${group}: ${runs.length} runs compared live with the recording, ${problems.length} differ`);
  return problems;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const checking = args.includes('--check');
  const everything = args.includes('--all');
  const only = args.filter((a) => a !== '--check' && a !== '--all');
  for (const g of only) if (!RUN_GROUPS.includes(g as RunGroup)) throw new Error(`unknown group ${g} (groups: ${RUN_GROUPS.join(', ')})`);
  const groups = only.length > 0 ? (only as RunGroup[]) : RUN_GROUPS;
  const version = tsharkVersionLine();
  const scratch = mkdtempSync(join(tmpdir(), 'natpath-record-tshark-'));
  const problems: string[] = [];
  try {
    for (const group of groups) {
      const runs = runsOf(group, scratch);
      // Recording keeps what is still valid (same arguments, same input bytes, same tshark) unless
      // --all; checking always runs everything live.
      const kept = checking || everything ? new Map<string, string>() : stillValid(group, version, runs);
      const todo = runs.filter((r) => !kept.has(r.key));
      const started = Date.now();
      const fresh = await runAll(todo);
      todo.forEach((r, i) => kept.set(r.key, fresh[i]!));
      const outputs = runs.map((r) => kept.get(r.key)!);
      console.log(`${group}: ${todo.length} tshark runs in ${((Date.now() - started) / 1000).toFixed(1)} s (${runs.length - todo.length} recordings still valid)`);
      if (checking) problems.push(...check(group, version, runs, outputs));
      else record(group, version, runs, outputs);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    for (const p of problems.slice(0, 40)) console.error(p);
    if (problems.length > 40) console.error(`… and ${problems.length - 40} more`);
    console.error('tshark recordings differ from live tshark: re-record with `npm run record:tshark` and review the diff');
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(`record-tshark: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
