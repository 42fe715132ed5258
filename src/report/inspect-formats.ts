// The output formats of `natpath inspect`: the keys of this registry are the allowed `--format` values.

import type { Provenance } from './provenance.js';
import type { Style } from './terminal.js';
import type { InspectReport } from './inspect-model.js';
import { renderInspectTable } from './render-inspect-table.js';
import type { InspectFormat } from './format-names.js';

export interface RenderContext {
  style: Style;
  /** Columns terminal text may use; Infinity: no limit. */
  width: number;
  /** -v: everything a bounded rendering leaves out (every path, every port, full lists). */
  verbose?: boolean;
  /** Case, version, time and command line for ticket-ready formats (Markdown, HTML). */
  provenance?: Provenance;
}

export const INSPECT_FORMATS = {
  table: (report: InspectReport, ctx: RenderContext) => renderInspectTable(report, ctx.style, ctx.width),
  json: (report: InspectReport) => `${JSON.stringify(report, null, 2)}\n`,
} satisfies Record<InspectFormat, (report: InspectReport, ctx: RenderContext) => string>;

