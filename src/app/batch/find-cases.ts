// What `natpath batch` was pointed at → the list of cases: each argument is a case folder, a case
// archive (.tar.gz/.tgz/.tar) or a glob of them (`'cases/*'`, quoted so the shell leaves it to
// natpath — a Kubernetes Job's args are not expanded by a shell). Names are unique and stable:
// they name the report folders and decide the shards.

import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { archiveBaseName, isArchivePath } from '../../case/archive-source.js';
import { recognizeFile } from '../../case/recognize-file.js';

export interface BatchCase {
  /** Report folder name: the folder or archive name, made safe, unique within the batch. */
  name: string;
  /** Absolute path of the case folder or archive. */
  path: string;
  kind: 'folder' | 'archive';
}

export interface FoundCases {
  cases: BatchCase[];
  /** Arguments that matched nothing or are not cases, with why. */
  problems: { argument: string; message: string }[];
  /** Folders left out because they hold no capture or snapshot at all (e.g. `samples/lab`, scripts only). */
  skipped: { argument: string; message: string }[];
}

/** How deep a folder is searched for one capture or snapshot: hosts sit up to 4 levels down. */
const CASE_SEARCH_DEPTH = 5;

const GLOB_CHARS = /[*?[]/;

export async function findCases(args: readonly string[]): Promise<FoundCases> {
  const problems: FoundCases['problems'] = [];
  const paths = new Set<string>();
  for (const arg of args) {
    const matches = GLOB_CHARS.test(arg) ? await expandGlob(arg) : [arg];
    if (matches.length === 0) problems.push({ argument: arg, message: 'matches no file or folder' });
    for (const m of matches) paths.add(resolve(m));
  }
  const found: Omit<BatchCase, 'name'>[] = [];
  const skipped: FoundCases['skipped'] = [];
  for (const path of [...paths].sort()) {
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        if (await holdsCaptureOrSnapshot(path, CASE_SEARCH_DEPTH)) found.push({ path, kind: 'folder' });
        else skipped.push({ argument: path, message: 'holds no capture or snapshot: not a case, skipped' });
      }
      else if (info.isFile() && isArchivePath(path)) found.push({ path, kind: 'archive' });
      else problems.push({ argument: path, message: 'is neither a case folder nor a .tar.gz/.tgz/.tar case archive' });
    } catch {
      problems.push({ argument: path, message: 'no such file or folder' });
    }
  }
  return { cases: nameCases(found), problems, skipped };
}

/** True at the first file recognised as a capture or snapshot (hidden files and folders skipped, as a case does). */
async function holdsCaptureOrSnapshot(folder: string, depth: number): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return false;
  }
  const folders: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(folder, e.name);
    if (e.isDirectory()) folders.push(path);
    else if (e.isFile()) {
      // An archive inside a folder is a case of its own only when named directly; here it counts as content.
      if (isArchivePath(path)) return true;
      const size = (await stat(path)).size;
      if ((await recognizeFile(path, size)).kind !== 'unrecognised') return true;
    }
  }
  if (depth <= 1) return false;
  for (const f of folders) if (await holdsCaptureOrSnapshot(f, depth - 1)) return true;
  return false;
}

/** Folder or archive name, safe as a folder name; the second `x` becomes `x-2` (in path order). */
function nameCases(found: Omit<BatchCase, 'name'>[]): BatchCase[] {
  const taken = new Set<string>();
  return found.map((c) => {
    const raw = c.kind === 'archive' ? archiveBaseName(c.path) : basename(c.path);
    const base = raw.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'case';
    let name = base;
    for (let n = 2; taken.has(name) || name === 'summary.ndjson' || name === 'summary.csv'; n++) name = `${base}-${n}`;
    taken.add(name);
    return { ...c, name };
  });
}

/**
 * `*`, `?` and `[abc]` within path segments (not across `/`); a leading `.` is matched only by
 * a pattern segment that starts with one, as in the shell.
 */
export async function expandGlob(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s) => s !== '');
  let bases = [absolute ? '/' : '.'];
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const next: string[] = [];
    if (!GLOB_CHARS.test(segment)) {
      for (const b of bases) next.push(join(b, segment));
    } else {
      const re = globSegmentToRegExp(segment);
      for (const b of bases) {
        let entries;
        try {
          entries = await readdir(b, { withFileTypes: true });
        } catch {
          continue;
        }
        for (const e of entries) {
          if (e.name.startsWith('.') && !segment.startsWith('.')) continue;
          if (!re.test(e.name)) continue;
          if (!last && !e.isDirectory() && !e.isSymbolicLink()) continue;
          next.push(join(b, e.name));
        }
      }
    }
    bases = next;
  }
  const existing: string[] = [];
  for (const b of bases) {
    try {
      await stat(b);
      existing.push(b);
    } catch {
      // A literal segment after a glob may not exist under every match.
    }
  }
  return existing.sort();
}

function globSegmentToRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = segment.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
