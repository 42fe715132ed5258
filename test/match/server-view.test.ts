// "The server sees X" is claimed only with a capture on the server's own host. Every lab scenario
// is analysed again with one host's captures left out at a time (its snapshots kept): no answer
// and no flow may then claim what the server saw unless the server's host is still captured, and
// whatever is said instead must agree with what the lab's truth says the server saw.

import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rowFromReport } from '../../src/app/batch/summary.js';
import { makeStyle } from '../../src/report/terminal.js';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { addressOf } from '../../src/match/endpoint-text.js';
import { parseIpAddress, parsePrefix, prefixContains, sameAddress } from '../../src/net/address.js';
import { SAMPLES, findFlow, labScenarios, readTruth } from './truth.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-server-view-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CAPTURE = /^capture\.pcap(ng)?(\.gz)?$/;

function hostFolders(caseDir: string): string[] {
  return readdirSync(caseDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Bridges with ports on a host (`master NAME` in its ip-link.txt): cni0 of pods, docker0 of containers. */
function bridgesWithPorts(hostDir: string): Set<string> {
  let text = '';
  try {
    text = readFileSync(join(hostDir, 'ip-link.txt'), 'utf8');
  } catch {
    return new Set();
  }
  return new Set([...text.matchAll(/^\d+: \S+ .* master (\S+)/gm)].map((m) => m[1]!));
}

/**
 * The hosts of the case that hold the server: it owns the address (`inet A/len` in its
 * ip-addr.txt), or the address is in the subnet of a bridge with ports (`cni0`, `docker0`: a pod
 * or container on it). Read from the dumps by this test on its own, not by natpath's host model.
 */
function serverHosts(caseDir: string, server: string): string[] {
  const address = parseIpAddress(server)!;
  const holders: string[] = [];
  for (const host of hostFolders(caseDir)) {
    let text: string;
    try {
      text = readFileSync(join(caseDir, host, 'ip-addr.txt'), 'utf8');
    } catch {
      continue;
    }
    const bridges = bridgesWithPorts(join(caseDir, host));
    let itf = '';
    for (const line of text.split('\n')) {
      const header = /^\d+: ([^:@\s]+)/.exec(line);
      if (header !== null) itf = header[1]!;
      const inet = /^\s+inet6? (\S+)/.exec(line);
      const prefix = inet === null ? null : parsePrefix(inet[1]!);
      if (prefix === null) continue;
      const own = sameAddress(prefix.address, address);
      const podSubnet = bridges.has(itf) && !/scope link/.test(line) && prefixContains(prefix, address);
      if (own || podSubnet) holders.push(host);
    }
  }
  return [...new Set(holders)];
}

const scenarios = labScenarios();
const cases = scenarios.flatMap((scenario) => hostFolders(join(SAMPLES, scenario)).map((host) => [scenario, host] as const));

describe.runIf(cases.length > 0)('no answer claims what the server saw without a capture at the server', () => {
  it.each(cases)('%s without the captures of %s', async (scenario, dropped) => {
    const dir = join(scratch, `${scenario}-${dropped}`);
    cpSync(join(SAMPLES, scenario), dir, { recursive: true });
    for (const file of readdirSync(join(dir, dropped))) if (CAPTURE.test(file)) rmSync(join(dir, dropped, file));
    const captured = hostFolders(dir).filter((h) => readdirSync(join(dir, h)).some((f) => CAPTURE.test(f)));
    const report = await runAnalyze({ paths: [dir], hosts: [] });

    for (const a of report.answers) {
      const holders = serverHosts(dir, addressOf(a.server));
      if (a.flows === 0) {
        // A line of flows left out (ambiguous, or client unknown) claims nothing.
        expect(a.seenAtServer).toBe(false);
        expect(a.sources).toEqual([]);
        expect(a.ambiguous ?? a.orientationGuessed).not.toBeNull();
      } else if (a.seenAtServer) {
        expect(holders.some((h) => captured.includes(h)), `${a.proto} ${a.server} claimed seen at the server; its hosts ${holders.join(', ') || 'none'} captured: ${captured.join(', ')}`).toBe(true);
        expect(a.lastSeen).toEqual([]);
        expect(a.translatedBeyond).toBeNull();
      } else {
        expect(a.lastSeen.length).toBeGreaterThan(0);
        expect(a.translatedBeyond).not.toBeNull();
        expect(a.translatedBeyondReason).toContain(a.lastSeen.find((s) => s.translatedBeyond === a.translatedBeyond)!.capturePoint);
      }
    }
    for (const f of report.flows) {
      const holders = serverHosts(dir, addressOf((f.seenByServer ?? f.lastSeen).dst));
      if (f.seenByServer !== null) expect(holders.some((h) => captured.includes(h)), `flow ${f.id} ${f.client} → ${f.server}`).toBe(true);
      else expect(f.translatedBeyondReason).toContain(f.lastCapturePoint);
    }
    // What is said instead agrees with the truth: a source "certainly translated beyond" is not what
    // the server saw; a flow seen at the server shows exactly what it saw.
    for (const t of readTruth(scenario).flows) {
      const f = findFlow(report, t);
      if (f === undefined) continue;
      if (f.seenByServer !== null) expect(addressOf(f.seenByServer.src), `${f.client} → ${f.server}`).toBe(t.serverSees.address);
      if (f.translatedBeyond === 'certain') expect(addressOf(f.lastSeen.src)).not.toBe(t.serverSees.address);
    }
  });
});

// Only the node captured behind a NAT gateway: recorded so by the lab (pod-egress-node-only, the
// gateway's and partner's captures read back for its truth only), and cut from pod-egress-natgw.
const nodeOnly = [
  ...(scenarios.includes('pod-egress-node-only') ? [['pod-egress-node-only', join(SAMPLES, 'pod-egress-node-only')] as const] : []),
  ...(scenarios.includes('pod-egress-natgw') ? [['pod-egress-natgw/node1', join(SAMPLES, 'pod-egress-natgw', 'node1')] as const] : []),
];

describe.runIf(nodeOnly.length > 0).each(nodeOnly)('only the node captured behind a NAT gateway (%s)', (_name, path) => {
  it('says where the flow was last seen, that it is private toward a public server, and that it is translated again', async () => {
    const report = await runAnalyze({ paths: [path], hosts: [] });
    expect(report.answers.length).toBe(2);
    for (const a of report.answers) {
      expect(a.seenAtServer).toBe(false);
      expect(a.translatedBeyond).toBe('certain');
      expect(a.lastSeen).toEqual([{ capturePoint: 'node1:eth0', src: '10.0.0.11', flows: a.flows, translatedBeyond: 'certain', reason: a.translatedBeyondReason }]);
      expect(a.translatedBeyondReason).toBe(
        'left node1:eth0 as 10.0.0.11 — a private address (RFC 1918); 198.51.100.10 is public, so it is translated again beyond the captured hosts; capture at the gateway or the server to learn the address it sees',
      );
    }
    for (const f of report.flows) {
      expect(f.seenByServer).toBeNull();
      expect(f.translatedBeyond).toBe('certain');
    }
  });
});

describe.runIf(nodeOnly.length > 0).each(nodeOnly)('every format says the same about a flow not seen at the server (%s)', (_name, path) => {
  it('table, Markdown, CSV, HTML, JSON and the batch summary carry the reason, and none says "sees 10.0.0.11"', async () => {
    const report = await runAnalyze({ paths: [path], hosts: [] });
    const reason = report.answers[0]!.translatedBeyondReason!;
    const ctx = { style: makeStyle(false), width: 200 };
    const outputs = {
      table: ANALYZE_FORMATS.table(report, ctx),
      markdown: ANALYZE_FORMATS.markdown(report),
      html: ANALYZE_FORMATS.html(report),
      json: ANALYZE_FORMATS.json(report),
    };
    for (const [format, text] of Object.entries(outputs)) {
      // The terminal text wraps long sentences under their start: read it as one line.
      expect(format === 'table' ? text.replace(/\n +/g, ' ') : text, format).toContain(reason);
      expect(text, format).not.toMatch(/sees 10\.0\.0\.11/);
    }
    const csv = ANALYZE_FORMATS.csv(report).trim().split('\n');
    expect(csv[0]).toMatch(/,seen_at_server,translated_beyond,translated_beyond_reason,untranslated_rule,untranslated_reason,ambiguous_candidates,ambiguous_reason,orientation,orientation_guessed$/);
    for (const row of csv.slice(1)) expect(row).toMatch(/,false,certain,"?left node1:eth0 as 10\.0\.0\.11/);
    const row = rowFromReport(report);
    expect(row.egress).toEqual([]);
    expect(row.notSeenAtServer).toEqual(['10.0.0.11 at node1:eth0 (translated beyond: certain)']);
    expect(row.answers).toContain('tcp 198.51.100.10:80 not captured at the server: last seen as 10.0.0.11 at node1:eth0 (translated beyond: certain)');
  });
});

describe.runIf(scenarios.includes('pod-egress-node-only'))('pod-egress-node-only against what the partner really saw', () => {
  it('names the last point the case holds, as the lab read it back, and never the address only the partner saw', async () => {
    const report = await runAnalyze({ paths: [join(SAMPLES, 'pod-egress-node-only')], hosts: [] });
    const truth = readTruth('pod-egress-node-only');
    expect(Object.keys(truth.hosts)).toEqual(['node1']);
    expect(Object.keys(truth.hostsNotInCase).sort()).toEqual(['natgw', 'partner']);
    expect(truth.partnerSees).toEqual(['203.0.113.7']);
    for (const t of truth.flows) {
      const f = findFlow(report, t)!;
      expect(f.seenByServer).toBeNull();
      expect(f.lastCapturePoint).toBe(t.lastInCase!.point);
      expect(f.lastSeen.src).toBe(`${t.lastInCase!.src.address}:${t.lastInCase!.src.port}`);
      // What the partner saw is not in the case: a "certain" translation beyond, never a guess at it.
      expect(f.translatedBeyond).toBe('certain');
      expect(t.serverSees.address).not.toBe(t.lastInCase!.src.address);
    }
    const ctx = { style: makeStyle(false), width: 200 };
    for (const format of ['table', 'markdown', 'csv', 'html', 'json'] as const) {
      expect(ANALYZE_FORMATS[format](report, ctx), format).not.toContain('203.0.113.7');
    }
  });
});
