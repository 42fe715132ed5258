// analyze's progress on a terminal (src/report/progress.ts, wired by progressHooks in
// src/app/analyze.ts): every phase says what it is doing, in order, on stderr when it is a
// terminal; nothing at all on a pipe, in CI or on a dumb terminal; never a colour code.

import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { progressHooks } from '../../src/app/analyze.js';
import { createProgress } from '../../src/report/progress.js';
import { samplePath } from '../corpus.js';

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
  it('on a terminal: a bar per capture read, then matching, clocks, linking, explaining and building, in order', async () => {
    const { stream, written } = fakeStderr(true, 100);
    const progress = createProgress(stream, {});
    await runAnalyze({ paths: [sample], hosts: [] }, progressHooks(progress));
    progress.finish();
    const lines = redraws(written);
    const phases = [/^reading …?.*client\/capture\.pcap +\[/, /^matching packets across 3 capture\(s\)…$/, /^estimating the hosts' clock offsets from [\d,]+ matched connection pair\(s\)…$/, /^linking [\d,]+ connection leg\(s\) into flows…$/, /^explaining [\d,]+ flow\(s\) +\[/, /^building the report of [\d,]+ flow\(s\)…$/];
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
      expect(redraws(written).some((l) => l.startsWith('matching packets'))).toBe(true);
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
