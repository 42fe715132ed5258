// Public API of the capture reader. Other modules import from here, not from the files behind it.

export { PacketRecord, type CaptureInterface } from './packet-record.js';
export { readCaptureFile, CaptureFileError, type CaptureReadControl, type CaptureReadResult } from './read-capture-file.js';
export { readCaptureStream } from './read-capture-stream.js';
export { summarizeCapture, type CaptureSummary } from './summarize-capture.js';
export { linkTypeName, LinkType } from './link-types.js';
export { formatEpochSeconds } from './timestamp.js';
