// Text widths for layout without a browser: monospace is exact (every glyph is 0.6 em in the
// usual monospace fonts, 0.602 in DejaVu Sans Mono); proportional text is over-estimated per
// character class so a computed box is never narrower than the text drawn in it.

const MONO_EM = 0.61;

export function monoWidth(text: string, fontSizePx: number): number {
  return [...text].length * MONO_EM * fontSizePx;
}

function sansEm(ch: string): number {
  if ('il.,:;|!\'`ɪ'.includes(ch)) return 0.32;
  if ('fjrtI()[]{} -/'.includes(ch)) return 0.42;
  if ('mwMW@%'.includes(ch)) return 0.95;
  if (ch >= 'A' && ch <= 'Z') return 0.74;
  if (ch >= '0' && ch <= '9') return 0.64;
  if (ch.charCodeAt(0) > 0x2000) return 1.0; // arrows, symbols, wide scripts
  return 0.6;
}

export function sansWidth(text: string, fontSizePx: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += sansEm(ch);
  return em * fontSizePx * (bold ? 1.08 : 1);
}

/** Cut text to at most `maxChars` characters, with an ellipsis (the full text goes in a tooltip). */
export function clip(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, Math.max(1, maxChars - 1)).join('')}…`;
}
