// Crafted case archives (issue 16): headers that claim gigabytes, thousands of entries, entries
// that climb out of the archive or carry line breaks into host names. Each is read within the
// documented memory bound (docs/limits.md), measured as the peak RSS of a separate process that
// loads the case; refused entries are named in diagnostics. NATPATH_HOSTILE_FULL=1 builds the
// issue's full sizes (a 1 GiB header, 20 000 × 64 KiB entries) instead of the quick ones.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCase } from '../../src/case/load-case.js';
import { MAX_META_HEADER_BYTES } from '../../src/case/tar-parser.js';
import { MAX_ARCHIVE_ENTRIES } from '../../src/case/archive-source.js';
import { PROJECT_ROOT, samplePath } from '../corpus.js';
import { tarBytes, tarHeader, writeGzipTar } from './tar-writer.js';

const FULL = process.env.NATPATH_HOSTILE_FULL === '1';
/** The bound docs/limits.md states for reading any archive. */
const ARCHIVE_RSS_BOUND_MB = 300;

const scratch = mkdtempSync(join(tmpdir(), 'natpath-hostile-tar-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ipRule = readFileSync(samplePath('pod-egress-natgw/node1/ip-rule.txt'));
const ipAddr = readFileSync(samplePath('pod-egress-natgw/node1/ip-addr.txt'));
const capture = readFileSync(samplePath('pod-egress-natgw/node1/capture.pcap'));

interface Loaded {
  maxRssMb: number;
  hosts: Array<[string, string[]]>;
  diagnostics: Array<{ code: string; severity: string; message: string; place: { file: string } }>;
}

/** Loads the case in a fresh process (the built dist/, as the CLI) and reports its peak RSS (Linux). */
function loadInChild(path: string): Loaded {
  const script = `
    const { loadCase } = await import(${JSON.stringify(join(PROJECT_ROOT, 'dist', 'case', 'load-case.js'))});
    const c = await loadCase({ paths: [${JSON.stringify(path)}], hosts: [] });
    const hosts = c.hosts.map((h) => [h.name, h.files.map((f) => f.path.slice(${JSON.stringify(path)}.length + 1))]);
    // VmHWM: this process's peak RSS since exec (getrusage's maxrss would count the parent's at fork).
    const hwm = Number(/VmHWM:\\s+(\\d+) kB/.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'))[1]);
    process.stdout.write(JSON.stringify({ maxRssMb: hwm / 1024, hosts, diagnostics: c.diagnostics }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Loaded;
}

describe('an archive whose meta header claims far more than any path', () => {
  const claim = FULL ? 1024 ** 3 : 64 * 1024 ** 2;
  for (const [kind, type] of [['pax', 'x'], ['GNU long-name', 'L']] as const) {
    it(`a ${kind} header of ${claim / 1024 ** 2} MiB is skipped unread; the entry after it is read (memory bounded)`, async () => {
      const path = join(scratch, `claim-${type}.tgz`);
      await writeGzipTar(path, [
        tarHeader('PaxHeaders/x', claim, type),
        { zeros: claim },
        tarBytes([{ name: 'case/node1/ip-rule.txt', data: ipRule }]),
      ]);
      expect(statSync(path).size).toBeLessThan(claim / 100);
      const r = loadInChild(path);
      expect(r.hosts).toEqual([['node1', ['case/node1/ip-rule.txt']]]);
      expect(r.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['case.archive-header-skipped warning']);
      expect(r.diagnostics[0]!.message).toBe(`a ${kind} header of ${claim} bytes (more than ${MAX_META_HEADER_BYTES}) was skipped unread; the next entry keeps its own name`);
      expect(r.diagnostics[0]!.place.file).toMatch(/claim-.\.tgz \(tar byte offset 0\)$/);
      expect(r.maxRssMb).toBeLessThan(ARCHIVE_RSS_BOUND_MB);
    }, 300_000);
  }
});

describe('an archive of many entries', () => {
  // FULL: the 20 000 entries, less the ip-rule.txt beside them (the bound is 20 000).
  const count = FULL ? MAX_ARCHIVE_ENTRIES - 1 : 5_000;
  it(`${count} entries of 64 KiB are listed with one head in memory at a time`, async () => {
    const path = join(scratch, 'many.tgz');
    const entry = Buffer.alloc(64 * 1024, 0x41);
    const parts: Uint8Array[] = [tarBytes([{ name: 'case/node1/ip-rule.txt', data: ipRule }], false)];
    for (let i = 0; i < count; i++) parts.push(tarBytes([{ name: `case/node1/f${i}.txt`, data: entry }], false));
    parts.push(Buffer.alloc(1024));
    await writeGzipTar(path, parts);
    const r = loadInChild(path);
    expect(r.hosts).toHaveLength(1);
    expect(r.hosts[0]![1]).toHaveLength(count + 1);
    expect(r.maxRssMb).toBeLessThan(ARCHIVE_RSS_BOUND_MB);
  }, 300_000);
});

describe('an archive of more entries than natpath lists', () => {
  it(`lists ${MAX_ARCHIVE_ENTRIES} files, says the rest was not listed, and stays under the memory bound`, async () => {
    const path = join(scratch, 'too-many.tgz');
    const parts: Uint8Array[] = [tarBytes([{ name: 'case/node1/ip-rule.txt', data: ipRule }], false)];
    for (let i = 0; i < MAX_ARCHIVE_ENTRIES + 1; i++) parts.push(tarBytes([{ name: `case/node1/e${i}.txt`, data: Buffer.from(`${i}\n`) }], false));
    parts.push(Buffer.alloc(1024));
    await writeGzipTar(path, parts);
    const r = loadInChild(path);
    expect(r.hosts[0]![1]).toHaveLength(MAX_ARCHIVE_ENTRIES);
    expect(r.diagnostics.filter((d) => d.code === 'case.archive-too-many-entries').map((d) => d.message)).toEqual([
      `more than ${MAX_ARCHIVE_ENTRIES} files: the rest of the archive was not listed`,
    ]);
    expect(r.maxRssMb).toBeLessThan(ARCHIVE_RSS_BOUND_MB);
  }, 300_000);
});

describe('a gzip entry whose head inflates enormously', () => {
  it('is recognised from the first 64 KiB it decompresses to, not from all its head holds', async () => {
    // 64 KiB of gzip'd zeros inflate to ~64 MiB: three such entries, each a gzip'd capture (the
    // lab capture's header, then zeros), inside a plain tar.
    const zeros = gzipSync(Buffer.concat([capture.subarray(0, 24), Buffer.alloc(96 * 1024 ** 2)]), { level: 9 });
    expect(zeros.length).toBeGreaterThan(64 * 1024);
    const path = join(scratch, 'inflating.tar');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(path, tarBytes([1, 2, 3].map((n) => ({ name: `case/node${n}/capture.pcap.gz`, data: zeros })))),
    );
    const r = loadInChild(path);
    expect(r.hosts).toEqual([1, 2, 3].map((n) => [`node${n}`, [`case/node${n}/capture.pcap.gz`]]));
    // Measured: 46 MB; 180 MB when each head was decompressed whole.
    expect(r.maxRssMb).toBeLessThan(100);
  }, 120_000);
});

describe('entries whose paths are unsafe', () => {
  it('`..`, absolute paths and line breaks are refused and named; host names come only from safe components', async () => {
    const path = join(scratch, 'climb.tar');
    const bytes = tarBytes([
      { name: 'node1/ip-rule.txt', data: ipRule },
      { name: 'node1/../../../../../etc/x/capture.pcap', data: capture },
      { name: '../node2/ip-addr.txt', data: ipAddr },
      { name: '/etc/node3/ip-addr.txt', data: ipAddr },
      { name: 'node1\n# Heading <b>x</b>/ip-addr.txt', data: ipAddr },
      { name: 'node4/ip-addr.txt', data: ipAddr },
    ]);
    await import('node:fs/promises').then((fs) => fs.writeFile(path, bytes));
    const c = await loadCase({ paths: [path], hosts: [] });
    expect(c.hosts.map((h) => [h.name, h.files.map((f) => f.kind)])).toEqual([['node1', ['ip-rule']], ['node4', ['ip-addr']]]);
    const refused = c.diagnostics.filter((d) => d.code === 'case.archive-unsafe-path');
    expect(refused.map((d) => [d.severity, d.message])).toEqual([
      ['error', 'entry "node1/../../../../../etc/x/capture.pcap" climbs out of the archive with "..": refused'],
      ['error', 'entry "../node2/ip-addr.txt" climbs out of the archive with "..": refused'],
      ['error', 'entry "/etc/node3/ip-addr.txt" is an absolute path: refused'],
      ['error', 'entry "node1\\n# Heading <b>x</b>/ip-addr.txt" holds control characters (a line break, …): refused'],
    ]);
    expect(c.hosts.flatMap((h) => h.files).every((f) => f.path.startsWith(path))).toBe(true);
  });
});
