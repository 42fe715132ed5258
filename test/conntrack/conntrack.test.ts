import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIpAddress } from '../../src/net/address.js';
import { parseConntrack } from '../../src/conntrack/index.js';
import { corpusPath, PROJECT_ROOT, NEEDS_CORPUS } from '../corpus.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'real-node');

describe('conntrack -L', () => {
  it('reads the real-kernel dump: NAT recorded, flags, marks; count matches the summary', () => {
    for (const f of ['conntrack-L.txt', 'conntrack-L-extended.txt']) {
      const r = parseConntrack(readFileSync(join(FIXTURES, f), 'utf8'), f);
      expect(r.issues, f).toEqual([]);
      expect(r.value.entries.length).toBe(r.value.reportedCount);
      const masq = r.value.entries.find((e) => formatIpAddress(e.original.dst) === '8.8.8.8')!;
      expect(masq).toMatchObject({ protocol: 'udp', snat: true, dnat: false, flags: ['UNREPLIED'], mark: 16 });
      expect(formatIpAddress(masq.translatedSource.address)).toBe('192.168.50.10');
      const dnat = r.value.entries.find((e) => formatIpAddress(e.original.dst) === '10.96.0.20')!;
      expect(dnat).toMatchObject({ protocol: 'tcp', state: 'SYN_SENT', dnat: true, snat: false });
      expect([formatIpAddress(dnat.translatedDestination.address), dnat.translatedDestination.port]).toEqual(['10.244.0.5', 8080]);
      const plain = r.value.entries.find((e) => e.protocol === 'icmpv6')!;
      expect(plain).toMatchObject({ family: 'ipv6', snat: false, dnat: false });
      expect(plain.original.icmp).toMatchObject({ type: 128, code: 0 });
    }
  });

  it('reads every jc corpus file; the malformed one gives line-numbered errors and keeps the good entries', NEEDS_CORPUS, () => {
    for (const f of ['list', 'list-extended', 'list-counters', 'list-gre', 'list-ktimestamp']) {
      const r = parseConntrack(readFileSync(corpusPath(`iptables/conntrack/jc__conntrack--${f}.out`), 'utf8'), f);
      expect(r.issues, f).toEqual([]);
      expect(r.value.entries.length, f).toBe(r.value.reportedCount);
    }
    const counters = parseConntrack(readFileSync(corpusPath('iptables/conntrack/jc__conntrack--list-counters.out'), 'utf8'), 'c');
    expect(counters.value.entries[0]!.original).toMatchObject({ packets: 169, bytes: 14322 });
    const ext = parseConntrack(readFileSync(corpusPath('iptables/conntrack/jc__conntrack--list-extended.out'), 'utf8'), 'e');
    expect(ext.value.entries.map((e) => [e.snat, e.dnat])).toEqual([[true, false], [false, true], [false, false]]);
    const bad = parseConntrack(readFileSync(corpusPath('iptables/conntrack/jc__conntrack--malformed.out'), 'utf8'), 'm');
    expect(bad.value.entries.map((e) => e.source.line)).toEqual([1, 6]);
    expect(bad.issues.filter((d) => d.code === 'conntrack.bad-line').map((d) => d.place.line)).toEqual([2, 3, 4, 5]);
    expect(bad.issues.find((d) => d.code === 'conntrack.skipped-lines')?.count).toBe(4);
  });

  it('keeps zone and timestamps apart from the tuples', () => {
    const r = parseConntrack('tcp      6 86396 ESTABLISHED src=172.18.0.1 dst=172.18.0.2 sport=51814 dport=6379 src=172.18.0.2 dst=172.18.0.1 sport=6379 dport=51814 [ASSURED] mark=0 zone=3 delta-time=1200 [start=Wed Sep  2 08:01:05 2026] use=1\n', 'z');
    expect(r.issues).toEqual([]);
    expect(r.value.entries[0]).toMatchObject({ zone: 3, use: 1, flags: ['ASSURED'] });
  });
});
