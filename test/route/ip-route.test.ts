import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpAddress, formatPrefix } from '../../src/net/address.js';
import { parseIpRoute, parseIpRouteJson, type Route } from '../../src/route/index.js';
import { corpusPath, PROJECT_ROOT, NEEDS_CORPUS } from '../corpus.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'real-node');
const read = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

/** Comparable shape of a route, the same for text and JSON input. */
function shape(r: Route) {
  return {
    family: r.family,
    type: r.type,
    dst: formatPrefix(r.destination),
    table: r.table,
    hops: r.nexthops.map((h) => `${h.via === null ? '-' : formatIpAddress(h.via)} ${h.dev ?? '-'} ${h.weight}`),
    src: r.src === null ? null : formatIpAddress(r.src),
    metric: r.metric,
  };
}

describe('ip route (real kernel fixtures)', () => {
  it('reads every route of `ip route show table all`, v4 and v6, with no problem', () => {
    const text = read('ip-route-table-all.txt');
    const r = parseIpRoute(text, 'ip-route-table-all.txt');
    expect(r.issues).toEqual([]);
    const routeLines = text.split('\n').filter((l) => l.trim() !== '' && !/^\s+nexthop/.test(l));
    expect(r.value.routes).toHaveLength(routeLines.length);
    const s = r.value.routes.map(shape);
    expect(s).toContainEqual({ family: 'ipv4', type: 'unicast', dst: '0.0.0.0/0', table: 'main', hops: ['192.168.50.254 eth0 1'], src: null, metric: 100 });
    expect(s).toContainEqual({ family: 'ipv4', type: 'unicast', dst: '10.50.0.0/16', table: 'main', hops: ['192.168.50.254 eth0 1', '192.168.50.253 eth0 3'], src: null, metric: 20 });
    expect(s).toContainEqual({ family: 'ipv4', type: 'throw', dst: '10.96.0.0/12', table: 'kube', hops: [], src: null, metric: 0 });
    expect(s).toContainEqual({ family: 'ipv4', type: 'local', dst: '192.168.50.11/32', table: 'local', hops: ['- eth0 1'], src: '192.168.50.10', metric: 0 });
    expect(s).toContainEqual({ family: 'ipv6', type: 'unicast', dst: '::/0', table: 'main', hops: ['fd00:50::1 eth0 1'], src: null, metric: 1024 });
    const onlink = r.value.routes.find((x) => formatPrefix(x.destination) === '10.244.1.0/24')!;
    expect(onlink.nexthops[0]!.flags).toEqual(['onlink']);
    const v6via = r.value.routes.find((x) => formatPrefix(x.destination) === '10.70.0.0/16')!;
    expect(v6via.family).toBe('ipv4');
    expect(formatIpAddress(v6via.nexthops[0]!.via!)).toBe('fd00:50::1');
    expect(r.value.routes.find((x) => formatPrefix(x.destination) === '10.60.0.0/16')!.flags).toContain('lock');
  });

  it('text and -j output give the same routes', () => {
    for (const [txt, json] of [['ip-route-table-all.txt', 'ip-route-table-all.json'], ['ip6-route-table-all.txt', 'ip6-route-table-all.json']] as const) {
      const a = parseIpRoute(read(txt), txt);
      const b = parseIpRouteJson(read(json), json);
      expect(b.issues).toEqual([]);
      expect(b.value.routes.map(shape)).toEqual(a.value.routes.map(shape));
    }
  });

  it('`ip -6 route` defaults are IPv6 even without an address on the line', () => {
    const r = parseIpRoute('default dev wg0 metric 1024 pref medium\nunreachable default dev lo table 5 metric 4294967295\n', 'x', { family: 'ipv6' });
    expect(r.value.routes.map((x) => formatPrefix(x.destination))).toEqual(['::/0', '::/0']);
  });

  it('reads the jc corpus `ip route` outputs', NEEDS_CORPUS, () => {
    for (const f of ['centos-7.7__ip_route.out', 'ubuntu-18.04__ip_route.out']) {
      const r = parseIpRoute(readFileSync(corpusPath(`iptables/jc-fixtures/${f}`), 'utf8'), f);
      expect(r.issues, f).toEqual([]);
      expect(r.value.routes.length).toBeGreaterThan(2);
    }
  });

  it('a garbage line is an error at its line, counted, and the rest is kept', () => {
    const r = parseIpRoute('default via 10.0.0.1 dev eth0\nhello world\n10.0.0.0/24 dev eth0 scope link\n', 'r.txt');
    expect(r.value.routes).toHaveLength(2);
    expect(r.issues[0]).toMatchObject({ code: 'route.bad-line', place: { file: 'r.txt', line: 2 } });
    expect(r.issues.find((d) => d.code === 'route.skipped-lines')?.count).toBe(1);
  });

  it('truncated JSON is one error, never an exception', () => {
    const json = read('ip-route-table-all.json');
    fc.assert(
      fc.property(fc.nat(json.length), (cut) => {
        const text = json.slice(0, cut);
        const r = parseIpRouteJson(text, 'j');
        if (text.trim() !== json.trim()) expect(r.issues.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
