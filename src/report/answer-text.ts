// The answer in one sentence, the same in every rendering (terminal, Markdown, HTML).

import type { Answer, Flow } from './analyze-model.js';

export function answerSentence(a: Answer): string {
  const who = `${a.proto} ${a.server}`;
  // Every flow ambiguous: nothing to rest an answer on.
  if (a.flows === 0 && a.ambiguous !== null) return `${who} — ambiguous: ${a.ambiguous.reason}`;
  // Every flow's orientation a guess: never "X sees Y", which may be the wrong way round.
  if (a.flows === 0 && a.orientationGuessed !== null) return `${a.proto} ${a.server} ⇄ ${a.orientationGuessed.peers.join(', ')} — client unknown: ${a.orientationGuessed.reason}`;
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

/** "flow 2, flow 9 or flow 13" (with "… of N" when more than were listed). */
export function candidateList(f: Flow): string {
  const a = f.ambiguous;
  if (a === null) return '';
  const ids = a.candidates.map((c) => `flow ${c.flow}`);
  const more = a.candidateCount > ids.length ? `, … (${a.candidateCount} in all)` : '';
  return ids.length > 1 && more === '' ? `${ids.slice(0, -1).join(', ')} or ${ids[ids.length - 1]}` : `${ids.join(', ')}${more}`;
}

/** "AMBIGUOUS: 6 flows at node1:eth0 left out", for the one-line summaries. */
function ambiguousTail(a: Answer): string {
  if (a.ambiguous === null) return '';
  return ` — AMBIGUOUS: ${a.ambiguous.flows} flow${a.ambiguous.flows === 1 ? '' : 's'} last seen at ${a.ambiguous.capturePoints.join(', ')} left out (evidence cannot tell which flows they continue)`;
}

/** "ORIENTATION GUESSED: 3 flows left out", for the one-line summaries. */
function guessedTail(a: Answer): string {
  const g = a.orientationGuessed;
  if (g === null) return '';
  return ` — ORIENTATION GUESSED: ${g.flows} flow${g.flows === 1 ? '' : 's'} with ${g.peers.join(', ')} left out (which end is the client is not known)`;
}

/** The answer in a few words, for summaries: "tcp 198.51.100.10:80 sees 203.0.113.7", or where it was last seen. */
export function answerSummary(a: Answer): string {
  // A leak, and why no host translated the source, belong in the line pasted into a ticket.
  const leaks = a.leaks.length > 0 ? ` — LEAK (${a.leaks.length})` : '';
  const why = a.untranslated.length > 0 ? `${leaks === '' ? ' —' : ':'} ${a.untranslated.join('; ')}` : '';
  const ambiguous = ambiguousTail(a) + guessedTail(a);
  if (a.flows === 0 && a.ambiguous !== null) return `${a.proto} ${a.server} ambiguous${ambiguous.slice(ambiguous.indexOf(':'))}${leaks}${why}`;
  if (a.flows === 0 && a.orientationGuessed !== null) {
    return `${a.proto} ${a.server} ⇄ ${a.orientationGuessed.peers.join(', ')}: client unknown (orientation guessed from the first captured packet)${leaks}${why}`;
  }
  if (a.seenAtServer) return `${a.proto} ${a.server} sees ${a.sources.join(', ')}${leaks}${why}${ambiguous}`;
  const seen = a.lastSeen.map((s) => `${s.src} at ${s.capturePoint}`).join(', ');
  return `${a.proto} ${a.server} not captured at the server: last seen as ${seen} (translated beyond: ${a.translatedBeyond ?? 'no evidence'})${leaks}${why}${ambiguous}`;
}
