// The one error the capture readers throw: an I/O failure (missing file, permission, EISDIR, a
// failed read), never a format problem (those are diagnostics).

/** An I/O failure reading a capture (not a format problem): carries the system error code. */
export class CaptureFileError extends Error {
  readonly code: string | undefined;

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const err = cause as NodeJS.ErrnoException;
    super(`cannot read capture file ${path}: ${err?.message ?? String(cause)}`, { cause });
    this.name = 'CaptureFileError';
    this.code = err?.code;
  }
}
