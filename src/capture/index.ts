// Public API of the capture reader. Other modules import from here, not from the files behind it.

export { CaptureParser, type CaptureParserOptions } from './capture-parser.js';
export { PacketRecord, type CaptureInterface } from './packet-record.js';
export {
  readCaptureFile,
  CaptureFileError,
  DEFAULT_CHUNK_BYTES,
  type CaptureReadControl,
  type CaptureReadOptions,
  type CaptureReadResult,
} from './read-capture-file.js';
export { readCaptureFrom, readCaptureStream } from './read-capture-stream.js';
export {
  summarizeCapture,
  type CaptureSummary,
  type InterfaceSummary,
  type LinkTypeCount,
} from './summarize-capture.js';
export { sniffCaptureMagic, type CaptureMagic } from './sniff.js';
export { describeLinkType, linkTypeName, LinkType, type LinkTypeInfo } from './link-types.js';
export { formatEpochSeconds, type TimestampResolution } from './timestamp.js';
export { CAPTURE_DIAGNOSTIC_CODES, MAX_RECORD_BYTES } from './capture-problems.js';
export type { BlockCounts } from './reader-context.js';
