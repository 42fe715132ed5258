// The answer in one sentence, the same in every rendering (terminal, Markdown, HTML).

import type { Answer } from './analyze-model.js';

export function answerSentence(a: Answer): string {
  const who = `${a.proto} ${a.server}`;
  const sees = a.sources.join(', ');
  const via = a.tunnels.length > 0 ? `; crossed ${a.tunnels.join(', ')}` : '; no tunnel';
  const flows = `${a.flows} flow${a.flows === 1 ? '' : 's'}`;
  const at = a.lastCapturePoints.join(', ');
  return a.seenAtServer
    ? `${who} sees ${sees} (at ${at}; ${flows}${via})`
    : `${who} is reached from ${sees} as last captured at ${at} (${flows}${via}); the server's own host was not captured`;
}
