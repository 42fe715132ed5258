import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIpAddress } from '../../src/net/address.js';
import { parseIpLink, parseIpLinkJson, type NetInterface } from '../../src/route/index.js';
import { PROJECT_ROOT } from '../corpus.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'real-node');
const read = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

function shape(i: NetInterface) {
  return {
    index: i.index,
    name: i.name,
    peerIndex: i.peerIndex,
    link: i.link,
    up: i.up,
    mtu: i.mtu,
    master: i.master,
    details: i.details === null ? null : JSON.stringify(i.details, (_key, v) => (v && typeof v === 'object' && 'family' in v ? formatIpAddress(v) : v)),
    slaveKind: i.slaveKind,
    addresses: i.addresses.map((a) => `${formatIpAddress(a.address)}/${a.prefixLength} ${a.scope}${a.secondary ? ' secondary' : ''}${a.label ? ` ${a.label}` : ''}`),
  };
}

describe('ip addr / ip link (real kernel fixtures)', () => {
  it('reads ip addr: peers, masters, addresses with scope, secondary and label', () => {
    const r = parseIpLink(read('ip-addr.txt'), 'ip-addr.txt');
    expect(r.issues).toEqual([]);
    const by = (n: string) => r.value.interfaces.find((i) => i.name === n)!;
    expect(r.value.interfaces.map((i) => i.name)).toEqual(['lo', 'eth0', 'cni0', 'vethpod0', 'flannel.1', 'mv0', 'ifb0']);
    expect(by('eth0')).toMatchObject({ peerIndex: 2, linkNetns: 'nptest-gw', up: true, mtu: 1500 });
    expect(by('vethpod0').master).toBe('cni0');
    expect(by('mv0')).toMatchObject({ link: 'eth0', up: false });
    expect(shape(by('eth0')).addresses).toEqual([
      '192.168.50.10/24 global',
      '192.168.50.11/24 global secondary eth0:vip',
      'fd00:50::10/64 global',
      expect.stringMatching(/^fe80::.*\/64 link$/),
    ]);
  });

  it('reads ip -d link kinds: veth, bridge, bridge_slave, vxlan id/port/local/dev', () => {
    const r = parseIpLink(read('ip-d-link.txt'), 'ip-d-link.txt');
    expect(r.issues.filter((d) => d.severity !== 'info')).toEqual([]);
    const by = (n: string) => r.value.interfaces.find((i) => i.name === n)!;
    expect(by('cni0').details).toEqual({ kind: 'bridge' });
    expect(by('vethpod0')).toMatchObject({ details: { kind: 'veth' }, slaveKind: 'bridge', master: 'cni0' });
    const vx = by('flannel.1').details!;
    expect(vx.kind).toBe('vxlan');
    if (vx.kind === 'vxlan') {
      expect([vx.vni, vx.port, vx.dev, formatIpAddress(vx.local!)]).toEqual([1, 8472, 'eth0', '192.168.50.10']);
    }
    expect(by('mv0').details).toEqual({ kind: 'other', name: 'macvlan' });
  });

  it('text and -j agree (ip addr, ip -d link)', () => {
    for (const [txt, json] of [['ip-addr.txt', 'ip-addr.json'], ['ip-d-link.txt', 'ip-d-link.json'], ['ip-link.txt', 'ip-link.json']] as const) {
      const a = parseIpLink(read(txt), txt).value.interfaces.map(shape);
      const b = parseIpLinkJson(read(json), json);
      expect(b.issues).toEqual([]);
      // MACs and fe80 addresses differ between runs of the fixture script; compare the rest.
      const strip = (x: ReturnType<typeof shape>) => ({ ...x, addresses: x.addresses.filter((s) => !s.startsWith('fe80')) });
      expect(b.value.interfaces.map(shape).map(strip), json).toEqual(a.map(strip));
    }
  });

  it('reads wireguard and ipip detail lines, and reports a stray line', () => {
    const text = [
      '9: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000',
      '    link/none  promiscuity 0',
      '    wireguard addrgenmode none',
      '10: tun0@NONE: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000',
      '    link/ipip 10.0.0.1 peer 10.0.0.2 promiscuity 0',
      '    ipip ipip remote 10.0.0.2 local 10.0.0.1 dev eth0 ttl inherit pmtudisc',
      'garbage',
    ].join('\n');
    const r = parseIpLink(text, 'l');
    expect(r.value.interfaces[0]!.details).toEqual({ kind: 'wireguard' });
    const ipip = r.value.interfaces[1]!;
    expect(ipip.link).toBeNull();
    expect(ipip.details?.kind === 'ipip' && formatIpAddress(ipip.details.remote!)).toBe('10.0.0.2');
    expect(r.issues[0]).toMatchObject({ code: 'link.bad-line', place: { line: 7 } });
  });
});
