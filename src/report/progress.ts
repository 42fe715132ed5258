// A progress bar on stderr for long work, drawn only when stderr is a terminal (never in pipes,
// CI logs or files), redrawn at most ~10 times a second so it costs nothing measurable. Plain
// characters only: no colour, so NO_COLOR has nothing to turn off. A phase whose amount of work
// is not known shows what it is doing, on the same line, until the next phase replaces it.
//
// The ETA is the work left at the rate of the last RATE_WINDOW_MS, not since the phase began:
// a phase's start (opening a file, the first flow of each shape explained in full by the
// simulator, later ones of the same shape in microseconds) is slower than its rest, and an
// average over the whole phase showed 28 s for an explain that took 3.7 s. No ETA until the
// window holds MIN_RATE_MS of steps; the phase's start-up before its first step is never in it.

import { shown } from '../text/shown.js';

/** The rate behind the ETA is measured over this much of the recent past. */
const RATE_WINDOW_MS = 2000;
/** Steps spanning less than this say too little for an ETA. */
const MIN_RATE_MS = 500;
/** Points (time, done) kept for the window: one per redraw at most, ~10 a second. */
const RATE_POINTS = 64;

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
  let lastDraw = 0;
  let drawn = false;
  // Ring of (time, done) at redraws since the phase's first step.
  const pointTime = new Float64Array(RATE_POINTS);
  const pointDone = new Float64Array(RATE_POINTS);
  let points = 0;
  const remember = (now: number, done: number) => {
    pointTime[points % RATE_POINTS] = now;
    pointDone[points % RATE_POINTS] = done;
    points++;
  };
  /** Seconds left at the recent rate, or NaN when the window says too little. */
  const secondsLeft = (now: number, done: number): number => {
    const first = Math.max(0, points - RATE_POINTS);
    if (points === first) return NaN;
    // The oldest kept point within the window; when steps come slower than the window, the newest.
    let from = points - 1;
    while (from > first && now - pointTime[(from - 1) % RATE_POINTS]! <= RATE_WINDOW_MS) from--;
    const span = now - pointTime[from % RATE_POINTS]!;
    const gained = done - pointDone[from % RATE_POINTS]!;
    if (span < MIN_RATE_MS || gained <= 0) return NaN;
    return (Math.max(0, total - done) * span) / gained / 1000;
  };
  const draw = (done: number, force = false) => {
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    // 0 on a pseudo-terminal that was never sized.
    const columns = stream.columns || 80;
    let text: string;
    if (total <= 0) {
      // Nothing to measure against: what it is doing.
      text = `${shortenLabel(label, columns - 2)}…`;
    } else {
      // The label says what is being done: the bar gives way first (to 10), then the label is shortened.
      // ` [bar] 100% ETA 99999s`: the bar plus 19.
      const width = Math.max(10, Math.min(40, columns - 19 - label.length));
      const share = Math.min(1, done / total);
      const filled = Math.round(share * width);
      const eta = done > 0 ? secondsLeft(now, done) : NaN;
      if (done > 0) remember(now, done);
      const room = Math.max(10, columns - width - 19);
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
      label = shown(newLabel);
      total = newTotal;
      points = 0;
      lastDraw = 0;
    },
    phase(newLabel, newTotal = 0) {
      label = shown(newLabel);
      total = newTotal;
      points = 0;
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
