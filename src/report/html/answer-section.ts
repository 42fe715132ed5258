// The answer, first: per server, the source address it sees, whether a tunnel was crossed, how
// many translations and which of them no rule explains, and any leak.

import type { AnalyzeReport, Answer } from '../analyze-model.js';
import { answerSentence } from '../answer-text.js';
import { type Html, html } from './escape.js';
import type { FlowGroup } from '../path-groups.js';
import { toneOf } from './path-layout.js';

/** Most servers see one or two addresses; a NAT pool may show hundreds, folded after the first few. */
const SOURCES_SHOWN = 8;

/** Orange when a translation made it, red when it leaked out of the cluster, plain otherwise. */
function sourcesList(sources: string[], tone: 'translated' | 'leak' | 'plain'): Html {
  const item = (s: string) => html`<span class="mono sees ${tone}" data-source="${s}">${s}</span> `;
  if (sources.length <= SOURCES_SHOWN) return html`${sources.map(item)}`;
  return html`${sources.slice(0, SOURCES_SHOWN).map(item)}<details class="more-sources"><summary>and ${sources.length - SOURCES_SHOWN} more addresses</summary>${sources.slice(SOURCES_SHOWN).map(item)}</details>`;
}

function answerCard(a: Answer, g: FlowGroup | undefined): Html {
  const translations = g?.flows.flatMap((f) => f.translations) ?? [];
  const unexplained = translations.filter((t) => toneOf(t) === 'unexplained');
  return html`<article class="answer-card${unexplained.length > 0 || a.leaks.length > 0 ? ' has-problem' : ''}" data-server="${a.server}" data-proto="${a.proto}">
<p class="answer-line"><span class="mono server">${a.proto} ${a.server}</span>
<span class="verb">${a.seenAtServer ? 'sees' : a.flows > 0 ? 'was last seen from' : a.ambiguous !== null ? 'is ambiguous' : 'talked with (client unknown)'}</span>
${sourcesList(a.flows === 0 && a.ambiguous === null && a.orientationGuessed !== null ? a.orientationGuessed.peers : a.sources, a.leaks.length > 0 ? 'leak' : a.translations.length > 0 ? 'translated' : 'plain')}</p>
<p class="chips">${a.tunnels.length > 0 ? html`<span class="badge tunnel">crossed ${a.tunnels.join(', ')}</span>` : html`<span class="badge plain">no tunnel</span>`}
<span class="badge ${a.translations.length > 0 ? 'translated' : 'plain'}">${a.translations.length} translation${a.translations.length === 1 ? '' : 's'}${a.flows > 1 && a.translations.length > 0 ? ' per path' : ''}</span>
${unexplained.length > 0 ? html`<span class="badge unexplained">${unexplained.length} not explained by a rule</span>` : ''}
${a.leaks.length > 0 ? html`<span class="badge unexplained">${a.leaks.length} leak${a.leaks.length === 1 ? '' : 's'}</span>` : ''}
<span class="badge plain">${a.flows} flow${a.flows === 1 ? '' : 's'}</span>
<span class="muted">${a.seenAtServer ? 'at' : 'last captured at'} ${a.lastCapturePoints.join(', ')}</span>
${a.translatedBeyond !== null ? html`<span class="badge ${a.translatedBeyond === 'no evidence' ? 'plain' : 'unexplained'}" data-translated-beyond="${a.translatedBeyond}">not captured at the server · translated beyond: ${a.translatedBeyond}</span>` : ''}
${g !== undefined ? html`<a href="#${g.id}">path ↓</a>` : ''}</p>
<p class="sentence">${answerSentence(a)}</p>
${a.translations.length > 0 ? html`<ul class="answer-translations">${a.translations.map((t) => html`<li>${t}</li>`)}</ul>` : ''}
${unexplained.length > 0 ? html`<ul class="answer-unexplained">${[...new Set(unexplained.map((t) => `${t.description}${t.note !== null ? ` — ${t.note}` : ''}`))].map((t) => html`<li class="unexplained">${t}</li>`)}</ul>` : ''}
${a.leaks.length > 0 ? html`<ul class="answer-leaks">${a.leaks.map((l) => html`<li class="unexplained">LEAK: ${l}</li>`)}</ul>` : ''}
${a.untranslated.length > 0 ? html`<ul class="answer-untranslated">${a.untranslated.map((u) => html`<li>Why: ${u}</li>`)}</ul>` : ''}
${a.ambiguous !== null ? html`<ul class="answer-ambiguous" data-ambiguous-flows="${a.ambiguous.flows}"><li class="unexplained">Ambiguous: ${a.ambiguous.reason}</li></ul>` : ''}
${a.orientationGuessed !== null ? html`<ul class="answer-ambiguous" data-orientation-guessed-flows="${a.orientationGuessed.flows}"><li class="unexplained">Client unknown: ${a.orientationGuessed.reason}</li></ul>` : ''}
</article>`;
}

export function renderAnswerSection(report: AnalyzeReport, groups: FlowGroup[]): Html {
  const t = report.totals;
  return html`<section id="answer">
<h2>Answer</h2>
${report.answers.length === 0 ? html`<p class="answer-card">No IP flow was found in the captures.</p>` : report.answers.map((a) => answerCard(a, groups.find((g) => g.answer === a)))}
<p class="totals" data-flows="${t.flows}" data-translations="${t.translations}" data-unexplained="${t.unexplained}">
${t.flows} flows (${t.multiPointFlows} seen at several capture points${t.ambiguousFlows > 0 ? `, ${t.ambiguousFlows} ambiguous` : ''}) · ${t.translations} translations ·
<span class="${t.unexplained > 0 ? 'unexplained-text' : ''}">${t.unexplained} not explained by a rule</span> ·
<span class="${t.leaks > 0 ? 'unexplained-text' : ''}">${t.leaks} leaks</span> · ${t.packets} packets</p>
${t.listedFlows < t.flows ? html`<p class="totals">${t.flows - t.listedFlows} more flows are counted above but not listed in this report (analyze --max-flows ${t.listedFlows}; 0 lists all).</p>` : ''}
</section>`;
}
