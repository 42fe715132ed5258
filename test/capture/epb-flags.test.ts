// pcapng's epb_flags direction: a real dumpcap capture rewritten with an epb_flags option on every
// Enhanced Packet Block (epb-flags-file.ts), and natpath's direction must agree with tshark's
// reading of the same file (recorded: test/tshark), packet by packet.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../cli/run-cli-in-process.js';
import { recordedOutput } from '../tshark/recordings.js';
import { epbFlagsRun } from '../tshark/runs.js';
import { EPB_FLAGS_SOURCE, writeEpbFlagsCapture } from './epb-flags-file.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-epb-flags-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.runIf(existsSync(EPB_FLAGS_SOURCE))('pcapng epb_flags', () => {
  it('gives each packet the direction tshark reads from the same file', async () => {
    const file = writeEpbFlagsCapture(scratch);
    const tshark = recordedOutput(epbFlagsRun(file))
      .replace(/\n$/, '')
      .split('\n')
      .map((v) => (v === '' ? null : Number(v) === 1 ? 'in' : Number(v) === 2 ? 'out' : null));
    const r = await runCliInProcess(['decode', file, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const ours = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { direction: string | null }).direction);
    expect(ours).toEqual(tshark);
    expect(ours.filter((d) => d === 'in').length).toBeGreaterThan(10);
    expect(ours.filter((d) => d === 'out').length).toBeGreaterThan(10);
  });
});
