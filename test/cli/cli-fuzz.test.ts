// Property-based fuzzing through the CLI (issue 16): inspect, analyze (every format) and trace run
// by the CLI's own main() (test/cli/run-cli-in-process.ts) on a lab case whose snapshots, captures
// or archive were mutated (test/app/case-mutations.ts). Each run must end within its time limit,
// keep the process under its memory bound, never exit 70, never print a stack trace, and print
// nothing on stdout when it exits 66 (nothing usable). Fixed seed; NATPATH_FUZZ_RUNS sets the
// iterations per property (default 15). decode is left out: it writes with fs.writeSync(1), which
// the in-process runner cannot capture.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { byteEdit, captureFiles, editBytes, editText, files, textEdit, textFiles } from '../app/case-mutations.js';
import { tarBytes } from '../case/tar-writer.js';
import { runCliInProcess } from './run-cli-in-process.js';

const RUNS = Number(process.env.NATPATH_FUZZ_RUNS ?? 15);
const SEED = 1616;
/** Per command: the slowest honest run here takes about a second. */
const TIME_LIMIT_MS = 20_000;
const RSS_BOUND_MB = 1500;
/** Where a V8 stack trace shows: "    at fn (file.js:12:34)". */
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
/** What a terminal would obey (colour is off in a pipe): none may come from the inputs. */
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_BREAK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const scratch = mkdtempSync(join(tmpdir(), 'natpath-cli-fuzz-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The commands run on each mutated case: `target` is the case (folder or archive), `host` its node1. */
const command = fc.constantFrom(
  (target: string) => ['inspect', target],
  (target: string) => ['inspect', target, '--format', 'json'],
  (target: string) => ['analyze', target],
  (target: string) => ['analyze', target, '--format', 'json'],
  (target: string) => ['analyze', target, '--format', 'csv'],
  (target: string) => ['analyze', target, '--format', 'markdown'],
  (target: string) => ['analyze', target, '--format', 'html'],
  (target: string) => ['trace', target, '--host', 'node1', '--src', '10.244.1.2', '--dst', '198.51.100.10:443', '--in', 'cni0'],
  (target: string) => ['trace', target, '--host', 'node1', '--src', '10.244.1.2', '--dst', '198.51.100.10:443', '--in', 'cni0', '--format', 'json'],
);

let serial = 0;
function writeCase(contents: Map<string, Buffer>): string {
  const dir = join(scratch, `case-${serial++}`);
  for (const [name, bytes] of contents) {
    mkdirSync(join(dir, name.split('/')[0]!), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

/** Runs the CLI and holds the run to every rule above. */
async function holdsUp(args: string[]): Promise<void> {
  const started = performance.now();
  const r = await runCliInProcess(args, { COLUMNS: '100' });
  const ms = performance.now() - started;
  const said = `natpath ${args.join(' ')} → exit ${r.code}\n${r.stderr.slice(0, 2000)}`;
  expect(ms, said).toBeLessThan(TIME_LIMIT_MS);
  expect(process.memoryUsage().rss / 1e6, said).toBeLessThan(RSS_BOUND_MB);
  expect(r.code, said).not.toBe(70);
  expect([0, 1, 2, 66], said).toContain(r.code);
  expect(r.stderr, said).not.toMatch(STACK_LINE);
  expect(r.stderr, said).not.toContain('internal error');
  if (r.code === 66) expect(r.stdout, said).toBe('');
  // The mutations insert control characters: text for a person shows them escaped.
  expect(r.stderr, said).not.toMatch(CONTROL_BUT_LINE_BREAK);
  if (!args.includes('--format')) expect(r.stdout, said).not.toMatch(CONTROL_BUT_LINE_BREAK);
}

const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

describe(`CLI fuzz (seed ${SEED}, ${RUNS} runs per property)`, () => {
  it('mutated snapshots', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...textFiles), fc.array(textEdit, { minLength: 1, maxLength: 12 }), command, async (file, edits, argsFor) => {
        const contents = new Map(files);
        contents.set(file, editText(files.get(file)!, edits));
        const dir = writeCase(contents);
        await holdsUp(argsFor(dir));
        rmSync(dir, { recursive: true, force: true });
      }),
      params,
    );
  }, RUNS * TIME_LIMIT_MS);

  it('mutated captures, plain or gzip', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...captureFiles), fc.array(byteEdit, { minLength: 1, maxLength: 8 }), fc.boolean(), command, async (file, edits, gzip, argsFor) => {
        const contents = new Map(files);
        const mutated = editBytes(files.get(file)!, edits);
        contents.delete(file);
        contents.set(gzip ? `${file}.gz` : file, gzip ? gzipSync(mutated) : mutated);
        const dir = writeCase(contents);
        await holdsUp(argsFor(dir));
        rmSync(dir, { recursive: true, force: true });
      }),
      params,
    );
  }, RUNS * TIME_LIMIT_MS);

  it('mutated archives of the case, tar or tar.gz', async () => {
    const tar = tarBytes([...files].map(([name, data]) => ({ name: `case/${name}`, data })));
    await fc.assert(
      fc.asyncProperty(fc.array(byteEdit, { minLength: 1, maxLength: 8 }), fc.boolean(), command, async (edits, gzip, argsFor) => {
        const mutated = editBytes(tar, edits);
        const path = join(scratch, `case-${serial++}.${gzip ? 'tgz' : 'tar'}`);
        writeFileSync(path, gzip ? gzipSync(mutated) : mutated);
        await holdsUp(argsFor(path));
        rmSync(path, { force: true });
      }),
      params,
    );
  }, RUNS * TIME_LIMIT_MS);
});
