#!/usr/bin/env node
// Launcher (bin/natpath starts Node on it). `natpath decode …` compiles decode's own script
// (dist/bundle/decode.cjs: the decode command alone, made by `npm run build`) with the code cache
// V8 recorded of a decode run at build time, so that it deserializes the functions it runs instead
// of parsing and compiling them, and never starts Node's ES module loader (this file is CommonJS:
// bin/package.json). Every other command imports the ES module bundle (dist/bundle/natpath.js):
// from one script, analyze's peak RSS on a large case measured ~35 MB higher in most runs, and
// its start-up is a small part of its time.
// Numbers: docs/performance.md, "Start-up from a code cache".
//
// dist/bundle/decode.cjs.cache is: one header line, `natpath-code-cache 1 <node version> <arch>
// <script bytes>`, then the exact bytes of the script it was made from, then V8's cache. It is used
// only when the header matches this Node and the copy matches the script byte for byte; V8 checks
// its own version and flags again and may still refuse it (then the script compiles as without).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const bundleDir = join(__dirname, '..', 'dist', 'bundle');
// The command word as main() finds it when no global option with a value comes before it; in
// other cases decode takes the module bundle too, with the same result.
const command = process.argv.slice(2).find((word) => !word.startsWith('-'));
if (command === 'decode') runCachedScript();
else {
  import(require('node:url').pathToFileURL(join(bundleDir, 'natpath.js')).href).catch((err) => {
    if (err.code === 'ERR_MODULE_NOT_FOUND') notBuilt(join(bundleDir, 'natpath.js'), err);
    throw err;
  });
}

/** A clone whose build did not run (or failed): say what to do rather than print a stack. */
function notBuilt(path, err) {
  process.stderr.write(`natpath: cannot read ${path} (${err.code ?? err.message}): run \`npm run build\` in ${join(__dirname, '..')}\n`);
  process.exit(70);
}

function runCachedScript() {
  const { Script } = require('node:vm');
  const scriptPath = join(bundleDir, 'decode.cjs');
  const cachePath = `${scriptPath}.cache`;
  let script;
  try {
    script = readFileSync(scriptPath);
  } catch (err) {
    notBuilt(scriptPath, err);
  }
  const header = `natpath-code-cache 1 ${process.version} ${process.arch} ${script.length}\n`;
  const recording = process.env.NATPATH_WRITE_CODE_CACHE === '1';

  /** The V8 cache recorded for exactly this script and this Node, or why there is none. */
  const codeCacheFor = () => {
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
  };

  const cache = recording ? { data: undefined, why: 'being recorded' } : codeCacheFor();
  // The build checks that the script is ASCII, so Latin-1 decodes it exactly (no UTF-8 decoding
  // pass). It is a CommonJS module in its wrapper, (function (exports, require, module, __filename, __dirname) {…}).
  const compiled = new Script(script.latin1Slice(), { filename: scriptPath, cachedData: cache.data });
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
}
