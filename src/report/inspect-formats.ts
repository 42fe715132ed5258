// The output formats of `natpath inspect`: the keys of this registry are the allowed `--format` values.

import type { Style } from './terminal.js';
import type { InspectReport } from './inspect-model.js';
import { renderInspectTable } from './render-inspect-table.js';
import type { InspectFormat } from './format-names.js';

export interface RenderContext {
  style: Style;
  width: number;
}

export const INSPECT_FORMATS = {
  table: (report: InspectReport, ctx: RenderContext) => renderInspectTable(report, ctx.style, ctx.width),
  json: (report: InspectReport) => `${JSON.stringify(report, null, 2)}\n`,
} satisfies Record<InspectFormat, (report: InspectReport, ctx: RenderContext) => string>;

