#!/usr/bin/env node
// Launcher: compiles the CLI (dist/bundle/natpath.cjs, one script made by `npm run build`) with the
// code cache V8 recorded of a run of it at build time, so that a command deserializes the functions
// it runs instead of parsing and compiling them (numbers: docs/performance.md, "Start-up from a
// code cache"). CommonJS (bin/package.json), so Node never starts its ES module loader.
//
// dist/bundle/natpath.cjs.cache is: one header line, `natpath-code-cache 1 <node version> <arch>
// <script bytes>`, then the exact bytes of the script it was made from, then V8's cache. It is used
// only when the header matches this Node and the copy matches the script byte for byte; V8 checks
// its own version and flags again and may still refuse it (then the script compiles as without).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const scriptPath = join(__dirname, '..', 'dist', 'bundle', 'natpath.cjs');
const cachePath = `${scriptPath}.cache`;
let script;
try {
  script = readFileSync(scriptPath);
} catch (err) {
  // A clone whose build did not run (or failed): say what to do rather than print a stack.
  process.stderr.write(`natpath: cannot read ${scriptPath} (${err.code ?? err.message}): run \`npm run build\` in ${join(__dirname, '..')}\n`);
  process.exit(70);
}
const header = `natpath-code-cache 1 ${process.version} ${process.arch} ${script.length}\n`;
const recording = process.env.NATPATH_WRITE_CODE_CACHE === '1';

/** The V8 cache recorded for exactly this script and this Node, or why there is none. */
function codeCacheFor() {
  let file;
  try {
    file = readFileSync(cachePath);
  } catch {
    return { data: undefined, why: 'absent' }; // an older build, or a copy without it: compile as usual
  }
  const start = header.length;
  const end = start + script.length;
  if (file.length <= end || file.latin1Slice(0, start) !== header || !script.equals(file.subarray(start, end))) {
    return { data: undefined, why: 'made for another script or Node' };
  }
  return { data: file.subarray(end), why: 'used' };
}

// The build checks that the script is ASCII, so Latin-1 decodes it exactly (no UTF-8 decoding pass).
const cache = recording ? { data: undefined, why: 'being recorded' } : codeCacheFor();
// The script is a CommonJS module in its wrapper function, (function (exports, require, module, __filename, __dirname) {…}).
const compiled = new Script(script.latin1Slice(), {
  filename: scriptPath,
  cachedData: cache.data,
});
if (process.env.NATPATH_DEBUG) {
  const why = cache.data !== undefined && compiled.cachedDataRejected ? 'refused by V8 (another V8 version or flags)' : cache.why;
  process.stderr.write(`natpath: code cache ${cachePath}: ${why}\n`);
}
if (recording) {
  // After the run, so that the cache holds every function the run compiled, not only the top level.
  process.on('exit', () => writeFileSync(cachePath, Buffer.concat([Buffer.from(header, 'latin1'), script, compiled.createCachedData()])));
}
const cliModule = { exports: {} };
compiled.runInThisContext()(cliModule.exports, require, cliModule, scriptPath, dirname(scriptPath));
