// Bundles the compiled CLI for bin/natpath.js, then records V8's code cache of a run of it.
//  - dist/bundle/natpath.js and its chunks: the CLI (dist/cli/launch.js) and every module the code
//    starts by URL (workers: `new URL('./x.js', import.meta.url)`), as ES modules with shared
//    chunks, in one folder, so each such URL still finds its file next to the chunk that asks for
//    it. bin/natpath.js imports natpath.js for every command but `decode`.
//  - dist/bundle/decode.cjs: the decode command alone (dist/cli/decode-launch.js: none of the other
//    commands, so a quarter of the CLI's bytes) as one CommonJS module already in its wrapper function
//    (a script whose value is that function), without comments, ASCII only: bin/natpath.js
//    compiles it with node:vm for `natpath decode`, so it can hand V8 the code cache below (ES
//    modules cannot take one in Node 20), and the ES module loader is never started.
//  - dist/bundle/decode.cjs.cache: that script's code cache, made by a run of `decode --summary`
//    on a shipped sample (CODE_CACHE_RUN), prefixed by a header and an exact copy of the script it
//    belongs to (bin/natpath.js uses it only when both match; format there).
// Why: parsing and compiling the CLI cost more CPU than a small decode's own work; why only decode:
// analyze's peak RSS measured higher from the one script (numbers in docs/performance.md, "Start-up
// from a code cache", and docs/decisions.md).
// Usage: node scripts/bundle.mjs (after tsc; `npm run build` runs both).

import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STARTED_BY_URL = /new URL\('\.\/([\w-]+)\.js', import\.meta\.url\)/g;
const CLI_ENTRY = 'dist/cli/launch.js';
/** decode's own program (src/cli/decode-launch.ts): the entry of the CommonJS script. */
const DECODE_ENTRY = 'dist/cli/decode-launch.js';
/** The run whose compiled functions the code cache keeps: the decode path, the one issue 15 times. */
const CODE_CACHE_RUN = ['decode', 'samples/nodeport/node1/capture.pcapng', '--summary'];

/** Entry points of the ES module bundle by output name: the CLI, then each module that src/ starts by a sibling URL. */
export function bundleEntries(rootDir = root) {
  const entries = { natpath: CLI_ENTRY };
  const srcDir = join(rootDir, 'src');
  for (const file of readdirSync(srcDir, { recursive: true })) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(join(srcDir, file), 'utf8');
    for (const m of text.matchAll(STARTED_BY_URL)) {
      const name = m[1];
      const input = join('dist', dirname(file), `${name}.js`);
      if (entries[name] !== undefined && entries[name] !== input) {
        throw new Error(`bundle: two modules started as ${name}.js (${entries[name]}, ${input}): rename one`);
      }
      entries[name] = input;
    }
  }
  return entries;
}

/** decode as one CommonJS script; import.meta.url is the script's own URL (dist/bundle/decode.cjs). */
async function bundleDecodeScript() {
  await build({
    absWorkingDir: root,
    entryPoints: [{ in: DECODE_ENTRY, out: 'decode' }],
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // `await import('node:zlib')` becomes a require(): a node:vm script has no module loader. Template
    // literals become concatenations of string literals, which esbuild writes in ASCII (it cannot in a template).
    supported: { 'dynamic-import': false, 'template-literal': false },
    define: { 'import.meta.url': '__natpathScriptUrl' },
    // Wrapped as a CommonJS module is, by the build rather than by bin/natpath.js at every start (a copy of 0.8 MB).
    // "use strict" first, as the ES modules compiled here were (esbuild's own comes after the banner, too late).
    banner: { js: '(function (exports, require, module, __filename, __dirname) {"use strict";var __natpathScriptUrl = require("node:url").pathToFileURL(__filename).href;' },
    footer: { js: '})' },
    // No comments, so no non-ASCII byte: bin/natpath.js reads the script as Latin-1, a plain copy.
    minifyWhitespace: true,
    legalComments: 'none',
    charset: 'ascii',
    outdir: 'dist/bundle',
    sourcemap: true,
    logLevel: 'warning',
  });
  const bytes = readFileSync(join(root, 'dist', 'bundle', 'decode.cjs'));
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at !== -1) throw new Error(`bundle: dist/bundle/decode.cjs has a non-ASCII byte at offset ${at}; bin/natpath.js reads it as Latin-1`);
}

/** Runs the CLI once with NATPATH_WRITE_CODE_CACHE=1: bin/natpath.js writes the cache as it exits. */
function recordCodeCache() {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'natpath.js'), ...CODE_CACHE_RUN], {
    cwd: root,
    env: { ...process.env, NATPATH_WRITE_CODE_CACHE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0 || !existsSync(join(root, 'dist', 'bundle', 'decode.cjs.cache'))) {
    throw new Error(`bundle: recording the code cache failed (exit ${r.status}): ${r.stderr}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Chunk names are content hashes: without this, every build's old chunks stay beside the new ones
  // (6.7 MB of them in a worktree after a day) and would ship in the package; and a cache must
  // never outlive its script.
  rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: Object.entries(bundleEntries()).map(([out, input]) => ({ in: input, out })),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: 'dist/bundle',
    chunkNames: 'chunk-[hash]',
    sourcemap: true,
    logLevel: 'warning',
  });
  await bundleDecodeScript();
  recordCodeCache();
}
