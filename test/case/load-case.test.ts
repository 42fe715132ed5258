import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCase, parseHostSpec } from '../../src/case/load-case.js';
import { corpusPath, NEEDS_CORPUS } from '../corpus.js';

const root = mkdtempSync(join(tmpdir(), 'natpath-case-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(...parts: string[]): string {
  const p = join(root, ...parts);
  mkdirSync(p, { recursive: true });
  return p;
}

describe('loading a case', () => {
  it('makes one host per sub-folder and recognises files by content, not by name', NEEDS_CORPUS, async () => {
    const c = folder('case1');
    copyFileSync(corpusPath('iptables/conntrack/jc__conntrack--list.out'), join(folder('case1', 'node1'), 'capture.pcap'));
    copyFileSync(corpusPath('tcpdump/02-sunrise-sunset-esp.pcap'), join(folder('case1', 'node1', 'deeper'), 'x.txt'));
    copyFileSync(corpusPath('iptables/jc-fixtures/ubuntu-18.04__ip_route.out'), join(folder('case1', 'gw'), 'data'));
    writeFileSync(join(c, 'notes.md'), '# what happened\n');
    const input = await loadCase({ paths: [c], hosts: [] });
    expect(input.hosts.map((h) => h.name)).toEqual(['gw', 'node1']);
    const node1 = input.hosts.find((h) => h.name === 'node1')!;
    expect(node1.files.map((f) => f.kind).sort()).toEqual(['conntrack', 'pcap']);
    expect(input.hosts.find((h) => h.name === 'gw')!.files[0]!.kind).toBe('ip-route');
    expect(input.looseFiles.map((f) => f.kind)).toEqual(['unrecognised']);
    expect(input.diagnostics).toEqual([]);
  });

  it('treats a folder without sub-folders as one host, and a file as its parent folder\'s host', NEEDS_CORPUS, async () => {
    const h = folder('hostonly', 'edge');
    copyFileSync(corpusPath('tcpdump/02-sunrise-sunset-esp.pcap'), join(h, 'a.pcap'));
    const byFolder = await loadCase({ paths: [h], hosts: [] });
    expect(byFolder.hosts.map((x) => x.name)).toEqual(['edge']);
    const byFile = await loadCase({ paths: [join(h, 'a.pcap')], hosts: [] });
    expect(byFile.hosts.map((x) => x.name)).toEqual(['edge']);
  });

  it('merges --host specs with the same name', NEEDS_CORPUS, async () => {
    const a = folder('hosts', 'a');
    copyFileSync(corpusPath('tcpdump/02-sunrise-sunset-esp.pcap'), join(a, 'one'));
    copyFileSync(corpusPath('iptables/jc-fixtures/ubuntu-18.04__ip_route.out'), join(a, 'two'));
    const input = await loadCase({
      paths: [],
      hosts: [
        { name: 'n1', path: join(a, 'one') },
        { name: 'n1', path: join(a, 'two') },
      ],
    });
    expect(input.hosts).toHaveLength(1);
    expect(input.hosts[0]!.files.map((f) => f.kind).sort()).toEqual(['ip-route', 'pcap']);
    expect(parseHostSpec('node1=/x/y')).toEqual({ name: 'node1', path: '/x/y' });
    expect(parseHostSpec('=x')).toBeNull();
    expect(parseHostSpec('node1=')).toBeNull();
    expect(parseHostSpec('node1')).toBeNull();
  });

  it('reports bad paths and empty or unrecognisable hosts without failing', async () => {
    const empty = folder('bad', 'emptyhost');
    const junk = folder('bad', 'junkhost');
    writeFileSync(join(junk, 'zero.pcap'), '');
    writeFileSync(join(junk, 'random.bin'), Buffer.from([0, 1, 2, 3, 250, 251, 252]));
    const input = await loadCase({ paths: [join(root, 'bad'), join(root, 'does-not-exist')], hosts: [] });
    const messages = input.diagnostics.map((d) => `${d.code} ${d.place.file} ${d.message}`);
    expect(messages.some((m) => m.includes('does-not-exist') && m.includes('no such file'))).toBe(true);
    expect(messages.some((m) => m.startsWith('case.host-empty') && m.includes(empty.split('/').pop()!))).toBe(true);
    expect(messages.some((m) => m.startsWith('case.host-unrecognised') && m.includes('junkhost'))).toBe(true);
    const files = input.hosts.find((h) => h.name === 'junkhost')!.files;
    expect(files.find((f) => f.displayPath.endsWith('zero.pcap'))!.reason).toBe('empty file (0 bytes)');
    expect(files.find((f) => f.displayPath.endsWith('random.bin'))!.reason).toContain('binary data');
  });

  it('reports a file it may not read', async () => {
    if (process.getuid?.() === 0) {
      // root reads everything; a dangling symlink exercises the same path
      const d = folder('perm');
      const { symlinkSync } = await import('node:fs');
      symlinkSync(join(d, 'missing-target'), join(d, 'dangling'));
      const input = await loadCase({ paths: [d], hosts: [] });
      expect(input.diagnostics.some((x) => x.code === 'case.unreadable' && x.place.file.endsWith('dangling'))).toBe(true);
      return;
    }
    const d = folder('perm');
    writeFileSync(join(d, 'secret'), 'x');
    chmodSync(join(d, 'secret'), 0);
    const input = await loadCase({ paths: [d], hosts: [] });
    expect(input.diagnostics.some((x) => x.code === 'case.unreadable')).toBe(true);
  });
});
