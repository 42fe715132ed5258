// Resident memory of another process, read from Linux's /proc/PID/status (VmRSS) through one
// open descriptor re-read from its start: the batch pool asks it every few milliseconds per
// running case, so a poll costs one small pread and no open/close.

import { closeSync, openSync, readSync } from 'node:fs';

export class ResidentMemoryProbe {
  private readonly buffer = Buffer.alloc(4096);

  private constructor(private fd: number | null) {}

  /** A probe of `pid`, or null where /proc is not there (not Linux) or the process is gone. */
  static open(pid: number): ResidentMemoryProbe | null {
    try {
      return new ResidentMemoryProbe(openSync(`/proc/${pid}/status`, 'r'));
    } catch {
      return null;
    }
  }

  /** Bytes resident now (VmRSS), or null once the process has exited. */
  residentBytes(): number | null {
    if (this.fd === null) return null;
    let length: number;
    try {
      length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
    } catch {
      return null;
    }
    return parseVmRssBytes(this.buffer.toString('latin1', 0, length));
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed with the process: nothing held.
    }
    this.fd = null;
  }
}

/**
 * Whether this system lets the pool read a process's resident memory: this process's own
 * /proc/self/status has a VmRSS line. Without it (no /proc: not Linux, or a sandbox that hides
 * it) --worker-memory can only cap the JavaScript heap.
 */
export function canReadResidentMemory(): boolean {
  const probe = ResidentMemoryProbe.open(process.pid);
  const bytes = probe?.residentBytes() ?? null;
  probe?.close();
  return bytes !== null;
}

/** `VmRSS:	   40440 kB` → bytes; null when the line is missing (a zombie has none). */
export function parseVmRssBytes(status: string): number | null {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return m === null ? null : Number(m[1]) * 1024;
}
