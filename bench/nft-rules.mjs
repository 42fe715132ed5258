// The nftables rules benchmark (issue 12): kube-proxy's nftables mode with 10 000 services,
// generated here as `nft list ruleset` text and as `nft -j list ruleset` JSON (the same
// services as bench/rules.mjs writes in iptables mode), parsed and one packet traced through it,
// in-process, beside the iptables figures measured the same way. Targets: parse and one trace
// under a second each, within 2× of iptables.
//
// Shape (kube-proxy pkg/proxy/nftables, as in ../shared/corpus/kube-proxy-nft): nat-prerouting
// → services: `ip daddr . meta l4proto . th dport vmap @service-ips` (one map element per
// service) → service chain: masquerade mark for off-cluster clients, `numgen random mod 2 vmap`
// → endpoint chain: `meta l4proto tcp dnat to ENDPOINT:8080`.
//
// `node bench/nft-rules.mjs` runs this part alone (after `npm run build`); `npm run bench` runs it
// with the rules part.

import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { bigKubeDump } from './rules.mjs';

const ip = (a, i) => `${a}.${i >> 8}.${i & 255}`;
const svcChain = (i) => `service-${i}-ns/svc${i}/tcp/http`;
const epChain = (i, e) => `endpoint-${i}${e}-ns/svc${i}/tcp/http__${ip(e === 'a' ? '10.244' : '10.245', i)}/8080`;

/** kube-proxy's nftables ruleset for `services` ClusterIP services with two endpoints each, as nft lists it. */
export function bigKubeNftRuleset(services) {
  const out = ['table ip kube-proxy {', '\tcomment "rules for kube-proxy"', '\tmap service-ips {', '\t\ttype ipv4_addr . inet_proto . inet_service : verdict', '\t\tcomment "ClusterIP, ExternalIP and LoadBalancer IP traffic"'];
  const elems = [];
  for (let i = 0; i < services; i++) elems.push(`${ip('10.96', i)} . tcp . 80 : goto ${svcChain(i)}`);
  out.push(`\t\telements = { ${elems.join(',\n\t\t\t     ')} }`, '\t}', '');
  out.push(
    '\tchain mark-for-masquerade {', '\t\tmeta mark set meta mark | 0x00004000', '\t}', '',
    '\tchain masquerading {', '\t\tmeta mark & 0x00004000 == 0x00000000 return', '\t\tmeta mark set meta mark ^ 0x00004000', '\t\tmasquerade fully-random', '\t}', '',
    '\tchain nat-output {', '\t\ttype nat hook output priority -100; policy accept;', '\t\tjump services', '\t}', '',
    '\tchain nat-postrouting {', '\t\ttype nat hook postrouting priority srcnat; policy accept;', '\t\tjump masquerading', '\t}', '',
    '\tchain nat-prerouting {', '\t\ttype nat hook prerouting priority dstnat; policy accept;', '\t\tjump services', '\t}', '',
    '\tchain services {', '\t\tip daddr . meta l4proto . th dport vmap @service-ips', '\t}',
  );
  for (let i = 0; i < services; i++) {
    out.push(
      '',
      `\tchain ${svcChain(i)} {`,
      `\t\tip daddr ${ip('10.96', i)} ip saddr != 10.0.0.0/8 jump mark-for-masquerade`,
      `\t\tnumgen random mod 2 vmap { 0 : goto ${epChain(i, 'a')}, 1 : goto ${epChain(i, 'b')} }`,
      '\t}',
    );
    for (const e of ['a', 'b']) {
      const addr = ip(e === 'a' ? '10.244' : '10.245', i);
      out.push('', `\tchain ${epChain(i, e)} {`, `\t\tip saddr ${addr} jump mark-for-masquerade`, `\t\tmeta l4proto tcp dnat to ${addr}:8080`, '\t}');
    }
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** The same ruleset as `nft -j list ruleset` writes it (nft 1.0.6 shapes, handles numbered in order). */
export function bigKubeNftJson(services) {
  const family = 'ip';
  const table = 'kube-proxy';
  let handle = 1;
  const list = [{ metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } }, { table: { family, name: table, handle: handle++ } }];
  const elem = [];
  for (let i = 0; i < services; i++) elem.push([{ concat: [ip('10.96', i), 'tcp', 80] }, { goto: { target: svcChain(i) } }]);
  list.push({ map: { family, name: 'service-ips', table, type: ['ipv4_addr', 'inet_proto', 'inet_service'], handle: handle++, map: 'verdict', elem } });
  const chains = [];
  const rules = [];
  const chain = (name, base, exprs) => {
    chains.push({ chain: { family, table, name, handle: handle++, ...base } });
    for (const expr of exprs) rules.push({ rule: { family, table, chain: name, handle: handle++, expr } });
  };
  const meta = (key) => ({ meta: { key } });
  const payload = (protocol, field) => ({ payload: { protocol, field } });
  const markMasq = { jump: { target: 'mark-for-masquerade' } };
  chain('mark-for-masquerade', {}, [[{ mangle: { key: meta('mark'), value: { '|': [meta('mark'), 16384] } } }]]);
  chain('masquerading', {}, [
    [{ match: { op: '==', left: { '&': [meta('mark'), 16384] }, right: 0 } }, { return: null }],
    [{ mangle: { key: meta('mark'), value: { '^': [meta('mark'), 16384] } } }],
    [{ masquerade: { flags: 'fully-random' } }],
  ]);
  chain('nat-output', { type: 'nat', hook: 'output', prio: -100, policy: 'accept' }, [[{ jump: { target: 'services' } }]]);
  chain('nat-postrouting', { type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' }, [[{ jump: { target: 'masquerading' } }]]);
  chain('nat-prerouting', { type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' }, [[{ jump: { target: 'services' } }]]);
  chain('services', {}, [[{ vmap: { key: { concat: [payload('ip', 'daddr'), meta('l4proto'), payload('th', 'dport')] }, data: '@service-ips' } }]]);
  for (let i = 0; i < services; i++) {
    chain(svcChain(i), {}, [
      [
        { match: { op: '==', left: payload('ip', 'daddr'), right: ip('10.96', i) } },
        { match: { op: '!=', left: payload('ip', 'saddr'), right: { prefix: { addr: '10.0.0.0', len: 8 } } } },
        markMasq,
      ],
      [{ vmap: { key: { numgen: { mode: 'random', mod: 2, offset: 0 } }, data: { set: [[0, { goto: { target: epChain(i, 'a') } }], [1, { goto: { target: epChain(i, 'b') } }]] } } }],
    ]);
    for (const e of ['a', 'b']) {
      const addr = ip(e === 'a' ? '10.244' : '10.245', i);
      chain(epChain(i, e), {}, [
        [{ match: { op: '==', left: payload('ip', 'saddr'), right: addr } }, markMasq],
        [{ match: { op: '==', left: meta('l4proto'), right: 'tcp' } }, { dnat: { addr, port: 8080 } }],
      ]);
    }
  }
  return JSON.stringify({ nftables: [...list, ...chains, ...rules] });
}

/** The packet of bench/rules.mjs: a pod on cni0 to service 7 686 (10.96.30.7:80). */
function tracePacket(parseIpAddress) {
  return {
    family: 'ipv4', protocol: 'tcp', protocolNumber: 6, src: parseIpAddress('10.244.1.9'), dst: parseIpAddress('10.96.30.7'), sport: 40000, dport: 80,
    icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'cni0' }, mark: 0, options: { recentHistory: 'unknown' },
  };
}

const emptyHost = (parseIpAddress) => ({ name: 'big', iptables: [], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [parseIpAddress('10.0.0.11')] });

export async function runNftRulesBench({ root, natpath, measure, median, runs }) {
  const { parseIptablesSave } = await import(join(root, 'dist', 'netfilter', 'index.js'));
  const { parseNftText } = await import(join(root, 'dist', 'nftables', 'parse-nft-text.js'));
  const { readNftJson } = await import(join(root, 'dist', 'nftables', 'read-json.js'));
  const { buildHostModel } = await import(join(root, 'dist', 'sim', 'host-model.js'));
  const { simulate } = await import(join(root, 'dist', 'sim', 'simulate.js'));
  const { parseIpAddress, formatIpAddress } = await import(join(root, 'dist', 'net', 'address.js'));
  const services = 10_000;
  const iptablesText = bigKubeDump(services);
  const nftText = bigKubeNftRuleset(services);
  const nftJson = bigKubeNftJson(services);
  const nftFile = join(tmpdir(), 'natpath-bench-nft-ruleset.txt');
  writeFileSync(nftFile, nftText);
  // Wall time and this process's CPU time (user + system) of each step: on a shared machine the
  // wall time also counts waiting for a core; CPU time is what the step costs.
  const times = {};
  const step = (key, f) => {
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const value = f();
    const wallMs = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    (times[key] ??= []).push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 });
    return value;
  };
  const outcomes = {};
  const wall = [];
  // Both simulators build their indexes with the host model (iptables its chain index, nft its
  // set indexes: kube-proxy's 10 000-element map); small sets are indexed on first use, so the
  // first trace can still cost more than the second. "host model + first trace" sums the two.
  const traceTwice = (snapshots, key) => {
    const model = step(`${key}Model`, () => buildHostModel({ ...emptyHost(parseIpAddress), ...snapshots }));
    outcomes[key] = step(`${key}First`, () => simulate(model, tracePacket(parseIpAddress)));
    step(`${key}Second`, () => simulate(model, tracePacket(parseIpAddress)));
    const m = times[`${key}Model`].at(-1);
    const f = times[`${key}First`].at(-1);
    (times[`${key}ModelAndFirst`] ??= []).push({ wallMs: m.wallMs + f.wallMs, cpuMs: m.cpuMs + f.cpuMs });
  };
  let rules = 0;
  for (let run = 0; run < runs; run++) {
    const dump = step('iptablesParse', () => parseIptablesSave(iptablesText, 'iptables-save.txt').value);
    traceTwice({ iptables: [dump] }, 'iptablesTrace');

    const fromText = step('textParse', () => parseNftText(nftText, nftFile).value);
    rules = fromText.tables[0].chains.reduce((n, c) => n + c.rules.length, 0);
    traceTwice({ nftables: [fromText] }, 'textTrace');

    const fromJson = step('jsonParse', () => readNftJson(nftJson, 'ruleset.json').value);
    traceTwice({ nftables: [fromJson] }, 'jsonTrace');

    wall.push(measure(natpath, ['trace', '--host', `big=${nftFile}`, '--host-addrs', '10.0.0.11', '--from', '10.244.1.9', '--to', '10.96.30.7:80', '--in', 'cni0', '--format', 'json']));
  }
  rmSync(nftFile, { force: true });
  const describe = (r) =>
    r.outcomes.map((o) => `${(o.probability * 100).toFixed(0)}% ${o.verdict} → ${formatIpAddress(o.state.packet.dst)}:${o.state.packet.dport}`).join(', ');
  const med = (key) => ({ wallMs: median(times[key].map((x) => x.wallMs)), cpuMs: median(times[key].map((x) => x.cpuMs)) });
  const steps = {};
  for (const key of Object.keys(times)) steps[key] = med(key);
  return {
    services,
    rules,
    textBytes: nftText.length,
    jsonBytes: nftJson.length,
    steps,
    textTraceOutcomes: describe(outcomes.textTrace),
    jsonTraceOutcomes: describe(outcomes.jsonTrace),
    iptablesTraceOutcomes: describe(outcomes.iptablesTrace),
    traceCommandSeconds: median(wall.map((m) => m.seconds)),
    traceCommandPeakRssMb: Math.max(...wall.map((m) => m.rssMb)),
  };
}

export function printNftRulesBench(r) {
  const s = r.steps;
  const cell = (x) => `${x.wallMs.toFixed(x.wallMs < 10 ? 1 : 0)} ms (${x.cpuMs.toFixed(x.cpuMs < 10 ? 1 : 0)} ms CPU)`;
  const ratio = (a, b) => `${(a.cpuMs / b.cpuMs).toFixed(2)}× (CPU)`;
  console.log(`\n## nftables rules: kube-proxy nftables mode, ${r.services.toLocaleString('en-US')} services, ${r.rules.toLocaleString('en-US')} rules (text ${(r.textBytes / 1e6).toFixed(1)} MB, JSON ${(r.jsonBytes / 1e6).toFixed(1)} MB)`);
  console.log('| step | iptables-save | nft list ruleset (text) | nft -j list ruleset (JSON) | text / iptables | JSON / iptables |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| parse | ${cell(s.iptablesParse)} | ${cell(s.textParse)} | ${cell(s.jsonParse)} | ${ratio(s.textParse, s.iptablesParse)} | ${ratio(s.jsonParse, s.iptablesParse)} |`);
  console.log(`| host model + first trace (indexes built) | ${cell(s.iptablesTraceModelAndFirst)} | ${cell(s.textTraceModelAndFirst)} | ${cell(s.jsonTraceModelAndFirst)} | ${ratio(s.textTraceModelAndFirst, s.iptablesTraceModelAndFirst)} | ${ratio(s.jsonTraceModelAndFirst, s.iptablesTraceModelAndFirst)} |`);
  console.log(`| first trace alone | ${cell(s.iptablesTraceFirst)} | ${cell(s.textTraceFirst)} | ${cell(s.jsonTraceFirst)} | ${ratio(s.textTraceFirst, s.iptablesTraceFirst)} | ${ratio(s.jsonTraceFirst, s.iptablesTraceFirst)} |`);
  console.log(`| second trace | ${cell(s.iptablesTraceSecond)} | ${cell(s.textTraceSecond)} | ${cell(s.jsonTraceSecond)} | ${ratio(s.textTraceSecond, s.iptablesTraceSecond)} | ${ratio(s.jsonTraceSecond, s.iptablesTraceSecond)} |`);
  console.log(`| trace outcomes | ${r.iptablesTraceOutcomes} | ${r.textTraceOutcomes} | ${r.jsonTraceOutcomes} | | |`);
  console.log(`| natpath trace end to end (nft text file) | | ${r.traceCommandSeconds.toFixed(2)} s${Number.isFinite(r.traceCommandPeakRssMb) ? `, peak RSS ${r.traceCommandPeakRssMb.toFixed(0)} MB` : ''} | | | |`);
}

// Run alone: `node bench/nft-rules.mjs` (BENCH_RUNS, default 3).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const natpath = join(root, 'bin', 'natpath');
  // As bench/run.mjs measures a child: wall time, and peak RSS from /usr/bin/time -v when present.
  const timeV = existsSync('/usr/bin/time');
  const measure = (cmd, args) => {
    const t = performance.now();
    const r = spawnSync(timeV ? '/usr/bin/time' : cmd, timeV ? ['-v', cmd, ...args] : args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
    return { seconds: (performance.now() - t) / 1000, rssMb: rssKb / 1024 };
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const r = await runNftRulesBench({ root, natpath, measure, median, runs: Number(process.env.BENCH_RUNS ?? 3) });
  printNftRulesBench(r);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(r, null, 2)}\n`);
}
