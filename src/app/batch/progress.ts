// What `natpath batch` says on stderr while it runs: on a terminal, one redrawn bar (cases done,
// packets/s, ETA by bytes); elsewhere (CI logs, files) one quiet line per finished case.

import type { BatchEvent } from './run-batch.js';
import type { SummaryRow } from './summary.js';
import { formatCount } from '../../report/format-number.js';

export interface BatchProgress {
  onEvent(event: BatchEvent): void;
  /** Clears the bar and prints the totals. */
  finish(rows: readonly SummaryRow[]): void;
}

export function createBatchProgress(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): BatchProgress {
  const tty = stream.isTTY === true && env.CI !== 'true' && env.TERM !== 'dumb';
  const started = Date.now();
  let total = 0;
  let totalBytes = 0;
  let done = 0;
  let bytes = 0;
  let packets = 0;
  let lastDraw = 0;
  let drawn = false;
  const warnings: string[] = [];
  const warn = (message: string) => stream.write(`${drawn ? '\r\u001b[K' : ''}natpath batch: warning: ${message}\n`);
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const elapsed = (now - started) / 1000;
    const share = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : total > 0 ? done / total : 0;
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 60));
    const filled = Math.round(share * width);
    const eta = share > 0.02 && share < 1 ? ` ETA ${Math.ceil(elapsed / share - elapsed)}s` : '';
    const rate = elapsed > 0 && packets > 0 ? ` ${formatCount(Math.round(packets / elapsed))} packets/s` : '';
    stream.write(`\rcases ${done}/${total} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%${rate}${eta}\u001b[K`);
    drawn = true;
  };
  return {
    onEvent(event) {
      if (event.type === 'start') {
        total = event.cases;
        totalBytes = event.bytes;
        if (!tty) stream.write(`${total} case(s), ${event.workers} worker(s)\n`);
      } else if (event.type === 'warning') {
        warnings.push(event.message);
        warn(event.message);
        if (tty && drawn) draw(true);
      } else if (event.type === 'progress') {
        bytes = event.bytes;
        if (tty) draw(false);
      } else {
        done = event.done;
        if (!event.row.skipped) packets += event.row.packets;
        if (tty) draw(true);
        else stream.write(`${describeRow(event.row, event.done, event.total)}\n`);
      }
    },
    finish(rows) {
      if (drawn) stream.write('\r\u001b[K');
      if (tty) for (const r of rows) if (r.status !== 'ok') stream.write(`${describeRow(r, 0, 0)}\n`);
      const counts = new Map<string, number>();
      for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      const skipped = rows.filter((r) => r.skipped).length;
      const parts = [...counts].map(([status, n]) => `${n} ${status}`);
      stream.write(`${rows.length} case(s): ${parts.join(', ') || 'none'}${skipped > 0 ? ` (${skipped} unchanged, skipped)` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      // Said again with the totals: at the start it scrolls away behind one line per case.
      for (const message of warnings) stream.write(`natpath batch: warning: ${message}\n`);
    },
  };
}

function describeRow(r: SummaryRow, done: number, total: number): string {
  const head = total > 0 ? `[${done}/${total}] ` : '';
  if (r.status === 'failed') return `${head}${r.case}: failed: ${r.error ?? 'unknown error'}`;
  const what = `${r.flows} flow(s), ${r.translations} translation(s), ${r.unexplained} unexplained, ${r.leaks} leak(s), egress ${r.egress.join(' ') || '–'}`;
  return `${head}${r.case}: ${r.status}${r.skipped ? ' (unchanged, skipped)' : ''}: ${what}; ${r.errors} error(s); ${r.seconds.toFixed(2)} s`;
}
