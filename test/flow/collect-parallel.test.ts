// Captures collected on worker threads (src/flow/collect-parallel.ts): a leg table made in a
// worker and handed back must be the one this thread makes, field by field, on real lab captures
// (pcap, pcapng, gzip); analyze must give the same report either way; a capture cut short gives
// the same diagnostic and keeps the same legs; a worker that dies or cannot start ends in a
// diagnostic or on this thread, never in a hang. The worker runs the built script (dist/, which
// `npm test` builds first), as the CLI does.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { type CaptureLegs, collectLegs } from '../../src/flow/collect-legs.js';
import { type CollectResult, type CollectTask, LegCollector, workersFor } from '../../src/flow/collect-parallel.js';
import { LegTable } from '../../src/flow/leg-table.js';
import { PROJECT_ROOT, samplePath } from '../corpus.js';

const BUILT_WORKER = pathToFileURL(join(PROJECT_ROOT, 'dist', 'flow', 'collect-worker.js'));
const scratch = mkdtempSync(join(tmpdir(), 'natpath-collect-parallel-'));

/** A worker script with the given body (to play a worker that misbehaves). */
function workerScript(name: string, body: string): URL {
  const file = join(scratch, name);
  writeFileSync(file, body);
  return pathToFileURL(file);
}

function task(path: string): CollectTask {
  return { path, displayPath: path, size: readFileSync(path).length };
}

/** Every capture file of a sample, host by host. */
function capturesOf(sample: string): string[] {
  const dir = samplePath(sample);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(dir, d.name)).filter((f) => f.startsWith('capture.')).map((f) => join(dir, d.name, f)));
}

/** Results of `tasks` collected with `workers` workers (every file through one unless told otherwise), and how many they handed back. */
async function collectAll(tasks: CollectTask[], workers: number, options: { workerUrl?: URL; workersOnly?: boolean } = {}): Promise<CollectResult[] & { fromWorkers: number }> {
  const collector = new LegCollector(workers, { workerUrl: BUILT_WORKER, workersOnly: true, ...options });
  for (const t of tasks) collector.submit(t);
  const results = await collector.finish();
  return Object.assign(results, { fromWorkers: collector.fromWorkers });
}

/** The table as plain data: every field (LegTable.toState), unused capacity included (the same code grows both alike). */
function fieldsOf(legs: LegTable): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(legs.toState().fields)) fields[name] = ArrayBuffer.isView(value) ? Array.from(value as Uint32Array) : value;
  return fields;
}

function withoutTable(c: CaptureLegs): Omit<CaptureLegs, 'legs'> {
  const { legs: _legs, ...rest } = c;
  return rest;
}

function expectSameCapture(there: CollectResult, here: CaptureLegs): void {
  if (there instanceof Error) throw there;
  expect(withoutTable(there)).toEqual(withoutTable(here));
  expect(fieldsOf(there.legs)).toEqual(fieldsOf(here.legs));
}

describe('leg collection on worker threads', () => {
  it('has the built worker to run (npm run build)', () => {
    expect(existsSync(fileURLToPath(BUILT_WORKER))).toBe(true);
  });

  it.each(['pod-egress-natgw', 'pod-egress-replay', 'nodeport', 'ipv6-pod-egress'])(
    'a worker hands back the leg table this thread makes, every field (%s: pcap, pcapng, gzip)',
    async (sample) => {
      const files = capturesOf(sample);
      const there = await collectAll(files.map(task), 2);
      expect(there).toHaveLength(files.length);
      expect(there.fromWorkers).toBe(files.length);
      for (const [i, file] of files.entries()) {
        const here = await collectLegs(file, file, undefined, undefined, undefined, readFileSync(file).length);
        expectSameCapture(there[i]!, here);
      }
    },
  );

  it('the table handed back keeps growing and releases its samples as one made here', async () => {
    const file = samplePath('pod-egress-natgw/node1/capture.pcap');
    const [there] = await collectAll([task(file)], 1);
    if (there === undefined || there instanceof Error) throw new Error('no table');
    const samples = there.legs.samples;
    expect(samples).toBeGreaterThan(0);
    there.legs.dropSamples();
    expect(there.legs.sampleLeg.data.length).toBe(0);
    expect(there.legs.sampleTs.data.buffer.byteLength).toBe(0);
  });

  it.each(['pod-egress-natgw', 'pod-egress-replay', 'nodeport', 'ipv6-pod-egress'])('analyze gives the same report with every capture read by workers (%s)', async (sample) => {
    const request = { paths: [samplePath(sample)], hosts: [] };
    const here = await runAnalyze(request, { threads: 1 });
    const there = await runAnalyze(request, { threads: 3, collect: { minWorkerBytes: 0, workerUrl: BUILT_WORKER, workersOnly: true } });
    expect(there).toEqual(here);
    // And with this thread reading too, as the CLI does.
    const both = await runAnalyze(request, { threads: 2, collect: { minWorkerBytes: 0, workerUrl: BUILT_WORKER } });
    expect(both).toEqual(here);
  });

  it('a capture cut short: the same diagnostic, the legs before the damage kept', async () => {
    const original = samplePath('pod-egress-replay/node1/capture.pcap');
    const bytes = readFileSync(original);
    const cut = join(scratch, 'cut.pcap');
    // Into the middle of a record: "truncated dump file" with its byte offset.
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const [there] = await collectAll([task(cut)], 1);
    const here = await collectLegs(cut, cut, undefined, undefined, undefined, Math.floor(bytes.length * 0.6));
    expect(here.diagnostics.length).toBeGreaterThan(0);
    expect(here.legs.count).toBeGreaterThan(0);
    expectSameCapture(there!, here);
  });

  it('a missing capture is unreadable with the message this thread gives', async () => {
    const missing = join(scratch, 'no-such.pcap');
    const [there] = await collectAll([{ path: missing, displayPath: missing, size: 1 << 30 }], 1);
    const here = await collectLegs(missing, missing).catch((err: Error) => err);
    expect(here).toBeInstanceOf(Error);
    expect(there).toBeInstanceOf(Error);
    expect((there as Error).message).toBe((here as Error).message);
  });

  it('a worker that dies while reading: that capture is unreadable with the reason, the others are read here', async () => {
    const dying = workerScript(
      'dying.mjs',
      "import { parentPort } from 'node:worker_threads';\n" +
        "parentPort.on('message', () => { throw new Error('simulated crash'); });\n" +
        "parentPort.postMessage({ type: 'ready' });\n",
    );
    const files = capturesOf('pod-egress-natgw');
    const results = await collectAll(files.map(task), 1, { workerUrl: dying });
    const failed = results.filter((r) => r instanceof Error) as Error[];
    expect(failed).toHaveLength(1);
    expect(failed[0]!.message).toMatch(/^the worker thread reading it stopped \(simulated crash\); its packets are not in the analysis$/);
    for (const [i, file] of files.entries()) {
      if (results[i] instanceof Error) continue;
      expectSameCapture(results[i]!, await collectLegs(file, file, undefined, undefined, undefined, readFileSync(file).length));
    }
  });

  it('a worker still starting when every capture is known is given one then, and reads it', async () => {
    // Ready only after 300 ms: this thread would read both small captures before hearing from it.
    const slow = workerScript('slow.mjs', `await new Promise((r) => setTimeout(r, 300));\nawait import(${JSON.stringify(BUILT_WORKER.href)});\n`);
    const files = capturesOf('pod-egress-natgw');
    const tasks = files.map(task);
    const results = await collectAll(tasks, 1, { workerUrl: slow, workersOnly: false });
    expect(results.fromWorkers).toBe(1);
    for (const [i, file] of files.entries()) expectSameCapture(results[i]!, await collectLegs(file, file, undefined, undefined, undefined, readFileSync(file).length));
  });

  it('a worker that dies before it says it is ready: the capture given to it is read here, not lost', async () => {
    const failing = workerScript('failing.mjs', "await new Promise((r) => setTimeout(r, 50));\nthrow new Error('simulated start-up failure');\n");
    const files = capturesOf('pod-egress-natgw');
    const results = await collectAll(files.map(task), 1, { workerUrl: failing });
    expect(results.fromWorkers).toBe(0);
    for (const [i, file] of files.entries()) expectSameCapture(results[i]!, await collectLegs(file, file, undefined, undefined, undefined, readFileSync(file).length));
  });

  it('a capture handed back by a worker that died before it was ready goes to a live worker left idle', async () => {
    // Of two workers the first to start fails after 1 s, when the other has read the rest and waits;
    // this thread reads no file while a worker lives (workersOnly): only a live worker can take it.
    const claim = join(scratch, 'first-worker-claim');
    const oneFails = workerScript(
      'one-fails.mjs',
      `import { openSync } from 'node:fs';\n` +
        `let first = true;\ntry { openSync(${JSON.stringify(claim)}, 'wx'); } catch { first = false; }\n` +
        `if (first) { await new Promise((r) => setTimeout(r, 1000)); throw new Error('simulated start-up failure'); }\n` +
        `await import(${JSON.stringify(BUILT_WORKER.href)});\n`,
    );
    const files = capturesOf('pod-egress-natgw');
    const results = await collectAll(files.map(task), 2, { workerUrl: oneFails });
    expect(results.fromWorkers).toBe(files.length);
    for (const [i, file] of files.entries()) expectSameCapture(results[i]!, await collectLegs(file, file, undefined, undefined, undefined, readFileSync(file).length));
  });

  it('a worker that exits at once, or whose script is missing: every capture is read here', async () => {
    const exiting = workerScript('exiting.mjs', 'process.exit(3);\n');
    const missing = pathToFileURL(join(scratch, 'no-worker.js'));
    const files = capturesOf('pod-egress-natgw');
    for (const workerUrl of [exiting, missing]) {
      const results = await collectAll(files.map(task), 2, { workerUrl });
      for (const [i, file] of files.entries()) expectSameCapture(results[i]!, await collectLegs(file, file, undefined, undefined, undefined, readFileSync(file).length));
    }
  });

  it('an archive entry (a stream) is read on this thread while a worker reads the files', async () => {
    const files = capturesOf('pod-egress-natgw');
    const streamed = files[0]!;
    const tasks: CollectTask[] = files.map(task);
    tasks[0] = { ...tasks[0]!, openStream: async function* () { yield readFileSync(streamed); } };
    const results = await collectAll(tasks, 1);
    expect(results.fromWorkers).toBe(files.length - 1);
    for (const [i, file] of files.entries()) expectSameCapture(results[i]!, await collectLegs(file, file, undefined, undefined, undefined, readFileSync(file).length));
  });

  it('progress at once: one label for every capture, bytes rising to their sum', async () => {
    const files = capturesOf('pod-egress-natgw');
    const seen: Array<[string, number]> = [];
    const offsets: number[] = [];
    const collector = new LegCollector(1, { workerUrl: BUILT_WORKER, onFile: (label, bytes) => seen.push([label, bytes]), onBytes: (o) => offsets.push(o) });
    for (const f of files) collector.submit(task(f));
    await collector.finish();
    const total = files.reduce((n, f) => n + readFileSync(f).length, 0);
    expect(seen).toEqual([[`${files.length} captures`, total]]);
    expect(offsets.at(-1)).toBe(total);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThanOrEqual(offsets[i - 1]!);
  });
});

describe('how many workers pay', () => {
  const MB = 1 << 20;
  const file = (size: number) => ({ size, stream: false });
  it('none for one capture, or with one thread', () => {
    expect(workersFor([file(500 * MB)], 4, 40 * MB)).toBe(0);
    expect(workersFor([file(500 * MB), file(500 * MB)], 1, 40 * MB)).toBe(0);
  });
  it('none when a worker would get less than the least that pays', () => {
    expect(workersFor([file(200 * MB), file(30 * MB)], 2, 40 * MB)).toBe(0);
    expect(workersFor([file(200 * MB), file(50 * MB)], 2, 40 * MB)).toBe(1);
  });
  it('as many as the threads allow, each thread taking the largest capture left', () => {
    // 202 + 135 + 64 MB (the bench's three hosts) on 2 threads: this one 202, the worker 135 + 64.
    expect(workersFor([file(135 * MB), file(202 * MB), file(64 * MB)], 2, 40 * MB)).toBe(1);
    expect(workersFor([file(135 * MB), file(202 * MB), file(64 * MB)], 8, 40 * MB)).toBe(2);
    // A fourth thread would have nothing to read.
    expect(workersFor([file(100 * MB), file(100 * MB), file(100 * MB)], 8, 40 * MB)).toBe(2);
  });
  it('streams stay on this thread: a worker gets only files', () => {
    expect(workersFor([{ size: 300 * MB, stream: true }, { size: 300 * MB, stream: true }], 4, 40 * MB)).toBe(0);
    expect(workersFor([{ size: 300 * MB, stream: true }, file(100 * MB)], 4, 40 * MB)).toBe(1);
  });
});

// Kept apart from the describe blocks: a case on disk with a cut capture, analysed both ways.
describe('a damaged capture in a case read by workers', () => {
  it('gives the same report, diagnostics in the same order', async () => {
    const dir = join(scratch, 'case');
    const source = samplePath('pod-egress-natgw');
    for (const host of readdirSync(source, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      mkdirSync(join(dir, host.name), { recursive: true });
      for (const f of readdirSync(join(source, host.name))) copyFileSync(join(source, host.name, f), join(dir, host.name, f));
    }
    const capture = join(dir, 'natgw', 'capture.pcap');
    const bytes = readFileSync(capture);
    writeFileSync(capture, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const request = { paths: [dir], hosts: [] };
    const here = await runAnalyze(request, { threads: 1 });
    const there = await runAnalyze(request, { threads: 2, collect: { minWorkerBytes: 0, workerUrl: BUILT_WORKER, workersOnly: true } });
    expect(here.diagnostics.some((d) => d.code.startsWith('capture.'))).toBe(true);
    expect(there).toEqual(here);
  });
});
