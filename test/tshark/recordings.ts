// tshark's recorded outputs (test/fixtures/tshark/<group>.json.gz, made by `npm run record:tshark`).
// Each entry keeps the arguments and the SHA-256 of the input it was made from, so a changed
// capture or changed arguments make the test fail with the command to re-record instead of
// comparing against a stale answer.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PROJECT_ROOT } from '../corpus.js';
import type { RunGroup, TsharkRun } from './runs.js';

export const RECORDINGS_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'tshark');

export interface RecordedRun {
  args: string[];
  inputSha256: string;
  stdout: string;
}

export interface RecordingFile {
  /** `tshark --version`'s first line at recording time. */
  tshark: string;
  runs: Record<string, RecordedRun>;
}

export function recordingPath(group: RunGroup): string {
  return join(RECORDINGS_DIR, `${group}.json.gz`);
}

const loaded = new Map<RunGroup, RecordingFile>();

export function loadRecordingFile(group: RunGroup): RecordingFile {
  let file = loaded.get(group);
  if (file === undefined) {
    file = JSON.parse(gunzipSync(readFileSync(recordingPath(group))).toString('utf8')) as RecordingFile;
    loaded.set(group, file);
  }
  return file;
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The recorded stdout of `run`; throws, naming the fix, when it is missing or was made from other input or arguments. */
export function recordedOutput(run: TsharkRun): string {
  const rec = loadRecordingFile(run.group).runs[run.key];
  const fix = 'run `npm run record:tshark` (needs tshark) and commit test/fixtures/tshark';
  if (rec === undefined) throw new Error(`no recorded tshark output for ${run.group} ${run.key}: ${fix}`);
  if (rec.args.join('\u0000') !== run.args.join('\u0000')) throw new Error(`tshark recording of ${run.key} was made with other arguments: ${fix}`);
  if (rec.inputSha256 !== sha256File(run.input)) throw new Error(`tshark recording of ${run.key} was made from another version of ${run.input}: ${fix}`);
  return rec.stdout;
}

/** The tshark version the group was recorded with, for test titles and logs. */
export function recordedTsharkVersion(group: RunGroup): string {
  return /TShark \(Wireshark\) (\S+)/.exec(loadRecordingFile(group).tshark)?.[1] ?? loadRecordingFile(group).tshark;
}
