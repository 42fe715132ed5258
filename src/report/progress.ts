// A progress bar on stderr for long work, drawn only when stderr is a terminal (never in pipes,
// CI logs or files), redrawn at most ~10 times a second so it costs nothing measurable.

export interface Progress {
  /** Sets the amount done (same unit as `total`, usually bytes). */
  update(done: number): void;
  /** Switches to a new item, e.g. the next file. */
  start(label: string, total: number): void;
  /** Removes the bar so the next output starts on a clean line. */
  finish(): void;
}

const SILENT: Progress = { update() {}, start() {}, finish() {} };

export function createProgress(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Progress {
  if (stream.isTTY !== true || env.CI === 'true' || env.TERM === 'dumb') return SILENT;
  let label = '';
  let total = 0;
  let startedAt = 0;
  let lastDraw = 0;
  let drawn = false;
  const draw = (done: number) => {
    const now = Date.now();
    if (now - lastDraw < 100) return;
    lastDraw = now;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(share * width);
    const elapsed = (now - startedAt) / 1000;
    const eta = share > 0.02 ? Math.max(0, elapsed / share - elapsed) : NaN;
    const name = label.length > 24 ? `…${label.slice(-23)}` : label;
    const text = `${name.padEnd(24)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%${
      Number.isFinite(eta) ? ` ETA ${Math.ceil(eta)}s` : ''
    }`;
    stream.write(`\r${text}\u001b[K`);
    drawn = true;
  };
  return {
    start(newLabel, newTotal) {
      label = newLabel;
      total = newTotal;
      startedAt = Date.now();
      lastDraw = 0;
    },
    update: draw,
    finish() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}
