import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInspect } from '../../src/case/inspect-case.js';
import { corpusPath } from '../corpus.js';

const root = mkdtempSync(join(tmpdir(), 'natpath-inspect-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('inspect reads capture facts', () => {
  it('gives format, link types, interfaces and the time span of a pcapng with several interfaces', async () => {
    const report = await runInspect({ paths: [], hosts: [{ name: 'h', path: corpusPath('pcapng-suite/be_advanced_test100.pcapng') }] });
    const facts = report.hosts[0]?.files[0]?.facts;
    expect(facts).toMatchObject({
      type: 'capture',
      format: 'pcapng',
      packets: 5,
      complete: true,
      interfaces: [
        { id: 0, name: 'eth0', linkType: 'EN10MB', packets: 4 },
        { id: 1, name: 'null1', linkType: 'NULL', packets: 1 },
        { id: 2, name: 'wifi2?', packets: 0 },
      ],
      firstTimestamp: '1340954905.298858',
    });
    expect(report.totals.packets).toBe(5);
  });

  it('keeps the packets before the damage of a capture cut mid-record and names file and offset', async () => {
    const whole = readFileSync(corpusPath('tcpdump/02-sunrise-sunset-esp.pcap'));
    const host = join(root, 'cut', 'node1');
    mkdirSync(host, { recursive: true });
    // 24-byte header, then 8 records; cutting 10 bytes off the end breaks the last one.
    writeFileSync(join(host, 'capture.pcap'), whole.subarray(0, whole.length - 10));
    const report = await runInspect({ paths: [join(root, 'cut')], hosts: [] });
    const file = report.hosts[0]?.files[0];
    expect(file?.facts).toMatchObject({ type: 'capture', packets: 7, complete: false });
    const problem = file?.diagnostics.find((d) => d.code === 'capture.truncated');
    expect(problem?.place.file).toContain('capture.pcap');
    expect(problem?.place.offset).toBeGreaterThan(24);
    expect(problem?.place.offset).toBeLessThan(whole.length);
  });

  it('reports a header-only capture as usable with no packets and no timestamps', async () => {
    const whole = readFileSync(corpusPath('tcpdump/02-sunrise-sunset-esp.pcap'));
    const host = join(root, 'empty', 'node1');
    mkdirSync(host, { recursive: true });
    writeFileSync(join(host, 'capture.pcap'), whole.subarray(0, 24));
    const report = await runInspect({ paths: [join(root, 'empty')], hosts: [] });
    expect(report.hosts[0]?.files[0]?.facts).toMatchObject({ packets: 0, firstTimestamp: null, durationSeconds: null, complete: true });
  });
});
