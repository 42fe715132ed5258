// Reads `ipset save` (also `ipset restore` input, with the 4.x `-N`/`-A` forms) and `ipset list`
// output into one model. The two formats print the same facts: a set's name, type and header
// options, then its members with their flags (`timeout N`, `nomatch`, `packets N bytes N`,
// `comment "…"`, `skbmark …`). A line that cannot be read is an error at its line and skipped;
// the rest of the dump is kept.

import type { ParseResult } from '../text/diagnostic.js';
import { splitLines, type TextLine } from '../text/line-cursor.js';
import { ProblemCollector } from '../text/problem-collector.js';
import { OLD_TYPE_NAMES, SET_DIMENSIONS, type IpSet, type IpsetDump, type IpsetEntry } from './model.js';
import { parseElement, parseNumber } from './parse-element.js';

export function parseIpset(text: string, file: string): ParseResult<IpsetDump> {
  const lines = splitLines(text);
  const first = lines.find((l) => l.text.trim() !== '' && !l.text.startsWith('#'));
  return first !== undefined && /^Name:\s/.test(first.text) ? parseIpsetList(lines, file) : parseIpsetSave(lines, file);
}

/** Words split on blanks, with `"…"` (comments) kept as one word without the quotes. */
function splitWords(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

function newDump(format: IpsetDump['format']): IpsetDump {
  return { format, sets: [], setsByName: new Map() };
}

function addSet(dump: IpsetDump, set: IpSet): void {
  dump.sets.push(set);
  dump.setsByName.set(set.name, set);
}

function removeSet(dump: IpsetDump, name: string): void {
  dump.sets = dump.sets.filter((s) => s.name !== name);
  dump.setsByName.delete(name);
}

/** A set from its name, type word and header words; a string says why it cannot be read. */
function makeSet(name: string, typeWritten: string, header: string[], file: string, line: number, issues: ProblemCollector<'ipset'>): IpSet | string {
  const type = OLD_TYPE_NAMES[typeWritten] ?? typeWritten;
  const dimensions = SET_DIMENSIONS[type];
  if (dimensions === undefined) return `set type "${typeWritten}" is not known to natpath`;
  const set: IpSet = {
    name, type, typeWritten, dimensions, family: null, netmask: null, markmask: 0xffffffff, timeoutSeconds: null,
    range: null, entries: [], declaredEntries: null, header: header.join(' '), source: { file, line },
  };
  const hasAddress = dimensions.some((d) => d === 'ip' || d === 'net');
  if (hasAddress && type !== 'bitmap:ip' && type !== 'bitmap:ip,mac') set.family = 'ipv4';
  if (type === 'bitmap:ip' || type === 'bitmap:ip,mac') set.family = 'ipv4';
  for (let i = 0; i < header.length; i++) {
    const word = header[i]!.replace(/^--?/, '');
    const value = header[i + 1];
    switch (word) {
      case 'family':
        if (value === 'inet' || value === 'inet6') set.family = value === 'inet' ? 'ipv4' : 'ipv6';
        else return `family "${value ?? ''}" is neither inet nor inet6`;
        i++;
        break;
      case 'timeout': case 'netmask': case 'markmask': {
        const n = value === undefined ? null : parseNumber(value);
        i++;
        if (n === null) {
          // A set whose default timeout is unreadable still matches by its entries.
          if (word !== 'timeout') return `${word} needs a number, found "${value ?? ''}"`;
          issues.warn(line, 'ipset.bad-timeout', `set ${name}: timeout "${value ?? ''}" is not a number of seconds`);
          break;
        }
        if (word === 'timeout') set.timeoutSeconds = n;
        else if (word === 'netmask') set.netmask = n;
        else set.markmask = n >>> 0;
        break;
      }
      case 'range': {
        const r = value === undefined ? null : parseRange(value, type);
        if (r === null) return `range "${value ?? ''}" cannot be read`;
        set.range = r;
        i++;
        break;
      }
      // Sizing, hashing and extension switches do not change what matches.
      case 'hashsize': case 'maxelem': case 'bucketsize': case 'initval': case 'size': case 'probes': case 'resize':
        i++;
        break;
      default:
        break;
    }
  }
  return set;
}

/** `range 0-65535` (bitmap:port), `range 10.0.0.0-10.0.255.255` or `range 10.0.0.0/16` (bitmap:ip). */
function parseRange(text: string, type: string): { from: number; to: number } | null {
  if (type === 'bitmap:port') {
    const m = /^(\d{1,5})-(\d{1,5})$/.exec(text);
    return m === null ? null : { from: Number(m[1]), to: Number(m[2]) };
  }
  const parsed = parseElement(text, ['net'], { family: 'ipv4', netmask: null, macOptional: false });
  if ('error' in parsed) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const [part] of parsed.parts) {
    if (part?.kind !== 'address' || part.prefix.address.family !== 'ipv4') return null;
    const size = 2 ** (32 - part.prefix.length);
    const start = part.prefix.address.value - (part.prefix.address.value % size);
    from = Math.min(from, start);
    to = Math.max(to, start + size - 1);
  }
  return { from, to };
}

/**
 * Reads a member's words (element, then options) into entries. A string says why it cannot be
 * read; an empty array never happens (a range yields one entry per CIDR block).
 */
function readMember(set: IpSet, words: string[], file: string, line: number, text: string, issues: ProblemCollector<'ipset'>): IpsetEntry[] | string {
  const element = words[0];
  if (element === undefined) return 'an element is missing';
  let nomatch = false;
  let timed = false;
  let timeoutSeconds: number | null = null;
  let comment: string | null = null;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    switch (w) {
      case 'nomatch': nomatch = true; break;
      case 'timeout': {
        const n = parseNumber(words[i + 1] ?? '');
        // `timeout 0` makes an entry permanent in a set with a default timeout.
        timed = n !== 0;
        timeoutSeconds = n === 0 ? null : n;
        if (n === null) issues.fold('timeout', 'ipset.bad-timeout', `timeout "${words[i + 1] ?? ''}" is not a number of seconds: the entry is kept as timed, time left unknown`, line);
        i++;
        break;
      }
      case 'comment': comment = words[i + 1] ?? ''; i++; break;
      // Counters, skb info and list:set positions do not change what matches.
      case 'packets': case 'bytes': case 'skbmark': case 'skbprio': case 'skbqueue': case 'before': case 'after': i++; break;
      default: return `"${w}" is not an element option ipset prints`;
    }
  }
  const parsed = parseElement(element, set.dimensions, { family: set.family, netmask: set.netmask, macOptional: set.type === 'bitmap:ip,mac' });
  if ('error' in parsed) return parsed.error;
  return parsed.parts.map((parts) => ({ parts, nomatch, timed, timeoutSeconds, comment, text: text.trim(), source: { file, line } }));
}

const SAVE_VERBS: Record<string, string> = {
  create: 'create', n: 'create', '-N': 'create', '--create': 'create',
  add: 'add', a: 'add', '-A': 'add', '--add': 'add',
  del: 'del', '-D': 'del', '--del': 'del',
  flush: 'flush', '-F': 'flush', '--flush': 'flush',
  destroy: 'destroy', x: 'destroy', '-X': 'destroy', '--destroy': 'destroy',
  swap: 'swap', '-W': 'swap', '--swap': 'swap',
  rename: 'rename', e: 'rename', '-E': 'rename', '--rename': 'rename',
};

function parseIpsetSave(lines: TextLine[], file: string): ParseResult<IpsetDump> {
  const issues = new ProblemCollector(file, 'ipset');
  const dump = newDump('save');
  for (const line of lines) {
    const trimmed = line.text.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed === 'COMMIT') continue;
    const words = splitWords(trimmed);
    // `-exist`/`-!` (ignore errors) may precede the command in restore files.
    while (words[0] === '-exist' || words[0] === '-!') words.shift();
    const verb = SAVE_VERBS[words[0] ?? ''];
    const name = words[1];
    // Only `flush` and `destroy` may go without a set name (they then mean every set).
    if (verb === undefined || (name === undefined && verb !== 'flush' && verb !== 'destroy')) {
      issues.skip(line.number, 'ipset.bad-line', `expected an ipset command (create, add, …), found "${clip(trimmed)}"`);
      continue;
    }
    const set = name === undefined ? undefined : dump.setsByName.get(name);
    if (name === undefined) {
      // `flush` / `destroy` of every set.
      if (verb === 'flush') for (const s of dump.sets) s.entries = [];
      else for (const s of [...dump.sets]) removeSet(dump, s.name);
      continue;
    }
    switch (verb) {
      case 'create': {
        const made = makeSet(name, words[2] ?? '', words.slice(3), file, line.number, issues);
        if (typeof made === 'string') issues.skip(line.number, 'ipset.bad-set', `set ${name}: ${made}`);
        else {
          if (set !== undefined) {
            issues.warn(line.number, 'ipset.duplicate-set', `set ${name} is created again (first at line ${set.source.line}); the new one is kept`);
            removeSet(dump, name);
          }
          addSet(dump, made);
        }
        break;
      }
      case 'add': case 'del': {
        if (set === undefined) {
          issues.skip(line.number, 'ipset.unknown-set', `"${verb} ${name}": no set ${name} was created before this line`);
          break;
        }
        const entries = readMember(set, words.slice(2), file, line.number, words.slice(2).join(' '), issues);
        if (typeof entries === 'string') issues.skip(line.number, 'ipset.bad-element', `set ${name} (${set.type}): ${entries}`);
        else if (verb === 'add') for (const e of entries) set.entries.push(e);
        else {
          const gone = new Set(entries.map((e) => partsKey(e)));
          set.entries = set.entries.filter((e) => !gone.has(partsKey(e)));
        }
        break;
      }
      case 'flush':
        if (set !== undefined) set.entries = [];
        break;
      case 'destroy':
        removeSet(dump, name);
        break;
      case 'swap': case 'rename': {
        const other = words[2];
        if (set === undefined || other === undefined) {
          issues.skip(line.number, 'ipset.unknown-set', `"${trimmed}": set ${name} does not exist at this line`);
          break;
        }
        if (verb === 'rename') {
          removeSet(dump, name);
          addSet(dump, { ...set, name: other });
        } else {
          const b = dump.setsByName.get(other);
          if (b === undefined) {
            issues.skip(line.number, 'ipset.unknown-set', `"${trimmed}": set ${other} does not exist at this line`);
            break;
          }
          removeSet(dump, name);
          removeSet(dump, other);
          addSet(dump, { ...b, name });
          addSet(dump, { ...set, name: other });
        }
        break;
      }
    }
  }
  return { value: dump, issues: issues.finish() };
}

function partsKey(e: IpsetEntry): string {
  return JSON.stringify(e.parts, (_k, v: unknown) => (v instanceof Uint32Array ? Array.from(v) : v));
}

function parseIpsetList(lines: TextLine[], file: string): ParseResult<IpsetDump> {
  const issues = new ProblemCollector(file, 'ipset');
  const dump = newDump('list');
  let name: string | null = null;
  let nameLine = 0;
  let typeWord: string | null = null;
  let header: string[] = [];
  let declared: number | null = null;
  let set: IpSet | null = null;
  let inMembers = false;
  const finishSet = () => {
    if (set !== null && set.declaredEntries !== null && set.declaredEntries !== set.entries.length) {
      issues.warn(set.source.line, 'ipset.count-mismatch',
        `set ${set.name}: "Number of entries: ${set.declaredEntries}" but ${set.entries.length} were read (the listing is probably cut)`);
    }
    set = null;
  };
  const openSet = (line: number) => {
    if (name === null || typeWord === null) return;
    const made = makeSet(name, typeWord, header, file, nameLine, issues);
    if (typeof made === 'string') {
      issues.skip(line, 'ipset.bad-set', `set ${name}: ${made}`);
      name = null;
      return;
    }
    made.declaredEntries = declared;
    if (dump.setsByName.has(made.name)) issues.warn(nameLine, 'ipset.duplicate-set', `set ${made.name} is listed twice; the later listing is kept`);
    removeSet(dump, made.name);
    addSet(dump, made);
    set = made;
  };
  for (const line of lines) {
    const text = line.text;
    const trimmed = text.trim();
    if (trimmed === '') continue;
    const field = /^(Name|Type|Revision|Header|Size in memory|References|Number of entries|Members):\s*(.*)$/.exec(trimmed);
    if (field !== null) {
      const [, key, value] = field as unknown as [string, string, string];
      switch (key) {
        case 'Name':
          finishSet();
          inMembers = false;
          name = value;
          nameLine = line.number;
          typeWord = null;
          header = [];
          declared = null;
          break;
        case 'Type': typeWord = value; break;
        case 'Header': header = splitWords(value); break;
        case 'Number of entries': declared = /^\d+$/.test(value) ? Number(value) : null; break;
        case 'Members':
          if (name === null || typeWord === null) {
            issues.skip(line.number, 'ipset.bad-line', '"Members:" without a "Name:" and "Type:" before it');
            break;
          }
          openSet(line.number);
          inMembers = set !== null;
          break;
        default: break;
      }
      continue;
    }
    if (!inMembers || set === null) {
      if (name === null || typeWord === null || set !== null) {
        issues.skip(line.number, 'ipset.bad-line', `expected "Name:", "Type:", "Header:" or a member, found "${clip(trimmed)}"`);
      }
      continue;
    }
    const current: IpSet = set;
    const entries = readMember(current, splitWords(trimmed), file, line.number, trimmed, issues);
    if (typeof entries === 'string') issues.skip(line.number, 'ipset.bad-element', `set ${current.name} (${current.type}): ${entries}`);
    else for (const e of entries) current.entries.push(e);
  }
  finishSet();
  return { value: dump, issues: issues.finish() };
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
