// Flow counting in a worker (src/flow/flow-ring.ts): the count must be the one the main thread
// gets on its own, on real captures and across many laps of the ring; a worker that cannot start,
// never starts or dies must not hang the run nor change the count; a damaged or missing capture
// ends the same way with or without the worker. The worker runs the built script (dist/, which
// `npm test` builds first), as the CLI does.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { CaptureFileError } from '../../src/capture/index.js';
import { makeStyle } from '../../src/report/terminal.js';
import { runDecode, type DecodeRunOptions } from '../../src/app/decode-run.js';
import { FlowRingWriter } from '../../src/flow/flow-ring.js';
import { FlowTable } from '../../src/flow/flow-table.js';
import { CORPUS_ROOT, PROJECT_ROOT, NEEDS_CORPUS } from '../corpus.js';
import { listCaptures } from '../capture/capture-files.js';

const BUILT_WORKER = pathToFileURL(join(PROJECT_ROOT, 'dist', 'flow', 'flow-worker.js'));
const scratch = mkdtempSync(join(tmpdir(), 'natpath-flow-ring-'));

/** A worker script with the given body (to play a worker that misbehaves). */
function workerScript(name: string, body: string): URL {
  const file = join(scratch, name);
  writeFileSync(file, body);
  return pathToFileURL(file);
}

/** `count` tuples, each flow `repeat` times, in a fixed order. */
function addTuples(sink: { addTuple(lo: number, hi: number, ports: number, proto: number): void }, flows: number, repeat: number): void {
  for (let r = 0; r < repeat; r++) for (let i = 0; i < flows; i++) sink.addTuple(0x0a000000 + (i >>> 16), 0xc0a80001, ((i & 0xffff) << 16) | 443, 6 | (4 << 12));
}

async function summarize(file: string, flowWorker: 'always' | 'never', flowWorkerUrl = BUILT_WORKER): Promise<unknown> {
  let text = '';
  const o: DecodeRunOptions = {
    file,
    format: 'json',
    summaryOnly: true,
    ctx: { style: makeStyle(false), width: 120, file },
    write: (t) => (text += t),
    flowWorker,
    flowWorkerUrl,
  };
  const result = await runDecode(o);
  const { processingSeconds: _s, packetsPerSecond: _p, ...summary } = result.summary;
  return { summary, text: text.replace(/"(processingSeconds|packetsPerSecond)": [0-9.e+-]+/g, ''), complete: result.complete, diagnostics: result.diagnostics };
}

describe('flow counting in a worker', () => {
  it('counts what the main thread counts, across several laps of the ring', async () => {
    const ring = new FlowRingWriter();
    ring.startWorker(BUILT_WORKER);
    const table = new FlowTable();
    try {
      // On a loaded machine a worker may take longer to start than the writer waits for a silent
      // one (it then counts here, exactly: the test below); this test is about the worker's count,
      // so it waits until the worker has taken over before filling the ring.
      await vi.waitFor(() => expect(ring.workerRunning).toBe(true), { timeout: 30_000, interval: 5 });
      addTuples(ring!, 700_000, 3); // 2.1 M tuples: four laps of the 512 Ki-tuple ring
      addTuples(table, 700_000, 3);
      expect(await ring.finish()).toEqual(table.total());
      expect(ring.usesWorker).toBe(true);
    } finally {
      ring.close();
    }
  });

  it('gives the same decode --summary as the main thread alone on every lab sample capture', async () => {
    for (const file of listCaptures(join(PROJECT_ROOT, 'samples'))) {
      expect(await summarize(file, 'always'), file).toEqual(await summarize(file, 'never'));
    }
  }, 60_000);

  it('gives the same decode --summary as the main thread alone on a slice of the shared corpus (every 16th capture)', { ...NEEDS_CORPUS, timeout: 120_000 }, async () => {
    const files = listCaptures(CORPUS_ROOT).filter((_, i) => i % 16 === 0);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      expect(await summarize(file, 'always'), file).toEqual(await summarize(file, 'never'));
    }
  });

  it('ends a damaged capture (cut in the middle of a record) the same way, and a missing one with the same error', async () => {
    const sample = listCaptures(join(PROJECT_ROOT, 'samples')).find((f) => f.endsWith('.pcap'))!;
    const bytes = readFileSync(sample);
    const cut = join(scratch, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const withWorker = (await summarize(cut, 'always')) as { complete: boolean };
    expect(withWorker.complete).toBe(false);
    expect(withWorker).toEqual(await summarize(cut, 'never'));
    await expect(summarize(join(scratch, 'missing.pcap'), 'always')).rejects.toBeInstanceOf(CaptureFileError);
  });

  it('counts on the main thread, exactly, when the worker script cannot be found', async () => {
    const ring = new FlowRingWriter();
    addTuples(ring, 1000, 2); // tuples written before the worker was asked for are counted too
    ring.startWorker(pathToFileURL(join(scratch, 'no-such-worker.js')));
    expect(ring.usesWorker).toBe(false);
    addTuples(ring, 100_000, 2);
    const table = new FlowTable();
    addTuples(table, 1000, 2);
    addTuples(table, 100_000, 2);
    expect(await ring.finish()).toEqual(table.total());
  });

  it('counts on the main thread, exactly, when told to after the first tuples (or never told)', async () => {
    for (const told of [true, false]) {
      const ring = new FlowRingWriter();
      addTuples(ring, 50_000, 2);
      if (told) expect(ring.countHere()).toBe(true);
      addTuples(ring, 600_000, 1); // past the ring's end
      const table = new FlowTable();
      addTuples(table, 50_000, 2);
      addTuples(table, 600_000, 1);
      expect(await ring.finish()).toEqual(table.total());
      expect(ring.usesWorker).toBe(false);
    }
  });

  it('counts on the main thread, exactly, when the worker dies before it starts', async () => {
    const ring = new FlowRingWriter();
    ring.startWorker(workerScript('throws.mjs', "throw new Error('broken install');"));
    const table = new FlowTable();
    addTuples(ring!, 100_000, 2);
    addTuples(table, 100_000, 2);
    expect(await ring.finish()).toEqual(table.total());
    expect(ring.usesWorker).toBe(false);
    ring.close();
  });

  it('takes over, exactly, from a worker that never starts taking tuples, instead of waiting forever', async () => {
    const ring = new FlowRingWriter();
    ring.startWorker(workerScript('sleeps.mjs', 'setInterval(() => {}, 1000);'));
    const table = new FlowTable();
    addTuples(ring!, 400_000, 2); // more than the ring holds: the writer has to wait, then gives up
    addTuples(table, 400_000, 2);
    expect(await ring.finish()).toEqual(table.total());
    expect(ring.usesWorker).toBe(false);
    ring.close();
  }, 20_000);
});
