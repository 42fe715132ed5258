// Bundles the compiled CLI (dist/cli/launch.js) and every module the code starts by URL (workers:
// `new URL('./x.js', import.meta.url)`) into dist/bundle/, one directory, so each such URL still
// finds its file next to the chunk that asks for it.
// Why: loading the CLI's ~160 ES modules one by one costs Node more CPU than the CLI's own start
// (numbers in docs/decisions.md). Usage: node scripts/bundle.mjs (after tsc; `npm run build` runs both).

import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STARTED_BY_URL = /new URL\('\.\/([\w-]+)\.js', import\.meta\.url\)/g;

/** Entry points by output name: the CLI, then each module that src/ starts by a sibling URL. */
export function bundleEntries(rootDir = root) {
  const entries = { natpath: 'dist/cli/launch.js' };
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entries = bundleEntries();
  // Chunk names are content hashes: without this, every build's old chunks stay beside the new ones
  // (6.7 MB of them in a worktree after a day) and would ship in the package.
  rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
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
}
