// inspect's file table is drawn in chunks of rows (cli-table3's layout costs the square of its
// rows: 20 000 files took over a minute, issue 16); joined, the chunks must be exactly the table
// cli-table3 draws in one piece, at a fixed width and with columns as wide as their text.

import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { runInspect } from '../../src/app/inspect.js';
import { FILE_KIND_LABELS } from '../../src/case/file-kind.js';
import { describeFacts, renderInspectTable } from '../../src/report/render-inspect-table.js';
import type { InspectReport } from '../../src/report/inspect-model.js';
import { makeStyle } from '../../src/report/terminal.js';
import { samplePath } from '../corpus.js';

/** The lab case's files repeated to `count` rows, one path in the last chunk far longer than the rest. */
async function manyFiles(count: number): Promise<InspectReport> {
  const report = await runInspect({ paths: [samplePath('nodeport')], hosts: [] });
  const host = report.hosts[0]!;
  report.hosts = [host];
  report.looseFiles = [];
  report.diagnostics = [];
  const real = host.files;
  host.files = Array.from({ length: count }, (_, i) => {
    const f = real[i % real.length]!;
    const name = i === count - 3 ? `deep/${'very-long-folder-name/'.repeat(6)}${i}-${f.path.split('/').pop()!}` : `${i}-${f.path.split('/').pop()!}`;
    return { ...f, path: `${host.sources[0]}/${name}` };
  });
  return report;
}

/** The table as one cli-table3 table (how renderFiles drew it before chunks). */
function oneTable(report: InspectReport, width: number): string {
  const host = report.hosts[0]!;
  const sized = Number.isFinite(width)
    ? { colWidths: [Math.max(16, Math.min(40, Math.floor(width * 0.3))), 18, Math.max(20, width - Math.max(16, Math.min(40, Math.floor(width * 0.3))) - 18 - 4)], wordWrap: true, wrapOnWordBoundary: true }
    : {};
  const table = new Table({ head: ['File', 'Kind', 'Facts'], ...sized, style: { head: [], border: [] } });
  for (const f of host.files) {
    const kind = FILE_KIND_LABELS[f.kind] + (f.compression ? ` (${f.compression})` : '');
    table.push([{ content: f.path.slice(host.sources[0]!.length + 1), wrapOnWordBoundary: false }, kind, f.facts !== null ? describeFacts(f.facts) : f.reason ?? '']);
  }
  return table.toString();
}

describe('inspect table of many files', () => {
  for (const width of [80, Infinity]) {
    it(`is drawn in chunks exactly as one table (width ${width})`, async () => {
      const report = await manyFiles(450);
      const text = renderInspectTable(report, makeStyle(false), width);
      const table = text.slice(text.indexOf('┌'), text.lastIndexOf('┘') + 1);
      expect(table).toBe(oneTable(report, width));
      expect(table.split('\n').filter((l) => l.startsWith('├')).length).toBe(450);
    });
  }
});
