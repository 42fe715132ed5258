// Case archives read in place: the tar parser against GNU tar's own archives (ustar, pax, GNU
// long names), fed in every chunking; a sample case analysed from a .tgz exactly as from its folder.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveSource } from '../../src/case/archive-source.js';
import { loadCase } from '../../src/case/load-case.js';
import { TarParser } from '../../src/case/tar-parser.js';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { runInspect } from '../../src/app/inspect.js';
import { samplePath } from '../corpus.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-archive-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const longName = `${'deep-folder-name/'.repeat(8)}a-file-name-longer-than-the-ustar-name-field.txt`;
const tree = join(scratch, 'tree');
mkdirSync(join(tree, 'box', ...longName.split('/').slice(0, -1)), { recursive: true });
writeFileSync(join(tree, 'box', longName), 'long\n');
writeFileSync(join(tree, 'box', 'empty.txt'), '');
writeFileSync(join(tree, 'box', 'odd.bin'), Buffer.alloc(513, 7));
writeFileSync(join(tree, 'box', '.hidden'), 'no');

function parseAll(bytes: Uint8Array, chunk: number): Map<string, string> {
  const parser = new TarParser();
  const files = new Map<string, string>();
  let current: string | null = null;
  for (let at = 0; at < bytes.length; at += chunk) {
    parser.append(bytes.subarray(at, Math.min(bytes.length, at + chunk)));
    for (let e = parser.next(); e !== undefined && e.kind !== 'end'; e = parser.next()) {
      if (e.kind === 'entry') {
        current = e.entry.type === 'file' ? e.entry.name : null;
        if (current !== null) files.set(current, '');
      } else if (current !== null) files.set(current, files.get(current)! + Buffer.from(e.bytes).toString('latin1'));
    }
  }
  parser.finish();
  return files;
}

describe('TarParser', () => {
  it.each(['ustar', 'pax', 'gnu'])('reads GNU tar --format=%s whatever the chunk size', (format) => {
    const file = join(scratch, `t-${format}.tar`);
    // ustar cannot store the long name; the others must.
    const names = format === 'ustar' ? ['box/empty.txt', 'box/odd.bin'] : ['box'];
    execFileSync('tar', [`--format=${format}`, '-cf', file, '-C', tree, ...names]);
    const bytes = readFileSync(file);
    const whole = parseAll(bytes, bytes.length);
    expect(whole.get('box/odd.bin')).toBe(Buffer.alloc(513, 7).toString('latin1'));
    expect(whole.get('box/empty.txt')).toBe('');
    if (format !== 'ustar') expect(whole.get(`box/${longName}`)).toBe('long\n');
    for (const chunk of [1, 7, 511, 512, 513, 4096]) expect(parseAll(bytes, chunk)).toEqual(whole);
  });

  it('says where a cut or foreign stream goes wrong instead of inventing entries', () => {
    const file = join(scratch, 'cut.tar');
    execFileSync('tar', ['-cf', file, '-C', tree, 'box/odd.bin']);
    const bytes = readFileSync(file);
    expect(() => parseAll(bytes.subarray(0, 700), 100)).toThrow(/ends inside an entry/);
    expect(() => parseAll(Buffer.alloc(1024, 0x41), 1024)).toThrow(/checksum does not match.*at byte 0/);
  });
});

describe('a case archive', () => {
  const tgz = join(scratch, 'natgw.tgz');
  execFileSync('tar', ['-czf', tgz, '-C', samplePath(''), 'pod-egress-natgw']);

  it('loads as the same hosts and files as its folder, hidden entries left out', async () => {
    const fromFolder = await loadCase({ paths: [samplePath('pod-egress-natgw')], hosts: [] });
    const fromArchive = await loadCase({ paths: [tgz], hosts: [] });
    const shape = (c: typeof fromFolder) => c.hosts.map((h) => ({ name: h.name, files: h.files.map((f) => [f.path.split('/').slice(-1)[0], f.kind, f.size, f.compression]) }));
    expect(shape(fromArchive)).toEqual(shape(fromFolder));
    expect(fromArchive.diagnostics).toEqual([]);
    expect(fromArchive.hosts[0]!.files[0]!.displayPath).toMatch(/natgw\.tgz\/pod-egress-natgw\/natgw\//);
  });

  it('is analysed exactly as its folder (answers, totals), streamed without unpacking', async () => {
    const a = await runAnalyze({ paths: [samplePath('pod-egress-natgw')], hosts: [] });
    const b = await runAnalyze({ paths: [tgz], hosts: [] });
    expect(b.answers).toEqual(a.answers);
    expect(b.totals).toEqual(a.totals);
    expect(b.answers.map((x) => x.sources)).toEqual([['203.0.113.7'], ['203.0.113.7']]);
  });

  it('is inspected like its folder: capture facts read from the archive', async () => {
    const a = await runInspect({ paths: [samplePath('pod-egress-natgw')], hosts: [] });
    const b = await runInspect({ paths: [tgz], hosts: [] });
    expect(b.totals).toEqual(a.totals);
    expect(b.diagnostics).toEqual([]);
  });

  it('of one host per archive (as natpath collect makes them) combine into one case', async () => {
    const parts = ['node1', 'natgw', 'partner'].map((h) => {
      const f = join(scratch, `${h}.tar.gz`);
      execFileSync('tar', ['-czf', f, '-C', samplePath('pod-egress-natgw'), h]);
      return f;
    });
    const r = await runAnalyze({ paths: parts, hosts: [] });
    expect(r.hosts.map((h) => h.name).sort()).toEqual(['natgw', 'node1', 'partner']);
    expect(r.answers[0]!.sources).toEqual(['203.0.113.7']);
  });

  it('streams large entries: a capture past the in-memory limit reads the same', async () => {
    const big = join(scratch, 'big');
    cpSync(samplePath('pod-egress-natgw'), big, { recursive: true });
    // 9 MB of padding before the captures keeps the listing from holding them whole.
    writeFileSync(join(big, 'node1', 'aaa-padding.bin'), Buffer.alloc(9 * 1024 * 1024, 1));
    const f = join(scratch, 'big.tgz');
    execFileSync('tar', ['-czf', f, '-C', scratch, 'big']);
    const source = await ArchiveSource.open(f, () => {});
    expect(source.files.find((e) => e.name.endsWith('aaa-padding.bin'))!.whole).toBeNull();
    const r = await runAnalyze({ paths: [f], hosts: [] });
    expect(r.answers[0]!.sources).toEqual(['203.0.113.7']);
  });

  it('that is truncated is a diagnostic, not a crash: the cut entry is named and not used, complete entries before it are kept (issue 16)', async () => {
    const cut = join(scratch, 'cut.tgz');
    cpSync(tgz, cut);
    truncateSync(cut, 2000);
    const c = await loadCase({ paths: [cut], hosts: [] });
    expect(c.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['case.archive-damaged error', 'case.archive-damaged error']);
    expect(c.diagnostics[0]!.message).toMatch(/^entry "pod-egress-natgw\/natgw\/capture\.pcap" is cut short \(\d+ of 8458 bytes\): not used$/);
    expect(c.diagnostics[1]!.message).toMatch(/the archive is damaged: unexpected end of file; the entries before it are used/);
    expect(c.hosts.map((h) => [h.name, h.files.map((f) => f.kind).sort()])).toEqual([['natgw', ['conntrack', 'ip-addr', 'ip-link', 'ip-rule', 'iptables-save']]]);
  });

  it('cut inside its first entry cannot be read at all', async () => {
    const cut = join(scratch, 'cut-first.tgz');
    cpSync(tgz, cut);
    truncateSync(cut, 200);
    const c = await loadCase({ paths: [cut], hosts: [] });
    expect(c.diagnostics.map((d) => d.code)).toContain('case.unreadable');
    expect(c.diagnostics[0]!.message).toMatch(/cannot be read as a case archive/);
  });
});
