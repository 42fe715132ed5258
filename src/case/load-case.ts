// Turns what the user pointed at (case folders, host folders, files, `--host name=path`) into the
// case model: hosts, each with its recognised files. Nothing here is fatal: unreadable paths and
// unrecognised files become diagnostics and listed files, so one bad file never hides the rest.

import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../text/diagnostic.js';
import { ProblemCollector } from '../text/problem-collector.js';
import type { ProblemCode } from '../text/problem-codes.js';
import type { FileKind } from './file-kind.js';
import { isCaptureKind, isSnapshotKind } from './file-kind.js';
import { type Compression, type Recognition, recognizeFile, recognizeHead } from './recognize-file.js';
import { ArchiveSource, archiveBaseName, isArchivePath, type ArchiveFile } from './archive-source.js';
import { applyCollectLog } from './apply-collect-log.js';
import type { Family } from '../net/address.js';

export interface CaseFile {
  /** Absolute path, for reading. */
  path: string;
  /** Path as shown to users: relative to the current directory when shorter. */
  displayPath: string;
  size: number;
  kind: FileKind;
  compression: Compression;
  /** Why it was not recognised (kind 'unrecognised' only). */
  reason?: string;
  /** A doubt about how it was recognised (e.g. an address family assumed). */
  note?: string;
  /** The address family of a rule/route dump when its collector said it (`ip -6 rule`), not only its content. */
  family?: Family;
  /**
   * Set for a file inside a case archive (`path` is then `<archive>/<entry>`, not a file on disk):
   * streams its bytes as stored (still gzip-compressed when `compression` says so).
   */
  openStream?: () => AsyncIterable<Uint8Array>;
}

export interface CaseHost {
  name: string;
  /** The folders/files the user gave for this host. */
  sources: string[];
  files: CaseFile[];
}

export interface CaseInput {
  hosts: CaseHost[];
  /** Files found outside any host folder (e.g. notes in a case root); listed, not analysed. */
  looseFiles: CaseFile[];
  diagnostics: Diagnostic[];
}

export interface HostSpec {
  name: string;
  path: string;
}

export interface CaseRequest {
  /** Case folders, host folders or single files; hosts are named after their folders. */
  paths: string[];
  /** Explicit `--host name=path` assignments. */
  hosts: HostSpec[];
}

/** How deep a host folder is searched for files (captures are often kept in sub-folders). */
const MAX_HOST_DEPTH = 4;

export async function loadCase(request: CaseRequest): Promise<CaseInput> {
  const builder = new CaseBuilder();
  for (const p of request.paths) await builder.addPath(p);
  for (const spec of request.hosts) await builder.addHostPath(spec.name, spec.path);
  return builder.finish(await builder.applyCollectLogs());
}

/** Parses `name=path` as given to `--host`; returns null when it is not of that form. */
export function parseHostSpec(text: string): HostSpec | null {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) return null;
  return { name: text.slice(0, eq), path: text.slice(eq + 1) };
}

class CaseBuilder {
  private readonly hosts = new Map<string, CaseHost>();
  private readonly looseFiles: CaseFile[] = [];
  /** Problems of many files: each names its own. */
  private readonly problems = new ProblemCollector('');
  private readonly seenFiles = new Set<string>();

  async addPath(userPath: string): Promise<void> {
    const info = await this.statOrReport(userPath);
    if (info === null) return;
    if (info.isFile() && isArchivePath(userPath)) {
      await this.addArchive(userPath, null);
      return;
    }
    if (info.isFile()) {
      // A single file belongs to the host named after its folder.
      const host = basename(dirname(resolve(userPath)));
      await this.addFile(this.host(host, userPath), userPath, info.size);
      return;
    }
    if (!info.isDirectory()) {
      this.report('case.not-a-file', userPath, 'is neither a regular file nor a folder; skipped');
      return;
    }
    const entries = await this.listOrReport(userPath);
    if (entries === null) return;
    const subfolders = entries.filter((e) => e.isDirectory());
    if (subfolders.length === 0) {
      await this.addHostFolder(this.host(basename(resolve(userPath)), userPath), userPath, 0);
      return;
    }
    // A case folder: one sub-folder per host; files beside them are not inputs of any host.
    for (const sub of subfolders) {
      const hostPath = join(userPath, sub.name);
      await this.addHostFolder(this.host(sub.name, hostPath), hostPath, 0);
    }
    for (const e of entries) {
      if (!e.isFile()) continue;
      const filePath = join(userPath, e.name);
      const file = await this.recognise(filePath);
      if (file === null) continue;
      this.looseFiles.push(file);
      if (isCaptureKind(file.kind) || isSnapshotKind(file.kind)) {
        this.report(
          'case.file-outside-host',
          filePath,
          `is a ${file.kind} file in the case folder, not in a host folder; it was not used (move it into a host folder or pass --host NAME=${filePath})`,
        );
      }
    }
    if (subfolders.length > 0 && this.hostCountFrom(userPath) === 0) {
      this.report('case.empty', userPath, 'has no files in any host folder');
    }
  }

  async addHostPath(name: string, userPath: string): Promise<void> {
    const info = await this.statOrReport(userPath);
    if (info === null) return;
    if (info.isFile() && isArchivePath(userPath)) {
      await this.addArchive(userPath, name);
      return;
    }
    const host = this.host(name, userPath);
    if (info.isFile()) await this.addFile(host, userPath, info.size);
    else if (info.isDirectory()) await this.addHostFolder(host, userPath, 0);
    else this.report('case.not-a-file', userPath, 'is neither a regular file nor a folder; skipped');
  }

  /** Each host's collect.log says what its dumps are (empty ones included); its problems are returned. */
  async applyCollectLogs(): Promise<Diagnostic[]> {
    const problems: Diagnostic[] = [];
    for (const host of this.hosts.values()) problems.push(...(await applyCollectLog(host.files)));
    return problems;
  }

  finish(collectLogProblems: Diagnostic[] = []): CaseInput {
    this.problems.addAll(collectLogProblems);
    const hosts = [...this.hosts.values()];
    for (const host of hosts) {
      host.files.sort((a, b) => a.displayPath.localeCompare(b.displayPath));
      if (host.files.length === 0) {
        this.report('case.host-empty', host.sources[0] ?? host.name, `host "${host.name}" has no files`);
      } else if (!host.files.some((f) => f.kind !== 'unrecognised')) {
        this.report(
          'case.host-unrecognised',
          host.sources[0] ?? host.name,
          `host "${host.name}" has no recognisable capture or snapshot (${host.files.length} file(s), none of a known kind)`,
        );
      }
    }
    return { hosts, looseFiles: this.looseFiles, diagnostics: this.problems.finish() };
  }

  /**
   * A `.tar.gz`/`.tgz`/`.tar` case, read in place. Its layout follows the folder rules once a
   * single top folder (as `tar czf case.tgz case/` makes) is set aside: sub-folders are hosts;
   * no sub-folders means one host, named after that top folder or the archive.
   */
  private async addArchive(userPath: string, hostName: string | null): Promise<void> {
    const archivePath = resolve(userPath);
    let source: ArchiveSource;
    // Each entry is recognised while the archive is listed, so heads are never all held at once.
    const recognised = new Map<ArchiveFile, Recognition>();
    try {
      source = await ArchiveSource.open(archivePath, async (entry, head) => {
        recognised.set(entry, await recognizeHead(head, entry.size, basename(entry.name)));
      });
    } catch (err) {
      this.report('case.unreadable', userPath, `cannot be read as a case archive: ${describeFsError(err)}`);
      return;
    }
    for (const p of source.problems) {
      this.report(p.code, p.offset === null ? userPath : `${userPath} (tar byte offset ${p.offset})`, p.message);
    }
    const names = source.files.map((f) => f.name);
    const top = commonTopFolder(names);
    const inner = (name: string) => (top === null ? name : name.slice(top.length + 1));
    const nested = names.some((n) => inner(n).includes('/'));
    const root = top ?? archiveBaseName(userPath);
    const prefix = top === null ? '' : `${top}/`;
    let used = 0;
    for (const entry of source.files) {
      const path = join(archivePath, entry.name);
      if (this.seenFiles.has(path)) continue;
      this.seenFiles.add(path);
      const r = recognised.get(entry)!;
      const file: CaseFile = { path, displayPath: displayPath(path), size: entry.size, kind: r.kind, compression: r.compression };
      if (r.reason !== undefined) file.reason = r.reason;
      if (r.note !== undefined) file.note = r.note;
      file.openStream = () => source.stream(entry);
      const rest = inner(entry.name);
      const slash = rest.indexOf('/');
      if (hostName !== null || !nested) {
        this.host(hostName ?? root, join(archivePath, top ?? '')).files.push(file);
        used++;
      } else if (slash > 0) {
        const hostFolder = rest.slice(0, slash);
        this.host(hostFolder, join(archivePath, prefix + hostFolder)).files.push(file);
        used++;
      } else {
        this.looseFiles.push(file);
        if (isCaptureKind(file.kind) || isSnapshotKind(file.kind)) {
          this.report('case.file-outside-host', path, `is a ${file.kind} file in the case archive, not in a host folder; it was not used`);
        }
      }
    }
    if (used === 0) this.report('case.empty', userPath, 'is a case archive with no files in any host folder');
  }

  private hostCountFrom(root: string): number {
    const abs = resolve(root);
    let n = 0;
    for (const h of this.hosts.values()) {
      if (h.sources.some((s) => resolve(s).startsWith(abs)) && h.files.length > 0) n++;
    }
    return n;
  }

  private host(name: string, source: string): CaseHost {
    let host = this.hosts.get(name);
    if (host === undefined) {
      host = { name, sources: [], files: [] };
      this.hosts.set(name, host);
    }
    const shown = displayPath(resolve(source));
    if (!host.sources.includes(shown)) host.sources.push(shown);
    return host;
  }

  private async addHostFolder(host: CaseHost, folder: string, depth: number): Promise<void> {
    const entries = await this.listOrReport(folder);
    if (entries === null) return;
    for (const e of entries) {
      const p = join(folder, e.name);
      if (e.isDirectory()) {
        if (depth + 1 < MAX_HOST_DEPTH) await this.addHostFolder(host, p, depth + 1);
        else this.report('case.too-deep', p, `is more than ${MAX_HOST_DEPTH} folders deep in host "${host.name}"; not searched`);
      } else if (e.isFile() || e.isSymbolicLink()) {
        const info = await this.statOrReport(p);
        if (info?.isFile()) await this.addFile(host, p, info.size);
      }
    }
  }

  private async addFile(host: CaseHost, path: string, size: number): Promise<void> {
    const file = await this.recognise(path, size);
    if (file !== null) host.files.push(file);
  }

  private async recognise(path: string, knownSize?: number): Promise<CaseFile | null> {
    const abs = resolve(path);
    if (this.seenFiles.has(abs)) return null;
    this.seenFiles.add(abs);
    let size = knownSize;
    if (size === undefined) {
      const info = await this.statOrReport(path);
      if (info === null) return null;
      size = info.size;
    }
    try {
      const r = await recognizeFile(abs, size);
      const file: CaseFile = { path: abs, displayPath: displayPath(abs), size, kind: r.kind, compression: r.compression };
      if (r.reason !== undefined) file.reason = r.reason;
      if (r.note !== undefined) file.note = r.note;
      return file;
    } catch (err) {
      this.report('case.unreadable', path, `cannot be read: ${describeFsError(err)}`);
      return null;
    }
  }

  private async statOrReport(path: string) {
    try {
      return await stat(path);
    } catch (err) {
      this.report('case.unreadable', path, `cannot be read: ${describeFsError(err)}`);
      return null;
    }
  }

  private async listOrReport(folder: string) {
    try {
      const entries = await readdir(folder, { withFileTypes: true });
      // Hidden files (.DS_Store, editor swap files) are never inputs.
      return entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      this.report('case.unreadable', folder, `cannot be listed: ${describeFsError(err)}`);
      return null;
    }
  }

  /** A problem with the file or folder at `file`, at the registry's severity for `code`. */
  private report(code: ProblemCode, file: string, message: string): void {
    this.problems.report(code, message, { file: displayPath(resolve(file)) });
  }
}

/** The one folder every entry is inside (`case/` of `tar czf case.tgz case/`), or null. */
function commonTopFolder(names: string[]): string | null {
  if (names.length === 0) return null;
  const first = names[0]!;
  const slash = first.indexOf('/');
  if (slash <= 0) return null;
  const top = first.slice(0, slash);
  return names.every((n) => n.startsWith(`${top}/`)) ? top : null;
}

function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') ? rel : abs;
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, expected a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return e?.message ?? String(err);
  }
}
