// A capture kept in a host folder beside that host's `ip link` / `ip addr` dump (the case
// layout) can name the kernel interface indexes a Linux cooked v2 capture records, and say
// which UDP ports that host's tunnels use (`ip -d link`).

import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseIpLink, parseIpLinkJson, type NetInterface } from '../route/index.js';
import { readTextFile } from './read-text.js';
import { recognizeFile } from './recognize-file.js';

/** ifindex → name from the interface dumps in the capture's folder; empty when there are none. */
export async function siblingInterfaceNames(capturePath: string): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const iface of await siblingInterfaces(capturePath)) names.set(iface.index, iface.name);
  return names;
}

/** The interfaces of the `ip link` / `ip addr` (`-d`, `-j`) dumps in the capture's folder. */
export async function siblingInterfaces(capturePath: string): Promise<NetInterface[]> {
  const found: NetInterface[] = [];
  const folder = dirname(capturePath);
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(folder, entry);
    if (entry.startsWith('.') || path === capturePath) continue;
    try {
      const info = await stat(path);
      if (!info.isFile() || info.size > 16 << 20) continue;
      const { kind, compression } = await recognizeFile(path, info.size);
      if (kind !== 'ip-link' && kind !== 'ip-addr' && kind !== 'ip-link-json' && kind !== 'ip-addr-json') continue;
      const text = await readTextFile(path, compression);
      const list = kind.endsWith('-json') ? parseIpLinkJson(text, path).value : parseIpLink(text, path).value;
      found.push(...list.interfaces);
    } catch {
      // An unreadable neighbour only means fewer names.
    }
  }
  return found;
}
