// Reads `ip [-4|-6] route show table all` (text) and `ip -j route …` (JSON) into routes.
// Text: `[TYPE] DEST [key value | flag]…`, multipath continued on lines starting with `nexthop`.
// `default` and JSON objects do not say their family: the destination, gateway, `src` or
// IPv6-only words (`pref`) decide, else the family most of the file's routes have.

import { parseIpAddress, parsePrefix, type Family, type IpAddress, type IpPrefix } from '../net/address.js';
import type { ParseResult } from '../text/diagnostic.js';
import { splitLines } from '../text/line-cursor.js';
import type { Nexthop, Route, RouteTable, RouteType } from './model.js';
import { ProblemCollector } from '../text/problem-collector.js';
import type { JsonReaderPrefix } from '../text/problem-codes.js';

const ROUTE_TYPES = new Set<RouteType>([
  'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat',
]);

/** Keywords followed by one value. */
const VALUE_KEYS = new Set([
  'dev', 'src', 'proto', 'protocol', 'scope', 'metric', 'preference', 'table', 'tos', 'dsfield', 'mtu', 'advmss', 'pref',
  'expires', 'error', 'hoplimit', 'realms', 'realm', 'weight', 'nhid', 'rtt', 'rttvar', 'window', 'cwnd', 'initcwnd',
  'initrwnd', 'quickack', 'features', 'congctl', 'ssthresh', 'reordering', 'from', 'fastopen_no_cookie', 'ttl-propagate',
  'rto_min', 'vrf', 'age', 'users', 'used',
]);
/** Words that stand alone. */
const FLAG_WORDS = new Set(['onlink', 'linkdown', 'dead', 'pervasive', 'offload', 'trap', 'rt_offload', 'rt_trap', 'notify', 'cache', 'lock', 'unresolved', 'cloned']);

export interface RouteParseOptions {
  /** The family of `default` routes whose line does not tell (e.g. the file came from `ip -6 route`). */
  family?: Family;
}

export function parseIpRoute(text: string, file: string, options: RouteParseOptions = {}): ParseResult<RouteTable> {
  const issues = new ProblemCollector(file, 'route');
  const lines = splitLines(text);
  const fallback = options.family ?? majorityFamily(text);
  const routes: Route[] = [];
  let last: Route | null = null;
  for (const line of lines) {
    const trimmed = line.text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const words = trimmed.split(/\s+/);
    if (words[0] === 'nexthop') {
      if (last === null) {
        issues.skip(line.number, 'route.orphan-nexthop', 'a "nexthop" line with no route before it');
        continue;
      }
      readNexthops(words, last, issues, line.number);
      continue;
    }
    const route = readRouteWords(words, fallback, issues, { file, line: line.number });
    if (route !== null) routes.push(route);
    last = route;
  }
  return { value: { routes }, issues: issues.finish() };
}

function readRouteWords(words: string[], fallback: Family, issues: ProblemCollector<'route'>, source: { file: string; line: number }): Route | null {
  let i = 0;
  let type: RouteType = 'unicast';
  if (ROUTE_TYPES.has(words[0] as RouteType)) {
    type = words[0] as RouteType;
    i = 1;
  }
  const destText = words[i];
  if (destText === undefined) {
    issues.skip(source.line, 'route.bad-line', `route type "${type}" with no destination`);
    return null;
  }
  const dest = destText === 'default' ? 'default' : parsePrefix(destText);
  if (dest === null) {
    issues.skip(source.line, 'route.bad-line', `expected a destination (prefix, address or "default"), found "${clip(words.join(' '))}"`);
    return null;
  }
  i++;
  const route: Route = {
    family: dest === 'default' ? fallback : dest.address.family,
    type,
    destination: dest === 'default' ? defaultPrefix(fallback) : dest,
    table: type === 'local' || type === 'broadcast' || type === 'anycast' ? 'local' : 'main',
    nexthops: [],
    src: null,
    protocol: null,
    scope: null,
    metric: 0,
    tos: null,
    flags: [],
    source,
  };
  let hop: Nexthop | null = null;
  const ensureHop = (): Nexthop => {
    if (hop === null) {
      hop = { via: null, dev: null, weight: 1, flags: [] };
      route.nexthops.push(hop);
    }
    return hop;
  };
  let familyKnown = dest !== 'default';
  while (i < words.length) {
    const w = words[i]!;
    i++;
    if (w === 'nexthop') {
      i = readNexthops(words.slice(i - 1), route, issues, source.line) + i - 1;
      break;
    }
    if (w === 'via') {
      if (words[i] === 'inet' || words[i] === 'inet6') i++;
      const addr = parseIpAddress(words[i] ?? '');
      if (addr === null) issues.warn(source.line, 'route.bad-value', `via "${words[i] ?? ''}" is not an address`);
      else ensureHop().via = addr;
      if (addr !== null && !familyKnown && words[i - 1] !== 'inet' && words[i - 1] !== 'inet6') {
        route.family = addr.family;
        familyKnown = true;
      }
      i++;
      continue;
    }
    if (VALUE_KEYS.has(w)) {
      const v = words[i];
      i++;
      if (v === undefined) {
        issues.warn(source.line, 'route.bad-value', `"${w}" at the end of the line has no value`);
        break;
      }
      switch (w) {
        case 'dev': ensureHop().dev = v; break;
        case 'src': {
          const a = parseIpAddress(v);
          if (a === null) issues.warn(source.line, 'route.bad-value', `src "${v}" is not an address`);
          route.src = a;
          if (a !== null && !familyKnown) {
            route.family = a.family;
            familyKnown = true;
          }
          break;
        }
        case 'proto': case 'protocol': route.protocol = v; break;
        case 'scope': route.scope = v; break;
        case 'metric': case 'preference': route.metric = Number(v); break;
        case 'table': route.table = v; break;
        case 'tos': case 'dsfield': route.tos = v; break;
        case 'weight': ensureHop().weight = Number(v); break;
        case 'pref':
          if (!familyKnown) {
            route.family = 'ipv6';
            familyKnown = true;
          }
          route.flags.push(w, v);
          break;
        case 'mtu':
          if (v === 'lock') {
            route.flags.push('mtu', 'lock', words[i] ?? '');
            i++;
          } else route.flags.push(w, v);
          break;
        default:
          route.flags.push(w, v);
      }
      continue;
    }
    if (FLAG_WORDS.has(w)) {
      if (w === 'onlink' || w === 'linkdown' || w === 'dead') ensureHop().flags.push(w);
      route.flags.push(w);
      continue;
    }
    issues.fold(`route.unknown-word:${w}`, 'route.unknown-word', `word "${w}" in a route is not known to natpath; kept as a flag`, source.line);
    route.flags.push(w);
  }
  if (dest === 'default') route.destination = defaultPrefix(route.family);
  return route;
}

/** Reads `nexthop via A dev D weight W [flags] nexthop …` into `route.nexthops`; returns the words consumed. */
function readNexthops(words: string[], route: Route, issues: ProblemCollector<'route'>, line: number): number {
  let i = 0;
  let hop: Nexthop | null = null;
  while (i < words.length) {
    const w = words[i]!;
    i++;
    if (w === 'nexthop') {
      hop = { via: null, dev: null, weight: 1, flags: [] };
      route.nexthops.push(hop);
      continue;
    }
    if (hop === null) break;
    if (w === 'via') {
      if (words[i] === 'inet' || words[i] === 'inet6') i++;
      hop.via = parseIpAddress(words[i] ?? '');
      if (hop.via === null) issues.warn(line, 'route.bad-value', `nexthop via "${words[i] ?? ''}" is not an address`);
      i++;
    } else if (w === 'dev') hop.dev = words[i++] ?? null;
    else if (w === 'weight') hop.weight = Number(words[i++]);
    else hop.flags.push(w);
  }
  return i;
}

function defaultPrefix(family: Family): IpPrefix {
  const address: IpAddress = family === 'ipv4' ? { family: 'ipv4', value: 0 } : { family: 'ipv6', words: new Uint32Array(4) };
  return { address, length: 0 };
}

function majorityFamily(text: string): Family {
  let v4 = 0;
  let v6 = 0;
  for (const m of text.matchAll(/(?:^|\s)(\d+\.\d+\.\d+\.\d+|[0-9a-fA-F]*:[0-9a-fA-F:]+)(?:\/\d+)?(?=\s|$)/gm)) {
    if (m[1]!.includes(':')) v6++;
    else v4++;
  }
  return v6 > v4 ? 'ipv6' : 'ipv4';
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

interface JsonRoute {
  type?: string;
  dst?: string;
  gateway?: string;
  via?: { family?: string; host?: string };
  dev?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  table?: string;
  tos?: string;
  flags?: string[];
  pref?: string;
  nexthops?: Array<{ gateway?: string; via?: { host?: string }; dev?: string; weight?: number; flags?: string[] }>;
}

export function parseIpRouteJson(text: string, file: string, options: RouteParseOptions = {}): ParseResult<RouteTable> {
  const issues = new ProblemCollector(file, 'route');
  const parsed = parseJsonArray(text, file, issues);
  const routes: Route[] = [];
  const objects = parsed.filter((o): o is JsonRoute => typeof o === 'object' && o !== null);
  const fallback = options.family ?? majorityJsonFamily(objects);
  parsed.forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null || typeof (raw as JsonRoute).dst !== 'string') {
      issues.skipObject('route.bad-object', `object #${index + 1} has no "dst"`);
      return;
    }
    const o = raw as JsonRoute;
    const type = (o.type ?? 'unicast') as RouteType;
    const dest = o.dst === 'default' ? 'default' : parsePrefix(o.dst!);
    if (dest === null || !ROUTE_TYPES.has(type)) {
      issues.skipObject('route.bad-object', `object #${index + 1}: dst "${o.dst}" or type "${o.type}" not understood`);
      return;
    }
    const gw = o.gateway ?? o.via?.host;
    const gwAddr = gw === undefined ? null : parseIpAddress(gw);
    const src = o.prefsrc === undefined ? null : parseIpAddress(o.prefsrc);
    let family: Family = fallback;
    if (dest !== 'default') family = dest.address.family;
    else if (gwAddr !== null && o.via === undefined) family = gwAddr.family;
    else if (src !== null) family = src.family;
    else if (o.pref !== undefined) family = 'ipv6';
    const nexthops: Nexthop[] = [];
    if (o.nexthops !== undefined) {
      for (const h of o.nexthops) {
        const via = h.gateway ?? h.via?.host;
        nexthops.push({ via: via === undefined ? null : parseIpAddress(via), dev: h.dev ?? null, weight: h.weight ?? 1, flags: h.flags ?? [] });
      }
    } else if (gwAddr !== null || o.dev !== undefined) {
      nexthops.push({ via: gwAddr, dev: o.dev ?? null, weight: 1, flags: (o.flags ?? []).filter((f) => f === 'onlink' || f === 'linkdown' || f === 'dead') });
    }
    routes.push({
      family,
      type,
      destination: dest === 'default' ? defaultPrefix(family) : dest,
      table: o.table ?? (type === 'local' || type === 'broadcast' || type === 'anycast' ? 'local' : 'main'),
      nexthops,
      src,
      protocol: o.protocol ?? null,
      scope: o.scope ?? null,
      metric: o.metric ?? 0,
      tos: o.tos ?? null,
      flags: [...(o.flags ?? []), ...(o.pref !== undefined ? ['pref', o.pref] : [])],
      source: { file, index },
    });
  });
  return { value: { routes }, issues: issues.finish() };
}

function majorityJsonFamily(objects: JsonRoute[]): Family {
  let v6 = 0;
  for (const o of objects) if ((o.dst ?? '').includes(':') || (o.gateway ?? '').includes(':')) v6++;
  return v6 * 2 > objects.length ? 'ipv6' : 'ipv4';
}

/** Parses a top-level JSON array as iproute2 prints it; problems become diagnostics, never exceptions. */
export function parseJsonArray(text: string, file: string, issues: ProblemCollector<JsonReaderPrefix>): unknown[] {
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v)) return v;
    issues.error(1, `${issues.prefix}.bad-json`, 'expected a JSON array (iproute2 -j output), found another JSON value');
  } catch (err) {
    issues.error(1, `${issues.prefix}.bad-json`, `not valid JSON (${(err as Error).message}); is the file truncated?`);
    void file;
  }
  return [];
}
