// `natpath analyze --format html`: one self-contained file — inline CSS, inline SVG, one small
// inline script, no fetch of any kind (the Content-Security-Policy forbids it, too).

import type { AnalyzeReport } from '../analyze-model.js';
import { renderAnswerSection } from './answer-section.js';
import { html, raw } from './escape.js';
import { type DiagramBudget, MAX_DIAGRAMS, renderGroup } from './flows-section.js';
import { renderFlowsTable } from './flows-table.js';
import { groupFlows } from '../flow-groups.js';
import { renderInputsSection } from './inputs-section.js';
import { STYLES } from './styles.js';
import { TABLE_SCRIPT } from './table-script.js';
import { captureOffsets } from './timeline-svg.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export interface HtmlOptions {
  /** Shown under the title; the CLI does not pass one, so the report stays reproducible. */
  subtitle?: string;
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
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="natpath">
<title>${title(report)}</title>
<style>${raw(STYLES)}</style></head>
<body><header class="top"><div class="inner">
<h1>Which source address the server sees, and why</h1>
<p class="muted small">natpath analyze · hosts: ${hosts || 'none'}${options.subtitle !== undefined ? ` · ${options.subtitle}` : ''}</p>
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
