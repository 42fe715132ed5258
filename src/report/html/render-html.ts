// `natpath analyze --format html`: one self-contained file — inline CSS, inline SVG, one small
// inline script, no fetch of any kind (the Content-Security-Policy forbids it, too).

import type { AnalyzeReport } from '../analyze-model.js';
import { renderAnswerSection } from './answer-section.js';
import { html, raw } from './escape.js';
import { type DiagramBudget, MAX_DIAGRAMS, renderGroup } from './flows-section.js';
import { renderFlowsTable } from './flows-table.js';
import { groupFlows } from '../path-groups.js';
import { renderInputsSection } from './inputs-section.js';
import { STYLES } from './styles.js';
import { TABLE_SCRIPT } from './table-script.js';
import { captureOffsets } from './timeline-svg.js';
import { answerSummary } from '../answer-text.js';
import { captureWindow, type Provenance } from '../provenance.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export interface HtmlOptions {
  /** Shown under the title. */
  subtitle?: string;
  /** Case, version, report time and command line, for the ticket header. */
  provenance?: Provenance;
}

function title(report: AnalyzeReport): string {
  const first = report.answers[0];
  if (first === undefined) return 'natpath analysis';
  const more = report.answers.length > 1 ? ` (+${report.answers.length - 1} more)` : '';
  return `natpath: ${first.proto} ${first.server} ${first.seenAtServer ? 'sees' : 'last seen from'} ${first.sources.join(', ')}${more}`;
}

export function renderAnalyzeHtml(report: AnalyzeReport, options: HtmlOptions = {}): string {
  const groups = groupFlows(report);
  const budget: DiagramBudget = { left: MAX_DIAGRAMS };
  const offsets = captureOffsets(report);
  const hosts = report.hosts.map((h) => h.name).join(', ');
  const p = options.provenance;
  const window = captureWindow(report);
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="natpath">
<title>${title(report)}</title>
<style>${raw(STYLES)}</style></head>
<body><header class="top"><div class="inner">
<h1>Which source address the server sees, and why${p !== undefined ? html`: ${p.caseName}` : ''}</h1>
<dl class="provenance">
${p !== undefined ? html`<dt>Case</dt><dd class="mono">${p.caseName}</dd>` : ''}
<dt>Hosts</dt><dd>${hosts || 'none'}</dd>
<dt>Capture window (UTC)</dt><dd>${window !== null ? `${window.first} – ${window.last}` : 'no timestamped packet in the listed flows'}</dd>
${p !== undefined ? html`<dt>natpath</dt><dd>${p.version}, report made ${p.madeAt}</dd><dt>Command</dt><dd class="mono">${p.commandLine}</dd>` : ''}
${options.subtitle !== undefined ? html`<dt>Note</dt><dd>${options.subtitle}</dd>` : ''}
</dl>
${report.answers.length > 0 ? html`<p class="paste" id="paste">${report.answers.map((a, i) => html`${i > 0 ? html`<br>` : ''}${answerSummary(a)}`)}</p>` : ''}
<nav class="toc"><a href="#answer">Answer</a><a href="#paths">Paths</a><a href="#flows-table">All flows</a><a href="#inputs">Inputs</a></nav>
<p class="legend"><span><span class="swatch translated"></span>translated (address changed)</span><span><span class="swatch tunnel"></span>tunnel (outer headers around the packet)</span><span><span class="swatch unexplained"></span>not explained by a rule / leak</span><span><span class="swatch beyond"></span>beyond the captured hosts</span><span><span class="swatch capture"></span>capture point</span></p>
</div></header>
<main>
${renderAnswerSection(report, groups)}
<section id="paths"><h2>Paths</h2>
${groups.length === 0 ? html`<p class="muted">No flow.</p>` : groups.map((g) => renderGroup(report, g, budget, offsets))}
</section>
${renderFlowsTable(report)}
${renderInputsSection(report)}
</main>
<script>${raw(TABLE_SCRIPT)}</script>
</body></html>
`;
  return page.value;
}
