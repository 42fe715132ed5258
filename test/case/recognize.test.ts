import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recognizeBytes } from '../../src/case/recognize-file.js';
import { corpusPath, NEEDS_CORPUS } from '../corpus.js';

function recognizePath(path: string) {
  return recognizeBytes(new Uint8Array(readFileSync(path)), true, basename(path));
}

describe('recognising snapshots from other projects by content', NEEDS_CORPUS, () => {
  it('recognises every Docker iptables golden dump as iptables-save / ip6tables-save', () => {
    const dir = corpusPath('iptables/moby-iptabler-golden');
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(200);
    let fromContent = 0;
    for (const f of files) {
      const r = recognizePath(join(dir, f));
      expect(r.kind, f).toBe(f.includes('ip6tables') ? 'ip6tables-save' : 'iptables-save');
      if (r.note === undefined) fromContent++;
    }
    // Without the name, content alone must decide every dump that has an address in it.
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const r = recognizeBytes(new TextEncoder().encode(text), true, 'dump.txt');
      if (r.note !== undefined) {
        expect(text, f).not.toMatch(/ -[sd] \S*[.:]/);
      } else {
        expect(r.kind, f).toBe(f.includes('ip6tables') ? 'ip6tables-save' : 'iptables-save');
      }
    }
    expect(fromContent).toBeGreaterThan(100);
  });

  it('recognises every kube-proxy test dump as iptables-save', () => {
    const dir = corpusPath('kube-proxy');
    let n = 0;
    for (const test of readdirSync(dir)) {
      const folder = join(dir, test);
      if (!statSync(folder).isDirectory()) continue;
      for (const f of readdirSync(folder).filter((x) => x.startsWith('iptables-save'))) {
        const r = recognizePath(join(folder, f));
        // The dual-stack test dumps carry IPv6 rules without a header comment.
        expect(['iptables-save', 'ip6tables-save'], `${test}/${f}`).toContain(r.kind);
        n++;
      }
    }
    expect(n).toBeGreaterThan(30);
  });

  it('recognises conntrack -L outputs, plain and extended, and ip route outputs', () => {
    const conntrack = corpusPath('iptables/conntrack');
    for (const f of readdirSync(conntrack).filter((x) => x.endsWith('.out') && !x.includes('malformed'))) {
      expect(recognizePath(join(conntrack, f)).kind, f).toBe('conntrack');
    }
    for (const f of ['centos-7.7__ip_route.out', 'ubuntu-18.04__ip_route.out']) {
      expect(recognizePath(corpusPath(`iptables/jc-fixtures/${f}`)).kind, f).toBe('ip-route');
    }
  });

  it('explains look-alike outputs of other commands instead of guessing', () => {
    const filter = recognizePath(corpusPath('iptables/jc-fixtures/centos-7.7__iptables-filter.out'));
    expect(filter.kind).toBe('unrecognised');
    expect(filter.reason).toMatch(/iptables -L.*iptables-save/);
    const route = recognizePath(corpusPath('iptables/jc-fixtures/centos-7.7__route.out'));
    expect(route.kind).toBe('unrecognised');
    expect(route.reason).toMatch(/ip route show table all/);
  });

  it('recognises every pcap and pcapng capture of the corpus by its magic', () => {
    const index = readFileSync(corpusPath('index.tsv'), 'utf8').trim().split('\n');
    const header = index[0]!.split('\t');
    const col = (name: string) => header.indexOf(name);
    let checked = 0;
    for (const line of index.slice(1)) {
      const cells = line.split('\t');
      const file = corpusPath(`${cells[col('corpus')]}/${cells[col('file')]}`);
      const format = cells[col('format')];
      if (format !== 'pcap' && format !== 'pcapng') continue;
      const head = new Uint8Array(readFileSync(file).subarray(0, 4096));
      const r = recognizeBytes(head, false);
      if (head.length < 4) continue;
      expect(r.kind, file).toBe(format);
      checked++;
    }
    expect(checked).toBeGreaterThan(900);
  });
});

describe('recognising real iproute2 output', () => {
  const text = (s: string) => recognizeBytes(new TextEncoder().encode(s), true);
  it('tells ip addr from ip link by their lines', () => {
    const link =
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n' +
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n';
    const addr =
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n' +
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n';
    expect(text(link).kind).toBe('ip-link');
    expect(text(addr).kind).toBe('ip-addr');
    expect(text('0:\tfrom all lookup local\n32766:\tfrom all lookup main\n').kind).toBe('ip-rule');
    expect(text('[{"ifindex":1,"ifname":"lo","addr_info":[]}]').kind).toBe('ip-addr-json');
    expect(text('[{"ifindex":1,"ifname":"lo","flags":[]}]').kind).toBe('ip-link-json');
  });
  it('gives a reason for everything it does not know', () => {
    expect(text('hello world\n')).toMatchObject({ kind: 'unrecognised', reason: expect.stringContaining('hello world') });
    expect(text('{"a":1}')).toMatchObject({ kind: 'unrecognised', reason: expect.stringContaining('array') });
    expect(text('[1,2')).toMatchObject({ kind: 'unrecognised', reason: expect.stringContaining('does not parse') });
    expect(recognizeBytes(new Uint8Array([0, 1, 2, 3, 4, 5]), true)).toMatchObject({ kind: 'unrecognised', reason: expect.stringContaining('00 01 02') });
    expect(text('\n\n# only a comment\n')).toMatchObject({ kind: 'unrecognised' });
  });
});
