// Basic facts about one recognised file, for `natpath inspect`: a capture's format, link types,
// interfaces and time span; a snapshot's tables, routes or interfaces.

import { summarizeCapture, type CaptureSummary } from '../capture/index.js';
import type { Diagnostic } from '../text/diagnostic.js';
import type { CaptureFacts, FileFacts } from './facts.js';
import { isCaptureKind, isSnapshotKind } from './file-kind.js';
import type { CaseFile } from './load-case.js';
import { cleanDumpText } from '../text/junk-lines.js';
import { readCaseText } from './read-text.js';
import { readSnapshotFacts } from './snapshot-facts.js';
import { readHostInfo } from './collector-files.js';

export interface FileFactsResult {
  facts: FileFacts | null;
  diagnostics: Diagnostic[];
}

export async function readFileFacts(file: CaseFile): Promise<FileFactsResult> {
  if (isCaptureKind(file.kind)) return readCaptureFacts(file);
  if (isSnapshotKind(file.kind)) {
    const raw = await readCaseText(file);
    if (file.kind.endsWith('-json')) return readSnapshotFacts(file.kind, raw, file.displayPath, file.family);
    const clean = cleanDumpText(raw, file.displayPath);
    const r = readSnapshotFacts(file.kind, clean.text, file.displayPath, file.family);
    return { ...r, diagnostics: [...clean.issues, ...r.diagnostics] };
  }
  if (file.kind === 'host-info') {
    return { facts: { type: 'host-info', entries: readHostInfo(await readCaseText(file)) }, diagnostics: [] };
  }
  return { facts: null, diagnostics: [] };
}

async function readCaptureFacts(file: CaseFile): Promise<FileFactsResult> {
  const summary = await summarizeCapture(file.path, {}, file.openStream);
  // The reader names files by the path it opened; users know them by the path they typed.
  const diagnostics = summary.diagnostics.map((d) => ({ ...d, place: { ...d.place, file: file.displayPath } }));
  const usable = summary.format !== null && (summary.packets > 0 || summary.interfaces.length > 0 || summary.complete);
  return { facts: usable ? captureFacts(summary) : null, diagnostics };
}

function captureFacts(s: CaptureSummary): CaptureFacts {
  return {
    type: 'capture',
    format: s.format ?? 'pcap',
    compression: s.compression,
    timestampPrecision: s.timestampPrecision ?? 'unknown',
    linkTypes: s.linkTypes.map((l) => ({ code: l.code, name: l.name, packets: l.packets })),
    interfaces: s.interfaces.map((i) => ({ id: i.index, name: i.name, linkType: i.linkTypeName, packets: i.packets })),
    packets: s.packets,
    capturedBytes: s.capturedBytes,
    wireBytes: s.wireBytes,
    truncatedPackets: s.truncatedPackets,
    firstTimestamp: s.earliestTimestamp,
    lastTimestamp: s.latestTimestamp,
    durationSeconds: s.durationSeconds,
    complete: s.complete,
  };
}
