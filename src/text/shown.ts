// Text from the inputs (folder and file names, interface names, rule comments, arguments) shown on
// a terminal: a control character in it could move the cursor, retitle the window or recolour
// what follows, so each is written as \xNN. Unicode letters stay as they are.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_BREAK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

const hex = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** `text` with C0/C1 control characters and DEL written as \xNN; `keepLineBreaks` for messages of several lines. */
export function shown(text: string, keepLineBreaks = false): string {
  return text.replace(keepLineBreaks ? CONTROL_BUT_LINE_BREAK : CONTROL, hex);
}

/**
 * A copy of a report's data with every string shown(), for a renderer that writes to a terminal
 * and adds its own escape sequences (colour) afterwards. Objects without such text are returned
 * as they are, so a clean report is not copied.
 */
export function shownEverywhere<T>(value: T): T {
  if (typeof value === 'string') return shown(value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = shownEverywhere(value[i] as unknown);
      if (v !== value[i]) (copy ??= value.slice())[i] = v;
    }
    return (copy ?? value) as T;
  }
  if (value === null || typeof value !== 'object' || value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const s = shownEverywhere(v as unknown);
    if (s !== v) (copy ??= { ...(value as Record<string, unknown>) })[k] = s;
  }
  return (copy ?? value) as T;
}
