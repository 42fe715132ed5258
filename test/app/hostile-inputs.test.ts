// Property-based fuzzing of what cases arrive with (issue 16): a lab case's snapshots, its
// captures and the case as an archive, mutated — bytes flipped, lines duplicated, dropped or
// swapped, hostile lines inserted (chain loops, gotos back, huge numbers, control characters),
// archives cut or with damaged headers. Every run must end within its time limit, stay under its
// memory bound and never throw (a thrown error is what the CLI turns into exit 70 and a stack
// trace). Fixed seed; NATPATH_FUZZ_RUNS sets the iterations per property (default 25).

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { runTrace } from '../../src/app/trace.js';
import { loadCase } from '../../src/case/load-case.js';
import { tarBytes } from '../case/tar-writer.js';
import { samplePath } from '../corpus.js';

const RUNS = Number(process.env.NATPATH_FUZZ_RUNS ?? 25);
const SEED = 1616;
/** Per iteration: the slowest honest run here takes well under a second. */
const TIME_LIMIT_MS = 20_000;
const RSS_BOUND_MB = 1500;

const scratch = mkdtempSync(join(tmpdir(), 'natpath-fuzz-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CASE = samplePath('pod-egress-natgw');
const HOSTS = ['node1', 'natgw', 'partner'];
const files = new Map<string, Buffer>();
for (const host of HOSTS) for (const name of readdirSync(join(CASE, host))) files.set(`${host}/${name}`, readFileSync(join(CASE, host, name)));
const textFiles = [...files.keys()].filter((f) => f.endsWith('.txt'));
const captureFiles = [...files.keys()].filter((f) => f.endsWith('.pcap'));

const HOSTILE_LINES = [
  ':L1 - [0:0]', ':L2 - [0:0]', '-A L1 -j L2', '-A L2 -j L1', '-A FORWARD -j L1', '-A POSTROUTING -j POSTROUTING',
  '100:\tfrom all goto 100', '200:\tfrom all goto 50', '4294967295:\tfrom all lookup 4294967295',
  'default via 999.1.1.1 dev eth0 metric 99999999999999999999', '-A PREROUTING -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.0.0.1',
  `-A OUTPUT -m comment --comment "${'x'.repeat(70_000)}" -j ACCEPT`, 'eth0\u0000\u0007\u001b[31m', '*nat', 'COMMIT', '*filter',
  '2: x@y: <UP> mtu -1', 'tcp 6 -1 ESTABLISHED src=1 dst=2 sport=99999 dport=0',
];

/** One edit of a text: a line dropped, duplicated, swapped, replaced by a hostile one, or bytes flipped. */
const textEdit = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: fc.constantFrom(...HOSTILE_LINES) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);
type TextEdit = typeof textEdit extends fc.Arbitrary<infer T> ? T : never;

function editText(bytes: Buffer, edits: TextEdit[]): Buffer {
  let lines = bytes.toString('latin1').split('\n');
  for (const e of edits) {
    const n = Math.max(1, lines.length);
    switch (e.kind) {
      case 'drop': lines.splice(e.at % n, 1); break;
      case 'dup': lines.splice(e.at % n, 0, ...Array<string>(e.times).fill(lines[e.at % n] ?? '')); break;
      case 'swap': { const a = e.at % n; const b = e.with % n; [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? '']; break; }
      case 'insert': lines.splice(e.at % n, 0, e.line); break;
      case 'flip': {
        const buf = Buffer.from(lines.join('\n'), 'latin1');
        if (buf.length > 0) buf[e.at % buf.length] = e.byte;
        lines = buf.toString('latin1').split('\n');
        break;
      }
    }
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

/** Byte edits of a binary: flips, a cut, a run of one byte value. */
const byteEdit = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('fill' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), byte: fc.constantFrom(0, 0xff, 0x7f) }),
);
type ByteEdit = typeof byteEdit extends fc.Arbitrary<infer T> ? T : never;

function editBytes(bytes: Buffer, edits: ByteEdit[]): Buffer {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    if (b.length === 0) break;
    const at = e.at % b.length;
    if (e.kind === 'flip') b[at] = e.byte;
    else if (e.kind === 'cut') b = b.subarray(0, at);
    else b.fill(e.byte, at, Math.min(b.length, at + e.length));
  }
  return b;
}

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
