// Number and time formatting shared by the text renderers (never used on the packet path).

/**
 * `n` with thousands separators, as `n.toLocaleString('en-US')` writes it. Integers are grouped
 * here because the first toLocaleString call loads ICU's number data: ~30 ms of a run's start-up
 * (docs/performance.md); other numbers (rare: counts are whole) still go through ICU.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const whole = String(n < 0 ? -n : n);
  let grouped = whole.slice(0, whole.length % 3 || 3);
  for (let i = grouped.length; i < whole.length; i += 3) grouped += `,${whole.slice(i, i + 3)}`;
  return n < 0 ? `-${grouped}` : grouped;
}

/** "1 flow was", "11 flows were": a count with its noun and verb agreeing. */
export function countWas(n: number, noun: string): string {
  return n === 1 ? `1 ${noun} was` : `${formatCount(n)} ${noun}s were`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${(seconds * 1000).toFixed(1)} ms`;
  if (seconds < 120) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes - hours * 60} min`;
}

/** "2026-11-24 22:19:01.123456789 UTC" from a decimal epoch-seconds string, keeping its precision. */
export function formatTimestamp(epochSeconds: string): string {
  const dot = epochSeconds.indexOf('.');
  const whole = Number(dot === -1 ? epochSeconds : epochSeconds.slice(0, dot));
  const fraction = dot === -1 ? '' : epochSeconds.slice(dot);
  if (!Number.isFinite(whole)) return epochSeconds;
  const iso = new Date(whole * 1000).toISOString(); // 2026-11-24T22:19:01.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction} UTC`;
}
