// The answer in one sentence, the same in every rendering (terminal, Markdown, HTML).

import type { Answer, Flow } from './analyze-model.js';

export function answerSentence(a: Answer): string {
  const who = `${a.proto} ${a.server}`;
  const sees = a.sources.join(', ');
  const via = a.tunnels.length > 0 ? `; crossed ${a.tunnels.join(', ')}` : '; no tunnel';
  const flows = `${a.flows} flow${a.flows === 1 ? '' : 's'}`;
  const at = a.lastCapturePoints.join(', ');
  if (a.seenAtServer) return `${who} sees ${sees} (at ${at}; ${flows}${via})`;
  // Never "sees": say where the flow was last seen, as what, and whether it changes after that.
  const others = a.lastSeen
    .filter((s) => s.reason !== a.translatedBeyondReason)
    .map((s) => `; also last seen at ${s.capturePoint} as ${s.src} (${s.flows} flow${s.flows === 1 ? '' : 's'}, translated beyond: ${s.translatedBeyond})`)
    .join('');
  const reason = a.translatedBeyondReason ?? `last captured at ${at}; the server's own host was not captured`;
  return `${who} — not captured at the server: ${reason}${others} (${flows}${via})`;
}

/** What a flow's server saw, or where it was last seen and what may follow: the flow heading's tail. */
export function flowSeenText(f: Flow): string {
  if (f.seenByServer !== null) return `the server sees ${f.seenByServer.src}`;
  return `last seen at ${f.lastCapturePoint} as ${f.lastSeen.src}, not at the server; translated beyond: ${f.translatedBeyond ?? 'no evidence'}`;
}

/** The answer in a few words, for summaries: "tcp 198.51.100.10:80 sees 203.0.113.7", or where it was last seen. */
export function answerSummary(a: Answer): string {
  // A leak, and why no host translated the source, belong in the line pasted into a ticket.
  const leaks = a.leaks.length > 0 ? ` — LEAK (${a.leaks.length})` : '';
  const why = a.untranslated.length > 0 ? `${leaks === '' ? ' —' : ':'} ${a.untranslated.join('; ')}` : '';
  if (a.seenAtServer) return `${a.proto} ${a.server} sees ${a.sources.join(', ')}${leaks}${why}`;
  const seen = a.lastSeen.map((s) => `${s.src} at ${s.capturePoint}`).join(', ');
  return `${a.proto} ${a.server} not captured at the server: last seen as ${seen} (translated beyond: ${a.translatedBeyond ?? 'no evidence'})${leaks}${why}`;
}
