// A progress bar on stderr for long work, drawn only when stderr is a terminal (never in pipes,
// CI logs or files), redrawn at most ~10 times a second so it costs nothing measurable. Plain
// characters only: no colour, so NO_COLOR has nothing to turn off. A phase whose amount of work
// is not known shows what it is doing, on the same line, until the next phase replaces it.

export interface Progress {
  /** Sets the amount done (same unit as `total`, usually bytes). */
  update(done: number): void;
  /** Switches to a new item, e.g. the next file. */
  start(label: string, total: number): void;
  /** Switches to a new phase and says so at once (`total` 0: no bar, only the label and the time taken). */
  phase(label: string, total?: number): void;
  /** Removes the bar so the next output starts on a clean line. */
  finish(): void;
}

const SILENT: Progress = { update() {}, start() {}, phase() {}, finish() {} };

export function createProgress(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Progress {
  if (stream.isTTY !== true || env.CI === 'true' || env.TERM === 'dumb') return SILENT;
  let label = '';
  let total = 0;
  let startedAt = 0;
  let lastDraw = 0;
  let drawn = false;
  const draw = (done: number, force = false) => {
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    // 0 on a pseudo-terminal that was never sized.
    const columns = stream.columns || 80;
    const elapsed = (now - startedAt) / 1000;
    let text: string;
    if (total <= 0) {
      // Nothing to measure against (and a synchronous phase cannot redraw): what it is doing.
      text = `${shortenLabel(label, columns - 2)}…`;
    } else {
      const width = Math.max(10, Math.min(40, columns - 50));
      const share = Math.min(1, done / total);
      const filled = Math.round(share * width);
      const eta = share > 0.02 ? Math.max(0, elapsed / share - elapsed) : NaN;
      const room = Math.max(10, columns - width - 20);
      const name = shortenLabel(label, room).padEnd(Math.min(room, 24));
      text = `${name} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%${
        Number.isFinite(eta) ? ` ETA ${Math.ceil(eta)}s` : ''
      }`;
    }
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
    phase(newLabel, newTotal = 0) {
      label = newLabel;
      total = newTotal;
      startedAt = Date.now();
      draw(0, true);
    },
    update: (done) => draw(done),
    finish() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}

/**
 * A label that fits `room` characters: its first word (what is being done) stays, then the end
 * of the rest, where a file path says most ("reading …/node1/capture.pcap").
 */
function shortenLabel(label: string, room: number): string {
  if (label.length <= room) return label;
  const verb = label.slice(0, label.indexOf(' ') + 1);
  const keep = verb.length * 2 <= room ? verb : '';
  return `${keep}…${label.slice(label.length - (room - keep.length - 1))}`;
}
