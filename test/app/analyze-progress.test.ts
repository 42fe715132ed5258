// analyze's progress on a terminal (src/report/progress.ts, wired by progressHooks in
// src/app/analyze.ts): every phase says what it is doing, in order, on stderr when it is a
// terminal; nothing at all on a pipe, in CI or on a dumb terminal; never a colour code.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { progressHooks } from '../../src/app/analyze.js';
import { createProgress } from '../../src/report/progress.js';
import { PROJECT_ROOT, samplePath } from '../corpus.js';

/** A stand-in for process.stderr: a terminal of `columns` (or a pipe), keeping what is written. */
function fakeStderr(isTTY: boolean, columns: number | undefined = 80): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, columns, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

/** The lines a terminal showed, one per redraw: "\r" starts one, "\x1b[K" clears the rest. */
function redraws(written: string[]): string[] {
  return written.join('').split('\r').map((l) => l.replace(/\u001b\[K/g, '')).filter((l) => l !== '');
}

const sample = samplePath('nodeport');

describe('analyze progress', () => {
  it('on a terminal: a bar per capture read, then a bar each for matching, clocks, linking and explaining, then building, in order', async () => {
    const { stream, written } = fakeStderr(true, 100);
    const progress = createProgress(stream, {});
    await runAnalyze({ paths: [sample], hosts: [] }, progressHooks(progress));
    progress.finish();
    const lines = redraws(written);
    // Every phase but building the report has a bar: the synchronous ones report from inside their loops.
    const phases = [/^reading …?.*client\/capture\.pcap +\[/, /^matching packets across 3 capture\(s\) +\[/, /^estimating clocks from [\d,]+ matched pair\(s\) +\[/, /^linking [\d,]+ connection leg\(s\) into flows +\[/, /^explaining [\d,]+ flow\(s\) +\[/, /^building the report of [\d,]+ flow\(s\)…$/];
    let at = 0;
    for (const phase of phases) {
      const found = lines.findIndex((l, i) => i >= at && phase.test(l));
      expect(found, `${phase} after line ${at} in ${JSON.stringify(lines)}`).toBeGreaterThanOrEqual(at);
      at = found + 1;
    }
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(100);
    // Plain characters: no colour code for NO_COLOR to turn off; the bar is cleared at the end.
    expect(written.join('')).not.toMatch(/\u001b\[[0-9;]*m/);
    expect(written.at(-1)).toBe('\r\u001b[K');
  });

  it('fits a terminal of 80 columns, and one that says it has 0 (a pseudo-terminal never sized)', async () => {
    for (const columns of [80, 0]) {
      const { stream, written } = fakeStderr(true, columns);
      const progress = createProgress(stream, {});
      await runAnalyze({ paths: [sample], hosts: [] }, progressHooks(progress));
      for (const l of redraws(written)) expect(l.length, l).toBeLessThanOrEqual(80);
      // The bar gives way before the label: at 80 columns every label is whole.
      for (const label of ['matching packets across 3 capture(s) [', 'estimating clocks from 112 matched pair(s) [', 'linking 36 connection leg(s) into flows [']) {
        expect(redraws(written).some((l) => l.startsWith(label)), label).toBe(true);
      }
    }
  });

  it.each([
    ['a pipe', false, {}],
    ['CI', true, { CI: 'true' }],
    ['a dumb terminal', true, { TERM: 'dumb' }],
  ])('writes nothing on %s', async (_name, isTTY, env) => {
    const { stream, written } = fakeStderr(isTTY);
    const progress = createProgress(stream, env);
    await runAnalyze({ paths: [sample], hosts: [] }, progressHooks(progress));
    progress.phase('rendering the table report');
    progress.finish();
    expect(written).toEqual([]);
  });
});

describe('progress ETA', () => {
  afterEach(() => vi.useRealTimers());

  /** The ETA the bar shows last, in seconds (null: none). */
  const lastEta = (written: string[]): number | null => {
    const m = / ETA (\d+)s$/.exec(redraws(written).at(-1) ?? '');
    return m === null ? null : Number(m[1]);
  };

  it('is the work left at the recent rate: a slow start (start-up, first flows of each shape) does not inflate it', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { stream, written } = fakeStderr(true, 100);
    const progress = createProgress(stream, {});
    let now = 1_000_000;
    vi.setSystemTime(now);
    progress.phase('explaining 1,000 flow(s)', 1000);
    // 2 s before the first step (start-up), then 10 flows a second for 2 s, then 200 a second.
    const at = (ms: number, done: number) => {
      now += ms;
      vi.setSystemTime(now);
      progress.update(done);
    };
    at(2000, 1);
    for (let k = 1; k <= 20; k++) at(100, 1 + k);
    expect(lastEta(written)).not.toBeNull();
    let done = 21;
    for (let k = 0; k < 25; k++) at(100, (done += 20));
    // 521 done after 6.5 s; 479 left at 200 a second: 2.4 s. The average since the phase began
    // (521 in 6.5 s, 80 a second) would say 6 s, since the first step 5 s.
    expect(lastEta(written)).toBe(3);
    expect(done).toBe(521);
  });

  it('shows none until steps span half a second, and none before the first step', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { stream, written } = fakeStderr(true, 100);
    const progress = createProgress(stream, {});
    let now = 5_000_000;
    vi.setSystemTime(now);
    progress.phase('matching packets across 3 capture(s)', 1000);
    for (let k = 1; k <= 4; k++) {
      now += 100;
      vi.setSystemTime(now);
      progress.update(k * 10);
      expect(lastEta(written), `after ${k * 100} ms`).toBeNull();
    }
    now += 200;
    vi.setSystemTime(now);
    progress.update(60);
    // 50 units in the 500 ms since the first step: 940 left at 100 a second.
    expect(lastEta(written)).toBe(10);
  });
});

const { replicateCase } = (await import(join(PROJECT_ROOT, 'bench', 'replicate-case.mjs'))) as {
  replicateCase(sample: string, out: string, copies: number): Promise<unknown>;
};
const scratch = mkdtempSync(join(tmpdir(), 'natpath-progress-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the synchronous phases report from inside their loops', () => {
  it('match, clocks and link each step their bar from 0 to the end, in order, on a replayed case', async () => {
    const dir = join(scratch, 'rep');
    await replicateCase(samplePath('pod-egress-natgw'), dir, 400);
    const steps = new Map<string, number[]>();
    let current = '';
    await runAnalyze({ paths: [dir], hosts: [] }, {
      onPhase: (phase, _label, total) => {
        current = phase;
        steps.set(phase, []);
        if (phase !== 'report') expect(total, phase).toBeGreaterThan(0);
      },
      onStep: (done) => steps.get(current)?.push(done),
    });
    for (const phase of ['match', 'clocks', 'link']) {
      const seen = steps.get(phase)!;
      // Several steps from inside the loop (every 4 096 rows or pairs, every 64 flows), never backwards, ending whole.
      expect(seen.length, `${phase}: ${seen.join(' ')}`).toBeGreaterThanOrEqual(3);
      expect(seen.every((d, i) => i === 0 || d >= seen[i - 1]!), `${phase}: ${seen.join(' ')}`).toBe(true);
      expect(seen.at(-1), phase).toBe(1000);
      expect(seen.some((d) => d > 0 && d < 1000), phase).toBe(true);
    }
    expect(steps.get('explain')!.length).toBeGreaterThanOrEqual(Math.floor(1600 / 64));
  }, 60_000);
});
