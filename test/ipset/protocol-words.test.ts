// `proto:port` as `ipset save` prints it (recorded: test/fixtures/snapshots/ip-protocols): ipset
// reads a name with getprotobyname() and prints it back with getprotobynumber(), so any protocol
// of /etc/protocols may appear (`ipencap:0`, `ospf:0`, `mobility-header:0`), not only tcp/udp.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIpset } from '../../src/ipset/index.js';
import { PROJECT_ROOT } from '../corpus.js';

const RECORDED = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'ip-protocols');

describe('ipset proto:port as recorded', () => {
  it('reads every element with the protocol number it was added with', () => {
    const r = parseIpset(readFileSync(join(RECORDED, 'ipset-save.txt'), 'utf8'), 'ipset-save.txt');
    expect(r.issues).toEqual([]);
    const protocols = (name: string) =>
      r.value.sets.find((s) => s.name === name)!.entries.map((e) => e.parts.flatMap((p) => (p.kind === 'port' ? [p.protocol] : [])));
    // Added as tcp:80, udp:53, sctp:9, udplite:7, icmp:echo-request, vrrp:0, ospf:0, 47:0, ipencap:0 (printed in hash order).
    expect(protocols('protos').flat().sort((a, b) => a - b)).toEqual([1, 4, 6, 17, 47, 89, 112, 132, 136]);
    expect(protocols('protos6').flat().sort((a, b) => a - b)).toEqual([58, 135]);
  });

  it('an element whose protocol is no protocol is an error at its line; the elements around it are kept', () => {
    const text = 'create s hash:ip,port family inet\nadd s 10.0.0.1,tcp:80\nadd s 10.0.0.2,frobnicate:80\nadd s 10.0.0.3,300:80\nadd s 10.0.0.4,udp:53\n';
    const r = parseIpset(text, 'bad.txt');
    expect(r.value.sets[0]!.entries.map((e) => e.text)).toEqual(['10.0.0.1,tcp:80', '10.0.0.4,udp:53']);
    expect(r.issues.map((i) => `${i.code} ${i.place.file}:${i.place.line ?? ''}`)).toEqual(['ipset.bad-element bad.txt:3', 'ipset.bad-element bad.txt:4', 'ipset.skipped-lines bad.txt:']);
    expect(r.issues[0]!.message).toMatch(/"frobnicate" is not a protocol ipset knows/);
  });
});
