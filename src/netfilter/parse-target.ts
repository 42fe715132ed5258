// Reads `-j NAME options…` into a typed target. A name that is not a known target is taken as a
// jump to a user chain; the table reader later turns jumps to undeclared chains into `unknown`
// targets (an extension natpath does not know looks exactly like that).

import { parsePrefix, parseIpAddress, type Family } from '../net/address.js';
import type { NatFlags, NatRange, Target } from './model.js';
import type { RuleProblem } from './rule-problem.js';
import { parseMarkValue, parseNatRange, parsePortRange, parseUint32 } from './parse-values.js';

/** Targets that never decide the packet's fate (the walk goes on with the next rule). */
const CONTINUE_TARGETS = new Set([
  'LOG', 'NFLOG', 'ULOG', 'TRACE', 'TCPMSS', 'CHECKSUM', 'DSCP', 'TOS', 'TTL', 'HL', 'CLASSIFY', 'AUDIT', 'SET',
  'CONNSECMARK', 'SECMARK', 'IDLETIMER', 'LED', 'RATEEST', 'TEE', 'TCPOPTSTRIP', 'ECN', 'NFLOG',
]);

/** Targets natpath knows by name but cannot evaluate (their verdict depends on something outside the dumps). */
const OPAQUE_TARGETS = new Set(['NFQUEUE', 'QUEUE', 'SYNPROXY', 'CLUSTERIP', 'HMARK', 'JOURNAL']);

interface TargetOption {
  name: string;
  args: string[];
}

export function parseTarget(name: string, words: readonly string[], family: Family): { target: Target; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const options = groupOptions(words);
  const bad = (why: string): { target: Target; problems: RuleProblem[] } => {
    problems.push({ code: 'iptables.bad-target', severity: 'error', message: `-j ${name} ${words.join(' ')}: ${why}` });
    return { target: { kind: 'unknown', name, options: [...words] }, problems };
  };
  const opt = (...names: string[]): TargetOption | undefined => options.find((o) => names.includes(o.name));
  const flag = (n: string): boolean => options.some((o) => o.name === n);
  const natFlags = (): NatFlags => ({ random: flag('--random'), randomFully: flag('--random-fully'), persistent: flag('--persistent') });

  switch (name) {
    case 'ACCEPT': case 'DROP': case 'RETURN':
      return { target: { kind: name }, problems };
    case 'REJECT':
      return { target: { kind: 'REJECT', rejectWith: opt('--reject-with')?.args[0] ?? null }, problems };
    case 'MARK': {
      const o = opt('--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark');
      if (o === undefined) return bad('no --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark');
      const m = normaliseMark(o);
      if (m === null) return bad(`${o.name} ${o.args.join(' ')} is not a mark value`);
      return { target: { kind: 'MARK', value: m.value, mask: m.mask }, problems };
    }
    case 'CONNMARK': {
      const masks = (): { nfmask: number; ctmask: number } | null => {
        const nf = opt('--nfmask')?.args[0];
        const ct = opt('--ctmask')?.args[0];
        const mask = opt('--mask')?.args[0];
        const nfmask = parseUint32(nf ?? mask ?? '0xffffffff');
        const ctmask = parseUint32(ct ?? mask ?? '0xffffffff');
        return nfmask === null || ctmask === null ? null : { nfmask, ctmask };
      };
      if (flag('--save-mark')) {
        const m = masks();
        return m === null ? bad('bad --nfmask/--ctmask') : { target: { kind: 'CONNMARK-save', ...m }, problems };
      }
      if (flag('--restore-mark')) {
        const m = masks();
        return m === null ? bad('bad --nfmask/--ctmask') : { target: { kind: 'CONNMARK-restore', ...m }, problems };
      }
      const o = opt('--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark');
      if (o === undefined) return bad('no --save-mark, --restore-mark or --set-xmark');
      const m = normaliseMark(o);
      if (m === null) return bad(`${o.name} ${o.args.join(' ')} is not a mark value`);
      return { target: { kind: 'CONNMARK-set', value: m.value, mask: m.mask }, problems };
    }
    case 'SNAT': case 'DNAT': {
      const ranges: NatRange[] = [];
      for (const o of options) {
        if (o.name !== '--to-source' && o.name !== '--to-destination') continue;
        const r = parseNatRange(o.args[0] ?? '', family);
        if (r === null) return bad(`${o.name} ${o.args[0] ?? ''} is not an address[-address][:port[-port]]`);
        ranges.push(r);
      }
      if (ranges.length === 0 && name === 'SNAT') return bad('no --to-source');
      return { target: { kind: name, ranges, flags: natFlags() }, problems };
    }
    case 'MASQUERADE': case 'REDIRECT': {
      const to = opt('--to-ports', '--to-port')?.args[0];
      const ports = to === undefined ? null : parsePortRange(to, true);
      if (to !== undefined && ports === null) return bad(`--to-ports ${to} is not a port or port range`);
      return { target: { kind: name, ports, flags: natFlags() }, problems };
    }
    case 'NETMAP': {
      const to = opt('--to')?.args[0] ?? '';
      const prefix = parsePrefix(to);
      if (prefix === null || prefix.address.family !== family) return bad(`--to ${to} is not a prefix`);
      return { target: { kind: 'NETMAP', prefix }, problems };
    }
    case 'NOTRACK':
      return { target: { kind: 'NOTRACK' }, problems };
    case 'CT':
      return { target: { kind: 'CT', notrack: flag('--notrack'), options: [...words] }, problems };
    case 'TPROXY': {
      const portText = opt('--on-port')?.args[0];
      const ipText = opt('--on-ip')?.args[0];
      const markText = opt('--tproxy-mark')?.args[0];
      const port = portText === undefined ? null : Number(portText);
      const address = ipText === undefined ? null : parseIpAddress(ipText);
      const mark = markText === undefined ? null : parseMarkValue(markText);
      return { target: { kind: 'TPROXY', port, address, mark }, problems };
    }
    default:
      break;
  }
  if (CONTINUE_TARGETS.has(name)) return { target: { kind: 'continue', name, options: [...words] }, problems };
  if (OPAQUE_TARGETS.has(name)) {
    problems.push({
      code: 'iptables.unknown-target',
      severity: 'warning',
      message: `target ${name} cannot be evaluated offline; rules using it evaluate as unknown`,
      foldKey: `target:${name}`,
    });
    return { target: { kind: 'unknown', name, options: [...words] }, problems };
  }
  if (words.length > 0) {
    // A user chain takes no options: this is an extension target natpath does not know.
    problems.push({
      code: 'iptables.unknown-target',
      severity: 'warning',
      message: `target ${name} is not known to natpath; rules using it evaluate as unknown`,
      foldKey: `target:${name}`,
    });
    return { target: { kind: 'unknown', name, options: [...words] }, problems };
  }
  return { target: { kind: 'jump', chain: name }, problems };
}

function groupOptions(words: readonly string[]): TargetOption[] {
  const out: TargetOption[] = [];
  for (const w of words) {
    if (w.startsWith('--')) out.push({ name: w, args: [] });
    else if (out.length > 0) out.at(-1)!.args.push(w);
  }
  return out;
}

/** All MARK forms as the kernel's xmark (`mark = (mark & ~mask) ^ value`), as iptables itself stores them. */
function normaliseMark(o: TargetOption): { value: number; mask: number } | null {
  const text = o.args[0] ?? '';
  if (o.name === '--set-xmark' || o.name === '--set-mark') {
    const m = parseMarkValue(text);
    if (m === null) return null;
    // --set-mark v/m clears m then ORs v, which is xmark v/(m|v).
    return o.name === '--set-xmark' ? m : { value: m.value, mask: (m.mask | m.value) >>> 0 };
  }
  const bits = parseUint32(text);
  if (bits === null) return null;
  if (o.name === '--and-mark') return { value: 0, mask: ~bits >>> 0 };
  if (o.name === '--or-mark') return { value: bits, mask: bits };
  return { value: bits, mask: 0 }; // --xor-mark
}
