// `natpath inspect`: load the case, read each file's basic facts, build the report model, render
// it to stdout or --out, and answer the exit code.

import { type Diagnostic, formatDiagnostic } from '../text/diagnostic.js';
import { problemAt } from '../text/problem-collector.js';
import { INSPECT_FORMATS } from '../report/inspect-formats.js';
import type { InspectFormat } from '../report/format-names.js';
import type { InspectedFile, InspectReport } from '../report/inspect-model.js';
import { makeStyle, shouldUseColor } from '../report/terminal.js';
import { isCaptureKind, isCollectorKind, isSnapshotKind } from '../case/file-kind.js';
import { type CaseFile, type CaseRequest, loadCase } from '../case/load-case.js';
import { readFileFacts } from '../case/file-facts.js';
import { chooseNftFiles, describeNftChoice } from '../case/nft-preference.js';
import { caseRequestFromArgs } from './case-request.js';
import { writeOutput } from './write-output.js';
import { writeWhyUnusable } from './why-unusable.js';
import { EXIT } from './exit-codes.js';
import { problemWithOutPath } from './out-path.js';
import { outputWidth, problemWithWidth } from './output-width.js';
import { tell } from './tell.js';

export interface InspectCommandOptions {
  paths: string[] | undefined;
  /** `--host NAME=PATH` as typed. */
  hostSpecs: string[] | undefined;
  format: InspectFormat;
  out: string | undefined;
  color: boolean | undefined;
  /** `--width`: columns of terminal text (0 = no limit); see output-width.ts. */
  width?: number | undefined;
}

export async function runInspectCommand(options: InspectCommandOptions): Promise<number> {
  const optionProblem = problemWithOutPath(options.out) ?? problemWithWidth(options.width);
  if (optionProblem !== null) {
    tell('inspect', optionProblem);
    return EXIT.usage;
  }
  const request = await caseRequestFromArgs('inspect', options.paths, options.hostSpecs);
  if (typeof request === 'number') return request;
  const report = await runInspect(request);
  if (report.totals.captures + report.totals.snapshots === 0) {
    const files = [...report.hosts.flatMap((h) => h.files), ...report.looseFiles];
    const problems = [
      ...report.diagnostics.map(formatDiagnostic),
      ...files.flatMap((f) => [...(f.kind === 'unrecognised' ? [`${f.path}: not used: ${f.reason ?? 'not recognised'}`] : []), ...f.diagnostics.map(formatDiagnostic)]),
    ];
    writeWhyUnusable('inspect', problems, 'no capture or snapshot could be used in the inputs');
    return EXIT.noUsableInput;
  }
  const toFile = options.out !== undefined && options.out !== '-';
  const color = shouldUseColor(toFile ? {} : process.stdout, options.color, process.env);
  const text = INSPECT_FORMATS[options.format](report, { style: makeStyle(color), width: outputWidth(options.width, toFile, process.stdout, process.env) });
  await writeOutput(text, options.out);
  return EXIT.ok;
}

export async function runInspect(request: CaseRequest): Promise<InspectReport> {
  const input = await loadCase(request);
  const hosts = [];
  for (const host of input.hosts) {
    const files: InspectedFile[] = [];
    const nft = chooseNftFiles(host.files);
    const notes = describeNftChoice(nft);
    for (const file of host.files) {
      const inspected = await inspectFile(file);
      inspected.diagnostics.push(...notes.filter((d) => d.place.file === file.displayPath));
      files.push(inspected);
    }
    const nftables = nft.format === null ? null : { format: nft.format, files: nft.used.map((f) => f.displayPath), ignored: nft.ignored.map((f) => f.displayPath) };
    hosts.push({ name: host.name, sources: host.sources, files, nftables });
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
    diagnostics.push(problemAt('case.recognition-doubt', file.note, { file: file.displayPath }));
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
