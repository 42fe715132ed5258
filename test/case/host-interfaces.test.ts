// What a capture's host folder says about its interfaces (src/case/host-interfaces.ts): found in
// the capture's folder or up to three folders above it, never in a folder too big to be a host's,
// and a capture file named after one of the host's interfaces names its packets.

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostInterfaces, interfaceNamedByFile } from '../../src/case/host-interfaces.js';
import { runDecode } from '../../src/app/decode-run.js';
import { makeStyle } from '../../src/report/terminal.js';
import { samplePath } from '../corpus.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-host-interfaces-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of a lab host's capture and its ip link dump, the capture at `captureAt` under the host folder. */
function hostFolder(name: string, captureAt: string, from = 'nodeport/node2'): string {
  const host = join(scratch, name);
  mkdirSync(join(host, captureAt, '..'), { recursive: true });
  copyFileSync(samplePath(`${from}/ip-link.txt`), join(host, 'ip-link.txt'));
  copyFileSync(samplePath(`${from}/capture.pcap`), join(host, captureAt));
  return join(host, captureAt);
}

describe('hostInterfaces', () => {
  it("reads the ip link and ip addr dumps beside the capture (a lab host folder)", async () => {
    const found = await hostInterfaces(samplePath('nodeport/node2/capture.pcap'));
    expect(found.dumps.map((d) => d.replace(/.*\//, ''))).toEqual(['ip-addr.txt', 'ip-link.txt']);
    const names = new Set(found.interfaces.map((i) => i.name));
    for (const n of ['eth0', 'cni0', 'flannel.1', 'vethbbddbd57', 'vethe694aa37']) expect(names).toContain(n);
    expect(found.fileInterface).toBeNull(); // "capture" is not an interface
  });

  it('climbs to the host folder from a capture kept in a subfolder of it', async () => {
    const capture = hostFolder('nested', 'captures/today/capture.pcap');
    const found = await hostInterfaces(capture);
    expect(found.dumps).toEqual([join(scratch, 'nested', 'ip-link.txt')]);
    expect(found.interfaces.find((i) => i.name === 'flannel.1')).toBeDefined();
  });

  it('does not climb more than three folders', async () => {
    const capture = hostFolder('deep', 'a/b/c/d/capture.pcap');
    expect(await hostInterfaces(capture)).toEqual({ interfaces: [], dumps: [], fileInterface: null });
  });

  it('reads nothing in a folder of more entries than a host folder has (a Downloads folder)', async () => {
    const capture = hostFolder('crowded', 'capture.pcap');
    for (let i = 0; i < 70; i++) writeFileSync(join(scratch, 'crowded', `other-${i}.txt`), 'not a dump\n');
    expect(await hostInterfaces(capture)).toEqual({ interfaces: [], dumps: [], fileInterface: null });
  });

  it('says which interface a capture file is named after', async () => {
    const capture = hostFolder('per-interface', 'node2-flannel.1.pcap');
    expect((await hostInterfaces(capture)).fileInterface).toBe('flannel.1');
  });
});

describe('interfaceNamedByFile', () => {
  const interfaces = [{ name: 'eth0' }, { name: 'flannel.1' }, { name: '1' }, { name: 'cni0' }] as unknown as Parameters<typeof interfaceNamedByFile>[1];
  it.each([
    ['/x/eth0.pcap', 'eth0'],
    ['/x/eth0.pcapng.gz', 'eth0'],
    ['/x/node1-flannel.1.pcap', 'flannel.1'], // the longest name the stem ends with, not "1"
    ['/x/capture_cni0.cap', 'cni0'],
    ['/x/capture.pcap', null],
    ['/x/eth00.pcap', null], // a name only as a whole word
    ['/x/myeth0.pcap', null],
  ])('%s → %s', (path, expected) => {
    expect(interfaceNamedByFile(path, interfaces)).toBe(expected);
  });
});

describe('decode --summary of a capture file named after its interface', () => {
  it("names the file's one interface from the file name when the host has it, and says so", async () => {
    // The lab's client capture (Ethernet, pcap: no interface name in the file) kept as eth0.pcap.
    const host = join(scratch, 'client');
    mkdirSync(host);
    copyFileSync(samplePath('nodeport/client/ip-link.txt'), join(host, 'ip-link.txt'));
    copyFileSync(samplePath('nodeport/client/capture.pcap'), join(host, 'eth0.pcap'));
    const file = join(host, 'eth0.pcap');
    const found = await hostInterfaces(file);
    const out: string[] = [];
    const result = await runDecode({
      file,
      format: 'table',
      summaryOnly: true,
      ctx: { style: makeStyle(false), width: 80, file },
      write: (t) => out.push(t),
      fileInterface: found.fileInterface,
      flowWorker: 'never',
    });
    expect(result.summary.interfaces).toEqual([{ index: 0, name: 'eth0', nameFrom: 'file-name', linkType: 1, packets: 43 }]);
    expect(out.join('')).toMatch(/^eth0 \(the file's name; in the host's ip link\) +43 +100\.0 %$/m);
  });
});
