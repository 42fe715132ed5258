// Names from a stranger's case reach the terminal: a host folder named with escape sequences (a
// colour change, a window title set by OSC, a C1 CSI) must be shown as \xNN in every text a
// person reads — analyze's, inspect's and trace's reports, progress labels and stderr lines —
// while the JSON keeps the name as it is (it is data, and JSON escapes it itself).

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { samplePath } from '../corpus.js';
import { runCliInProcess } from '../cli/run-cli-in-process.js';
import { shown, shownEverywhere } from '../../src/text/shown.js';

const HOSTILE = 'part\u001b[31mner\u001b]0;owned\u0007\u009b2J';
const SHOWN = 'part\\x1b[31mner\\x1b]0;owned\\x07\\x9b2J';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const scratch = mkdtempSync(join(tmpdir(), 'natpath-controls-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const caseDir = join(scratch, 'case');
cpSync(samplePath('pod-egress-natgw/node1'), join(caseDir, 'node1'), { recursive: true });
cpSync(samplePath('pod-egress-natgw/partner'), join(caseDir, HOSTILE), { recursive: true });

describe('control characters from the inputs', () => {
  it('shown() writes each as \\xNN, keeps unicode, and line breaks only when asked', () => {
    expect(shown(HOSTILE)).toBe(SHOWN);
    expect(shown('a\nb→é')).toBe('a\\x0ab→é');
    expect(shown('a\nb\tc', true)).toBe('a\nb\\x09c');
    const clean = { a: ['x', { b: 'y' }], n: 1 };
    expect(shownEverywhere(clean)).toBe(clean);
    const dirty = { a: ['x', { b: 'y\u001b' }], n: 1, keep: { c: 'z' } };
    const copy = shownEverywhere(dirty);
    expect(copy).toEqual({ a: ['x', { b: 'y\\x1b' }], n: 1, keep: { c: 'z' } });
    expect(copy.keep).toBe(dirty.keep);
    expect(dirty.a[1]).toEqual({ b: 'y\u001b' });
  });

  it("analyze's text shows a hostile host name escaped, its JSON keeps it", async () => {
    const text = await runCliInProcess(['analyze', caseDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`sees 203.0.113.7 (at ${SHOWN}:eth0`);
    expect(text.stdout).not.toMatch(CONTROL);
    expect(text.stderr).not.toMatch(CONTROL);
    const json = await runCliInProcess(['analyze', caseDir, '--format', 'json']);
    expect(JSON.parse(json.stdout).hosts.map((h: { name: string }) => h.name)).toContain(HOSTILE);
  });

  it("inspect's table and trace's text show it escaped", async () => {
    const inspect = await runCliInProcess(['inspect', caseDir]);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toContain(`Host ${SHOWN}`);
    expect(inspect.stdout).not.toMatch(CONTROL);
    const trace = await runCliInProcess(['trace', caseDir, '--host', `${HOSTILE}=${join(caseDir, HOSTILE)}`, '--from', '198.51.100.10', '--to', '203.0.113.7:40000', '--proto', 'tcp']);
    expect(trace.stdout + trace.stderr).toContain(SHOWN);
    expect(trace.stdout).not.toMatch(CONTROL);
    expect(trace.stderr).not.toMatch(CONTROL);
  });

  it('stderr lines echo a hostile argument escaped', async () => {
    for (const command of ['analyze', 'inspect', 'decode']) {
      const r = await runCliInProcess([command, join(scratch, HOSTILE, 'missing')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(SHOWN);
      expect(r.stderr).not.toMatch(CONTROL);
    }
  });

  it("decode's packet table and summary show a capture's hostile interface name escaped", async () => {
    // The lab's pcapng with its interface "eth0" renamed, in place, to "e" ESC "[1".
    const bytes = readFileSync(samplePath('nodeport/node1/capture.pcapng'));
    const at = bytes.indexOf('eth0\t', 0, 'latin1');
    expect(at).toBeGreaterThan(0);
    bytes.write('e\u001b[1', at, 'latin1');
    const file = join(scratch, 'renamed.pcapng');
    writeFileSync(file, bytes);
    for (const args of [['decode', file, '--limit', '5'], ['decode', file, '--summary']]) {
      const r = await runCliInProcess(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('e\\x1b[1');
      expect(r.stdout).not.toMatch(CONTROL);
    }
  });
});
