// inspect's file table, drawn by the table writer decode --summary uses (layoutColumns): at any
// width no line is wider, every path stands whole on one line (never cut, never broken), and the
// cells hold exactly what the report holds — also for thousands of files, the lab case's files
// repeated, one path far longer than the rest, and unrecognised files in colour.

import { describe, expect, it } from 'vitest';
import { runInspect } from '../../src/app/inspect.js';
import { FILE_KIND_LABELS } from '../../src/case/file-kind.js';
import { describeFacts, renderInspectTable } from '../../src/report/render-inspect-table.js';
import type { InspectReport } from '../../src/report/inspect-model.js';
import { makeStyle } from '../../src/report/terminal.js';
import { textWidth } from '../../src/report/text-layout.js';
import { samplePath } from '../corpus.js';

const ANSI = /\u001b\[[0-9;]*m/g;

/** The lab case's files repeated to `count` rows, one path far longer than the rest, every 7th unrecognised. */
async function manyFiles(count: number): Promise<InspectReport> {
  const report = await runInspect({ paths: [samplePath('nodeport')], hosts: [] });
  const host = report.hosts[0]!;
  report.hosts = [host];
  report.looseFiles = [];
  report.diagnostics = [];
  const real = host.files;
  host.files = Array.from({ length: count }, (_, i) => {
    const f = real[i % real.length]!;
    const name = i === count - 3 ? `deep/${'very-long-folder-name/'.repeat(3)}${i}-${f.path.split('/').pop()!}` : `${i}-${f.path.split('/').pop()!}`;
    const file = { ...f, path: `${host.sources[0]}/${name}` };
    return i % 7 === 3 ? { ...file, kind: 'unrecognised' as const, facts: null, reason: 'text that is no dump natpath knows' } : file;
  });
  return report;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

describe('inspect file table', () => {
  for (const width of [80, 60, Infinity]) {
    it(`fits ${width} columns, keeps every path whole and every word of the report (450 files)`, async () => {
      const report = await manyFiles(450);
      const host = report.hosts[0]!;
      for (const colour of [false, true]) {
        const text = renderInspectTable(report, makeStyle(colour), width);
        const lines = text.split('\n');
        expect(lines.filter((l) => textWidth(l) > width)).toEqual([]);
        const plain = text.replace(ANSI, '');
        const plainLines = plain.split('\n');
        const blanked = [...plainLines]; // the lines with every path piece taken out, for the content check
        const firsts = plainLines.map((l) => l.split(' ')[0]!);
        const byFirstWord = new Map<string, number[]>();
        firsts.forEach((w, k) => byFirstWord.set(w, [...(byFirstWord.get(w) ?? []), k]));
        for (const f of host.files) {
          const path = f.path.slice(host.sources[0]!.length + 1);
          // File is the first column: a path starts a line, and its continuation lines start at the left edge.
          const firstWord = (k: number) => firsts[k]!;
          // The path whole, or its first piece ending in '/'.
          const heads = [path, ...path.split('/').slice(0, -1).map((_, i, all) => `${all.slice(0, i + 1).join('/')}/`)];
          const at = heads.flatMap((h) => byFirstWord.get(h) ?? []).find((k) => blanked[k] === plainLines[k]) ?? -1;
          expect(at, path).toBeGreaterThanOrEqual(0);
          const pieces = [firstWord(at)];
          while (pieces.join('') !== path && at + pieces.length < plainLines.length && /^\S/.test(plainLines[at + pieces.length]!)) pieces.push(firstWord(at + pieces.length));
          expect(pieces.join(''), path).toBe(path);
          // Broken only after a '/', and only where the path is wider than its column.
          expect(pieces.slice(0, -1).every((p) => p.endsWith('/')), pieces.join(' | ')).toBe(true);
          if (path.length < 20) expect(pieces).toHaveLength(1);
          pieces.forEach((p, k) => (blanked[at + k] = ' '.repeat(p.length) + plainLines[at + k]!.slice(p.length)));
        }
        if (width === Infinity) expect(plainLines.some((l) => l.startsWith('deep/very-long-folder-name/very-long-folder-name/very-long-folder-name/447-'))).toBe(true);
        // Same content: every word of the kinds and facts, the heads, and nothing else.
        const table = blanked.slice(blanked.findIndex((l) => l.startsWith('File '))).join('\n');
        const expected = ['File', 'Kind', 'Facts'];
        for (const f of host.files) {
          const kind = FILE_KIND_LABELS[f.kind] + (f.compression ? ` (${f.compression})` : '');
          expected.push(...words(kind), ...words(f.facts !== null ? describeFacts(f.facts) : f.reason!));
        }
        expect(words(table).sort()).toEqual(expected.sort());
        if (colour) expect(text).toContain(`${makeStyle(true).yellow('unrecognised')}`);
      }
    });
  }

  it('with no width limit, a file whose facts are one line takes one line', async () => {
    const report = await manyFiles(40);
    const text = renderInspectTable(report, makeStyle(false), Infinity);
    const host = report.hosts[0]!;
    const single = host.files.filter((f) => !(f.facts !== null ? describeFacts(f.facts) : f.reason!).includes('\n'));
    for (const f of single) {
      const facts = f.facts !== null ? describeFacts(f.facts) : f.reason!;
      expect(text.split('\n').some((l) => l.startsWith(f.path.slice(host.sources[0]!.length + 1)) && l.endsWith(facts))).toBe(true);
    }
  });
});
