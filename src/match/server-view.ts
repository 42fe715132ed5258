// What the server saw, and how sure natpath can be of it. The addresses at the last capture point
// are what the server saw only when that point is on the server's own host: the server's address
// is one of that host's (its `ip addr`), or the host hands the packets straight to the server's
// pod there (an on-link route to a veth or a pod bridge, captured toward the pod). Anywhere else
// the flow may be translated again after it was last seen, and the answer says how likely that
// is and why, instead of claiming what the server saw: 'certain' when a private source went to a
// public server and replies came back (the Internet routes neither way without a translation),
// 'likely' when a private source left toward a public server without a reply, 'no evidence'
// otherwise.

import { isPublicAddress, privateRangeOf } from '../net/address-scope.js';
import { parseIpAddress } from '../net/address.js';
import type { Hop, TranslatedBeyond } from './flow-model.js';
import { addressOf } from './endpoint-text.js';
import type { HostKnowledge } from './host-knowledge.js';

export interface ServerView {
  seenAtServer: boolean;
  /** null when the server's own host was captured. */
  translatedBeyond: TranslatedBeyond | null;
  reason: string | null;
}

/**
 * Judges the last capture point of a flow. `serverWords`/`version` are the server's address there;
 * `serverHost` names another captured host that owns that address, when one does.
 */
export function judgeServerView(
  lastHost: HostKnowledge,
  lastHop: Hop,
  version: number,
  serverWords: ArrayLike<number>,
  serverHost: string | null = null,
): ServerView {
  if (onServersHost(lastHost, lastHop, version, serverWords)) return { seenAtServer: true, translatedBeyond: null, reason: null };
  const point = `${lastHost.name}:${lastHop.interface}`;
  const srcText = addressOf(lastHop.src);
  const dstText = addressOf(lastHop.dst);
  const src = parseIpAddress(srcText);
  const dst = parseIpAddress(dstText);
  const privateRange = src === null ? null : privateRangeOf(src);
  const privateToPublic = privateRange !== null && dst !== null && isPublicAddress(dst);
  // Replies came back to a private address from a public one: something on the way translated.
  if (privateToPublic && lastHop.packetsToClient > 0) {
    return {
      seenAtServer: false,
      translatedBeyond: 'certain',
      reason:
        `left ${point} as ${srcText} — a private address (${privateRange}); ${dstText} is public, so it is translated again ` +
        `beyond the captured hosts; capture at the gateway or the server to learn the address it sees`,
    };
  }
  if (privateToPublic) {
    return {
      seenAtServer: false,
      translatedBeyond: 'likely',
      reason:
        `left ${point} as ${srcText} — a private address (${privateRange}); ${dstText} is public, so it must be translated again ` +
        `beyond the captured hosts to reach it, but no reply was captured: it may as well have been dropped, or reached a network ` +
        `that routes private sources; capture at the gateway or the server to learn what it sees`,
    };
  }
  // The server's host in the case, without this flow: its capture missed it (a replay's copy it
  // dropped), or the flow never got there; either way it is no capture of the server's view.
  const unseen =
    serverHost === null
      ? `the server's own host was not captured`
      : `the server's host ${serverHost} was captured, but its capture does not hold this flow (it missed it, or the flow never got there)`;
  return {
    seenAtServer: false,
    translatedBeyond: 'no evidence',
    reason:
      `last captured at ${point} as ${srcText}; ${unseen}, and nothing captured shows a translation ` +
      `after that point: the server sees ${srcText} unless something uncaptured translates it; capture at the server to be sure`,
  };
}

function onServersHost(host: HostKnowledge, hop: Hop, version: number, serverWords: ArrayLike<number>): boolean {
  if (host.ownsAddress(version, serverWords)) return true;
  // Seen entering the host, it may still be translated on its way to the pod.
  if (hop.direction === 'in') return false;
  const points = host.podPointsFor(version, serverWords);
  // `any` (cooked v1) does not say the interface: the host's on-link pod route still says where it went.
  return points.length > 0 && (points.includes(hop.interface) || hop.interface === 'any');
}
