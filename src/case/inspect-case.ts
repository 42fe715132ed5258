// `natpath inspect`: load the case, read each file's basic facts, build the report model.

import type { Diagnostic } from '../text/diagnostic.js';
import type { InspectedFile, InspectReport } from '../report/inspect-model.js';
import { isCaptureKind, isCollectorKind, isSnapshotKind } from './file-kind.js';
import { type CaseFile, type CaseRequest, loadCase } from './load-case.js';
import { readFileFacts } from './file-facts.js';

export async function runInspect(request: CaseRequest): Promise<InspectReport> {
  const input = await loadCase(request);
  const hosts = [];
  for (const host of input.hosts) {
    const files: InspectedFile[] = [];
    for (const file of host.files) files.push(await inspectFile(file));
    hosts.push({ name: host.name, sources: host.sources, files });
  }
  const looseFiles = input.looseFiles.map((f) => describeWithoutFacts(f));
  const all = hosts.flatMap((h) => h.files);
  let packets = 0;
  for (const f of all) if (f.facts?.type === 'capture') packets += f.facts.packets;
  return {
    schema: 'natpath.inspect/1',
    hosts,
    looseFiles,
    diagnostics: input.diagnostics,
    totals: {
      hosts: hosts.length,
      files: all.length,
      captures: all.filter((f) => isCaptureKind(f.kind) && f.facts !== null).length,
      snapshots: all.filter((f) => isSnapshotKind(f.kind) && f.facts !== null).length,
      unrecognised: all.filter((f) => f.kind === 'unrecognised').length,
      collectorFiles: all.filter((f) => isCollectorKind(f.kind)).length,
      packets,
    },
  };
}

async function inspectFile(file: CaseFile): Promise<InspectedFile> {
  const described = describeWithoutFacts(file);
  if (file.kind === 'unrecognised') return described;
  const { facts, diagnostics } = await readFileFacts(file);
  described.facts = facts;
  described.diagnostics.push(...diagnostics);
  return described;
}

function describeWithoutFacts(file: CaseFile): InspectedFile {
  const diagnostics: Diagnostic[] = [];
  if (file.note !== undefined) {
    diagnostics.push({ code: 'case.recognition-doubt', severity: 'info', message: file.note, place: { file: file.displayPath } });
  }
  return {
    path: file.displayPath,
    size: file.size,
    kind: file.kind,
    compression: file.compression,
    facts: null,
    reason: file.reason ?? null,
    diagnostics,
  };
}
