// Reads `ipvsadm -Ln` (also `-L -n --persistent-conn`): a header, then service rows
// `PROTO ADDR:PORT SCHED [flags]` (`FWM N SCHED` for mark services) each followed by its
// real-server rows `  -> ADDR:PORT FORWARD WEIGHT ACTIVE INACTIVE`. IPv6 addresses are bracketed.

import { parseIpAddress, type IpAddress } from '../net/address.js';
import type { ParseResult } from '../text/diagnostic.js';
import { splitLines } from '../text/line-cursor.js';
import { ProblemCollector } from '../text/problem-collector.js';
import type { IpvsRealServer, IpvsService, IpvsTable } from './model.js';

const SERVICE = /^(TCP|UDP|SCTP)\s+(\S+)\s+(\S+)(.*)$/;
const FWM_SERVICE = /^FWM\s+(\d+)\s+(\S+)(.*)$/;
const REAL = /^->\s+(\S+)\s+(.*)$/;

export function parseIpvsadm(text: string, file: string): ParseResult<IpvsTable> {
  const issues = new ProblemCollector(file, 'ipvs');
  const services: IpvsService[] = [];
  let current: IpvsService | null = null;
  for (const line of splitLines(text)) {
    const trimmed = line.text.trim();
    if (trimmed === '' || /^IP Virtual Server version/.test(trimmed) || /^Prot LocalAddress:Port/.test(trimmed) || /^-> RemoteAddress:Port/.test(trimmed)) continue;
    const real = REAL.exec(trimmed);
    if (real !== null) {
      const server = readRealServer(real[1]!, real[2]!.trim().split(/\s+/), file, line.number);
      if (typeof server === 'string') issues.skip(line.number, 'ipvs.bad-line', server);
      else if (current === null) issues.skip(line.number, 'ipvs.bad-line', 'a real server before any virtual service');
      else current.realServers.push(server);
      continue;
    }
    const service = readService(trimmed, file, line.number);
    if (typeof service === 'string') {
      issues.skip(line.number, 'ipvs.bad-line', service);
      current = null;
      continue;
    }
    services.push(service);
    current = service;
  }
  return { value: { services }, issues: issues.finish() };
}

function readService(text: string, file: string, line: number): IpvsService | string {
  const fwm = FWM_SERVICE.exec(text);
  const m = fwm === null ? SERVICE.exec(text) : null;
  if (fwm === null && m === null) return `expected a virtual service ("TCP 10.96.0.1:443 rr") or a real server ("-> 10.0.0.2:6443 Masq 1 0 0"), found "${clip(text)}"`;
  const flagsText = (fwm !== null ? fwm[3] : m![4])!.trim();
  const flags = flagsText === '' ? [] : flagsText.split(/\s+/);
  let persistentSeconds: number | null = null;
  const p = flags.indexOf('persistent');
  if (p !== -1 && /^\d+$/.test(flags[p + 1] ?? '')) {
    persistentSeconds = Number(flags[p + 1]);
    flags.splice(p, 2);
  }
  const base = { scheduler: fwm !== null ? fwm[2]! : m![3]!, persistentSeconds, flags, realServers: [], source: { file, line } };
  if (fwm !== null) return { protocol: 'FWM', address: null, port: null, fwmark: Number(fwm[1]), ...base };
  const endpoint = readEndpoint(m![2]!);
  if (endpoint === null) return `"${m![2]}" is not ADDRESS:PORT`;
  return { protocol: m![1] as 'TCP' | 'UDP' | 'SCTP', address: endpoint.address, port: endpoint.port, fwmark: null, ...base };
}

function readRealServer(endpointText: string, columns: string[], file: string, line: number): IpvsRealServer | string {
  const endpoint = readEndpoint(endpointText);
  if (endpoint === null) return `"${endpointText}" is not ADDRESS:PORT`;
  // `--persistent-conn` listings drop the Forward column: Weight PersistConn ActiveConn InActConn.
  const forward = columns.length > 0 && /^[A-Za-z]+$/.test(columns[0]!) ? columns.shift()! : null;
  const numbers = columns.map((c) => (/^\d+$/.test(c) ? Number(c) : NaN));
  if (numbers.length < 3 || numbers.some((n) => Number.isNaN(n))) return `real server ${endpointText}: expected weight and connection counts, found "${columns.join(' ')}" (the row is probably cut)`;
  const [weight, active, inactive] = forward === null ? [numbers[0]!, numbers[2] ?? 0, numbers[3] ?? 0] : [numbers[0]!, numbers[1]!, numbers[2]!];
  return { address: endpoint.address, port: endpoint.port, forward, weight, activeConnections: active, inactiveConnections: inactive, source: { file, line } };
}

/** `10.96.0.1:443` or `[fd00::1]:443`. */
function readEndpoint(text: string): { address: IpAddress; port: number } | null {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:]+):(\d{1,5})$/.exec(text);
  if (m === null) return null;
  const address = parseIpAddress(m[1]!);
  const port = Number(m[2]);
  return address === null || port > 65535 ? null : { address, port };
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
