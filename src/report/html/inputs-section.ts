// The case's inputs: hosts, their captures and snapshots, clock offsets, and every problem found.

import type { AnalyzeReport, DiagnosticView, HostView } from '../analyze-model.js';
import { type Html, html } from './escape.js';

function clockText(h: HostView): string {
  const c = h.clock;
  if (c.basis === 'reference') return 'reference clock';
  if (c.basis === 'unknown' || c.offsetSeconds === null) return 'unknown (no packet shared with another host)';
  return `${(c.offsetSeconds * 1e3).toFixed(3)} ms ± ${((c.spreadSeconds ?? 0) * 1e3).toFixed(3)} ms (${c.basis}, ${c.sharedPackets} shared packets)`;
}

/** Snapshots by folder: "node1/: conntrack.txt, ip-addr.txt, …" reads faster than six full paths. */
function snapshotList(files: string[]): Html {
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const slash = f.lastIndexOf('/');
    const dir = slash >= 0 ? f.slice(0, slash + 1) : '';
    byDir.set(dir, [...(byDir.get(dir) ?? []), f.slice(slash + 1)]);
  }
  return html`<ul>${[...byDir].map(([dir, names]) => html`<li><span class="mono muted">${pathPieces(dir)}</span> ${names.map((n, i) => html`${i > 0 ? ', ' : ''}<span class="mono file" title="${dir + n}">${n}</span>`)}</li>`)}</ul>`;
}

/**
 * A capture's path, breakable only after a `/`: each piece ("case/", "node1/", "capture.pcap") is
 * kept whole (.file-piece), with a break opportunity (<wbr>) between pieces, as snapshots break
 * between their folder's pieces and their names. A piece alone wider than its column still wraps
 * on a phone.
 */
function capturePath(path: string): Html {
  return html`<span class="mono file-path" title="${path}">${pathPieces(path, 'file-piece')}</span>`;
}

/** "a/b/c" as pieces "a/", "b/", "c" with a break opportunity after each slash; `whole`: the class that keeps a piece whole. */
function pathPieces(path: string, whole = 'dir-piece'): Html {
  const pieces = path.split('/').map((p, i, all) => (i < all.length - 1 ? `${p}/` : p)).filter((p) => p !== '');
  return html`${pieces.map((p, i) => html`${i > 0 ? html`<wbr>` : ''}<span class="${whole}">${p}</span>`)}`;
}

function hostRow(h: HostView): Html {
  return html`<tr data-host="${h.name}"><th scope="row">${h.name}</th>
<td>${h.captures.length === 0 ? html`<span class="muted">none</span>` : html`<ul>${h.captures.map((c) => html`<li>${capturePath(c.file)} — ${c.format ?? 'unknown format'}, ${c.packets} packets (${c.nonIpPackets} not IP${c.damagedPackets > 0 ? html`, <span class="unexplained-text">${c.damagedPackets} damaged</span>` : ''}) at <span class="mono">${c.interfaces.join(', ') || 'no interface'}</span></li>`)}</ul>`}</td>
<td>${h.snapshots.length === 0 ? html`<span class="muted">none</span>` : snapshotList(h.snapshots)}</td>
<td>${clockText(h)}</td></tr>`;
}

function diagnosticItem(d: DiagnosticView): Html {
  const where = d.line !== undefined ? `${d.file}:${d.line}` : d.offset !== undefined ? `${d.file} (byte offset ${d.offset})` : d.jsonPath !== undefined ? `${d.file} ${d.jsonPath}` : d.file;
  return html`<li class="diag ${d.severity}"><span class="badge ${d.severity === 'error' ? 'unexplained' : d.severity === 'warning' ? 'translated' : 'plain'}">${d.severity}</span> <span class="mono">${where}</span>: ${d.message}${d.count !== undefined && d.count > 1 ? ` (${d.count} times)` : ''} <span class="muted">[${d.code}]</span></li>`;
}

export function renderInputsSection(report: AnalyzeReport): Html {
  return html`<section id="inputs">
<h2>Inputs</h2>
<table class="inputs"><thead><tr><th>Host</th><th>Captures</th><th>Snapshots</th><th>Clock offset</th></tr></thead><tbody>${report.hosts.map(hostRow)}</tbody></table>
<h3>Problems <span class="muted">(${report.diagnostics.length})</span></h3>
${report.diagnostics.length === 0 ? html`<p class="muted">None.</p>` : html`<ul class="diagnostics">${report.diagnostics.map(diagnosticItem)}</ul>`}
</section>`;
}
