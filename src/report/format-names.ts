// The output formats of each command, by name only. The CLI lists them in --help and checks
// --format with them without loading the renderers (the HTML report, …): those
// cost ~30 ms of every start-up. Each registry (`*-formats.ts`) must have exactly these keys.

export const ANALYZE_FORMAT_NAMES = ['table', 'json', 'csv', 'markdown', 'html'] as const;
export const DECODE_FORMAT_NAMES = ['table', 'csv', 'json', 'ndjson'] as const;
export const INSPECT_FORMAT_NAMES = ['table', 'json'] as const;
export const TRACE_FORMAT_NAMES = ['table', 'json'] as const;

export type AnalyzeFormat = (typeof ANALYZE_FORMAT_NAMES)[number];
export type DecodeFormatName = (typeof DECODE_FORMAT_NAMES)[number];
export type InspectFormat = (typeof INSPECT_FORMAT_NAMES)[number];
export type TraceFormat = (typeof TRACE_FORMAT_NAMES)[number];
