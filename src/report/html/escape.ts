// Every string that reaches the HTML report goes through `html` below: interpolated values are
// escaped unless they are already `Html` (built by this same tag), so an address, a rule's text or
// a hostile host or file name can never become markup. The output is also valid inside SVG.

/** Markup known to be safe: made only by `html`, `raw` (for constant strings) and `joinHtml`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a quoted attribute value. */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return escapeText(String(value));
}

/** Tagged template: `html\`<td title="${rule}">${addr}</td>\`` escapes `rule` and `addr`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** A constant of this module tree (CSS, the inline script), never data from the report. */
export function raw(constant: string): Html {
  return new Html(constant);
}

export function joinHtml(parts: readonly HtmlValue[], separator: HtmlValue = ''): Html {
  return new Html(parts.map(render).join(render(separator)));
}

/** Coordinates in SVG attributes: short, and never "NaN". */
export function px(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 10) / 10) : '0';
}
