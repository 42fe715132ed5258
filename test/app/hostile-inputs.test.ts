// Property-based fuzzing of what cases arrive with (issue 16): a lab case's snapshots, its
// captures and the case as an archive, mutated — bytes flipped, lines duplicated, dropped or
// swapped, hostile lines inserted (chain loops, gotos back, huge numbers, control characters),
// archives cut or with damaged headers. Every run must end within its time limit, stay under its
// memory bound and never throw (a thrown error is what the CLI turns into exit 70 and a stack
// trace). Fixed seed; NATPATH_FUZZ_RUNS sets the iterations per property (default 25).

import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { runTrace } from '../../src/app/trace.js';
import { loadCase } from '../../src/case/load-case.js';
import { tarBytes } from '../case/tar-writer.js';
import { byteEdit, captureFiles, editBytes, editText, files, textEdit, textFiles } from './case-mutations.js';

const RUNS = Number(process.env.NATPATH_FUZZ_RUNS ?? 25);
const SEED = 1616;
/** Per iteration: the slowest honest run here takes well under a second. */
const TIME_LIMIT_MS = 20_000;
const RSS_BOUND_MB = 1500;

const scratch = mkdtempSync(join(tmpdir(), 'natpath-fuzz-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let caseSerial = 0;
function writeCase(contents: Map<string, Buffer>): string {
  const dir = join(scratch, `case-${caseSerial++}`);
  for (const [name, bytes] of contents) {
    mkdirSync(join(dir, name.split('/')[0]!), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

/** Runs `work` and holds it to the time limit and the memory bound; a throw fails the property. */
async function bounded(work: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  expect(ms).toBeLessThan(TIME_LIMIT_MS);
  expect(process.memoryUsage().rss / 1e6).toBeLessThan(RSS_BOUND_MB);
}

const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

describe(`fuzz (seed ${SEED}, ${RUNS} runs per property)`, () => {
  it('mutated snapshots: trace and analyze end, bounded, without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...textFiles), fc.array(textEdit, { minLength: 1, maxLength: 12 }), async (file, edits) => {
        const contents = new Map(files);
        contents.set(file, editText(files.get(file)!, edits));
        const dir = writeCase(contents);
        await bounded(async () => {
          const run = await runTrace({ paths: [join(dir, file.split('/')[0]!)], hosts: [], proto: 'tcp', src: '10.244.1.2', dst: '198.51.100.10:443', in: 'cni0' });
          if (run.ok) expect(run.report.outcomes.reduce((p, o) => p + o.probability, 0)).toBeLessThanOrEqual(1.000001);
          await runAnalyze({ paths: [dir], hosts: [] });
        });
        rmSync(dir, { recursive: true, force: true });
      }),
      params,
    );
  }, RUNS * TIME_LIMIT_MS);

  it('mutated captures: analyze ends, bounded, without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...captureFiles), fc.array(byteEdit, { minLength: 1, maxLength: 8 }), fc.boolean(), async (file, edits, gzip) => {
        const contents = new Map(files);
        const mutated = editBytes(files.get(file)!, edits);
        contents.delete(file);
        contents.set(gzip ? `${file}.gz` : file, gzip ? gzipSync(mutated) : mutated);
        const dir = writeCase(contents);
        await bounded(() => runAnalyze({ paths: [dir], hosts: [] }));
        rmSync(dir, { recursive: true, force: true });
      }),
      params,
    );
  }, RUNS * TIME_LIMIT_MS);

  it('mutated archives of the case: loading and analysing end, bounded, without throwing', async () => {
    const tar = tarBytes([...files].map(([name, data]) => ({ name: `case/${name}`, data })));
    await fc.assert(
      fc.asyncProperty(fc.array(byteEdit, { minLength: 1, maxLength: 8 }), fc.boolean(), async (edits, gzip) => {
        const mutated = editBytes(tar, edits);
        const path = join(scratch, `case-${caseSerial++}.${gzip ? 'tgz' : 'tar'}`);
        writeFileSync(path, gzip ? gzipSync(mutated) : mutated);
        await bounded(async () => {
          const c = await loadCase({ paths: [path], hosts: [] });
          expect(c.hosts.every((h) => !/[\u0000-\u001f]/.test(h.name))).toBe(true);
          await runAnalyze({ paths: [path], hosts: [] });
        });
        rmSync(path, { force: true });
      }),
      params,
    );
  }, RUNS * TIME_LIMIT_MS);
});
