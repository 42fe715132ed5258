// A capture kept in a host folder (the case layout: docs/architecture.md) can be told about by
// that host's `ip link` / `ip addr` dump: the names of the kernel interface indexes a Linux
// cooked v2 capture records, the interface a capture file is named after (`eth0.pcap`, one file
// per interface), and which UDP ports the host's tunnels use (`ip -d link`).

import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseIpLink, parseIpLinkJson, type NetInterface } from '../route/index.js';
import { readTextFile } from './read-text.js';
import { recognizeFile } from './recognize-file.js';

/**
 * How far above the capture's own folder its host folder may be: a host folder is searched
 * MAX_HOST_DEPTH (4) levels deep by load-case.ts, so a capture is at most 3 folders below it.
 */
const MAX_LEVELS_UP = 3;
/** A folder with more entries than this is not a host folder (a host's files are a few dozen); it is not read. */
const MAX_FOLDER_ENTRIES = 64;
const MAX_DUMP_BYTES = 16 << 20;

export interface HostInterfaces {
  interfaces: NetInterface[];
  /** The dumps they were read from (paths as given, joined to the capture's). */
  dumps: string[];
  /** The host interface the capture file is named after, when its name (less extensions) is one, or ends in `-NAME`/`_NAME`. */
  fileInterface: string | null;
}

/**
 * The interface dumps of the capture's host folder: the nearest folder, from the capture's own
 * up to MAX_LEVELS_UP above it, that holds an `ip link` or `ip addr` dump.
 */
export async function hostInterfaces(capturePath: string): Promise<HostInterfaces> {
  let folder = dirname(capturePath);
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const found = await interfaceDumpsIn(folder, capturePath);
    if (found !== null && found.dumps.length > 0) return { ...found, fileInterface: interfaceNamedByFile(capturePath, found.interfaces) };
    if (found === null) break; // unreadable or too big to be a host folder: do not climb past it
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return { interfaces: [], dumps: [], fileInterface: null };
}

async function interfaceDumpsIn(folder: string, capturePath: string): Promise<{ interfaces: NetInterface[]; dumps: string[] } | null> {
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return null;
  }
  if (entries.length > MAX_FOLDER_ENTRIES) return null;
  const interfaces: NetInterface[] = [];
  const dumps: string[] = [];
  for (const entry of entries.sort()) {
    const path = join(folder, entry);
    if (entry.startsWith('.') || path === capturePath) continue;
    try {
      const info = await stat(path);
      if (!info.isFile() || info.size > MAX_DUMP_BYTES) continue;
      const { kind, compression } = await recognizeFile(path, info.size);
      if (kind !== 'ip-link' && kind !== 'ip-addr' && kind !== 'ip-link-json' && kind !== 'ip-addr-json') continue;
      const text = await readTextFile(path, compression);
      const list = kind.endsWith('-json') ? parseIpLinkJson(text, path).value : parseIpLink(text, path).value;
      interfaces.push(...list.interfaces);
      dumps.push(path);
    } catch {
      // An unreadable neighbour only means fewer names.
    }
  }
  return { interfaces, dumps };
}

/** `eth0.pcap`, `node1-eth0.pcapng.gz`, `capture_flannel.1.pcap` → that interface, when the host has it. */
export function interfaceNamedByFile(capturePath: string, interfaces: readonly NetInterface[]): string | null {
  const stem = basename(capturePath).replace(/(\.gz)?$/i, '').replace(/\.(pcapng|pcap|cap|dmp)$/i, '');
  const names = new Set(interfaces.map((i) => i.name));
  if (names.has(stem)) return stem;
  // The longest interface name the stem ends with after a separator: "node1-flannel.1" is flannel.1, not "1".
  let best: string | null = null;
  for (const name of names) {
    if ((stem.endsWith(`-${name}`) || stem.endsWith(`_${name}`)) && (best === null || name.length > best.length)) best = name;
  }
  return best;
}
