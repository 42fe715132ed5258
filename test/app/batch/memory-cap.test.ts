// --worker-memory where a process's resident memory cannot be read (no /proc: not Linux, or a
// sandbox hiding it): only the JavaScript heap is capped, and the run says so on stderr (at the
// start and again with the totals) and in batch.json. The absence is simulated through
// runBatch's residentMemoryReadable; the same run with /proc records the full cap.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { findCases } from '../../../src/app/batch/find-cases.js';
import { createBatchProgress } from '../../../src/app/batch/progress.js';
import { canReadResidentMemory } from '../../../src/app/batch/resident-memory.js';
import { runBatch, SUMMARY_FILES, type BatchEvent, type BatchRunRecord } from '../../../src/app/batch/run-batch.js';
import { PROJECT_ROOT, samplePath } from '../../corpus.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-batch-memory-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CHILD = join(PROJECT_ROOT, 'dist', 'app', 'batch', 'case-child.js');

/** A pipe-like stderr that keeps what is written. */
function captureStream(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => text };
}

async function runWith(residentReadable: boolean, out: string): Promise<{ events: BatchEvent[]; stderr: string; record: BatchRunRecord; status: string }> {
  const found = await findCases([samplePath('pod-egress-natgw')]);
  const events: BatchEvent[] = [];
  const err = captureStream();
  const progress = createBatchProgress(err.stream, {});
  const rows = await runBatch(found.cases, {
    outDir: out, formats: ['json'], jobs: 1, workerMemoryMb: 256, force: true, shard: null, version: 'test',
    childModule: CHILD,
    residentMemoryReadable: () => residentReadable,
    onEvent: (e) => {
      events.push(e);
      progress.onEvent(e);
    },
  });
  progress.finish(rows);
  const record = JSON.parse(readFileSync(join(out, SUMMARY_FILES.run), 'utf8')) as BatchRunRecord;
  return { events, stderr: err.text(), record, status: rows[0]!.status };
}

describe('batch --worker-memory without /proc', () => {
  it('caps the heap only and says so on stderr, twice, and in batch.json', async () => {
    const r = await runWith(false, join(scratch, 'no-proc'));
    expect(r.status).toBe('ok');
    const warning = r.events.find((e) => e.type === 'warning');
    expect(warning).toBeDefined();
    const lines = r.stderr.split('\n');
    const said = lines.filter((l) => l.startsWith('natpath batch: warning: --worker-memory 256: this system has no /proc/PID/status'));
    expect(said).toHaveLength(2);
    expect(said[0]).toContain('only each case\'s JavaScript heap is capped (--max-old-space-size=256)');
    // Once before the first case's line, once after the totals.
    expect(lines.indexOf(said[0]!)).toBeLessThan(lines.findIndex((l) => l.includes('pod-egress-natgw: ')));
    expect(lines.lastIndexOf(said[1]!)).toBeGreaterThan(lines.findIndex((l) => /^1 case\(s\): /.test(l)));
    expect(r.record.memoryCap).toEqual({ mb: 256, enforced: 'heap-only' });
    expect(r.record.warnings).toEqual([(warning as { message: string }).message]);
  }, 120_000);

  it('with /proc the cap covers the resident memory, and nothing is said', async () => {
    expect(canReadResidentMemory()).toBe(existsSync('/proc/self/status'));
    const r = await runWith(true, join(scratch, 'proc'));
    expect(r.status).toBe('ok');
    expect(r.events.some((e) => e.type === 'warning')).toBe(false);
    expect(r.stderr).not.toContain('warning');
    expect(r.record.memoryCap).toEqual({ mb: 256, enforced: 'resident-and-heap' });
    expect(r.record.warnings).toEqual([]);
  }, 120_000);
});
