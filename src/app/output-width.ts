// How wide terminal text may be: `--width N` when given (0 = no limit); no limit into --out;
// the terminal's own width on a TTY; COLUMNS when stdout is a pipe or file and COLUMNS is set
// (so `COLUMNS=80 natpath … | less` fits); otherwise no limit — a file keeps every character.

export const UNLIMITED_WIDTH = Number.POSITIVE_INFINITY;

/** The narrowest width renderers are asked to fit; below it tables cannot hold their columns. */
export const MIN_WIDTH = 40;

export function outputWidth(flag: number | undefined, toFile: boolean, stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number {
  if (flag !== undefined && Number.isFinite(flag)) return flag <= 0 ? UNLIMITED_WIDTH : Math.max(MIN_WIDTH, Math.floor(flag));
  if (toFile) return UNLIMITED_WIDTH;
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return Math.max(MIN_WIDTH, stream.columns);
  const columns = Number(env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return Math.max(MIN_WIDTH, columns);
  return UNLIMITED_WIDTH;
}

/** Rejects a --width that is not a whole number ≥ 0, with the message to print. */
export function problemWithWidth(flag: number | undefined): string | null {
  if (flag === undefined) return null;
  return Number.isInteger(flag) && flag >= 0 ? null : `--width expects a whole number of columns ≥ 0 (0 = no limit), got ${String(flag)}`;
}
