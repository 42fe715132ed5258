// The README's examples run as shown: every `natpath …` line of its ```sh blocks is run in a
// folder laid out the way the lines assume (case/ with host folders, node1/capture.pcap, host
// archives, gw.pcap.gz …), made from the lab samples. Lines that need root (collect) or a network
// are listed in NOT_RUN with why; a new README line that is neither run nor listed fails here.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, samplePath } from '../corpus.js';

const NOT_RUN: Record<string, string> = {
  'sudo natpath collect': 'needs root and captures on the host itself (test/app/collect runs it in namespaces)',
};

const work = mkdtempSync(join(tmpdir(), 'natpath-readme-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function readmeCommands(): string[] {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const lines: string[] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (/^(sudo |npx )?natpath\b/.test(line) || /&& npx natpath\b/.test(line)) lines.push(line);
    }
  }
  return lines;
}

/** The folder the README's lines assume, from the samples. */
function layOut(): void {
  const natgw = samplePath('pod-egress-natgw');
  cpSync(natgw, join(work, 'case'), { recursive: true });
  cpSync(join(natgw, 'node1'), join(work, 'node1'), { recursive: true });
  cpSync(join(natgw, 'node1'), join(work, 'n1'), { recursive: true });
  writeFileSync(join(work, 'gw.pcap.gz'), gzipSync(readFileSync(join(natgw, 'natgw', 'capture.pcap'))));
  copyFileSync(samplePath('pod-to-pod-vxlan/node1/capture.pcap'), join(work, 'underlay.pcap'));
  const archives: Array<[archive: string, host: string]> = [['node1', 'node1'], ['gw', 'natgw'], ['partner', 'partner']];
  for (const [archive, host] of archives) {
    mkdirSync(join(work, 'tar', archive), { recursive: true });
    cpSync(join(natgw, host), join(work, 'tar', archive), { recursive: true });
    execFileSync('tar', ['-czf', join(work, `${archive}.tar.gz`), '-C', join(work, 'tar'), archive]);
  }
  mkdirSync(join(work, 'samples'));
  cpSync(natgw, join(work, 'samples', 'pod-egress-natgw'), { recursive: true });
}

describe("the README's examples", () => {
  layOut();
  for (const line of readmeCommands()) {
    const skip = Object.keys(NOT_RUN).find((k) => line.startsWith(k));
    it.skipIf(skip !== undefined)(line, () => {
      // `npm ci && npx natpath …`: the install is this checkout; the command is run as typed.
      const command = line.replace(/^npm ci && /, '').replace(/^npx /, '').replace(/\/tmp\/n1\b/, join(work, 'n1'));
      const args = (command.match(/'[^']*'|\S+/g) ?? []).slice(1).map((w) => w.replace(/^'(.*)'$/, '$1'));
      const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'natpath.js'), ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
      expect(r.status, `${line}\n${r.stderr}`).toBe(0);
      expect(r.stderr, line).not.toMatch(/\n\s+at |internal error/);
      const out = /--out (\S+)/.exec(command)?.[1];
      if (out !== undefined) expect(readFileSync(join(work, out), 'utf8').length, out).toBeGreaterThan(100);
      else expect(r.stdout.length, line).toBeGreaterThan(0);
    });
  }
  it('lists why each line it does not run is not run', () => {
    for (const line of readmeCommands()) if (line.startsWith('sudo ')) expect(Object.keys(NOT_RUN).some((k) => line.startsWith(k)), line).toBe(true);
  });
});
