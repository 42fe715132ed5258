// Every run of natpath pays for what the CLI loads before a command's handler: the format
// registries and renderers (the HTML report among them) are loaded by the handlers that render,
// never at start-up (~30 ms measured: docs/decisions.md).

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../corpus.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { DECODE_FORMATS } from '../../src/report/decode-formats.js';
import { INSPECT_FORMATS } from '../../src/report/inspect-formats.js';
import { TRACE_FORMATS } from '../../src/report/trace-formats.js';
import { ANALYZE_FORMAT_NAMES, DECODE_FORMAT_NAMES, INSPECT_FORMAT_NAMES, TRACE_FORMAT_NAMES } from '../../src/report/format-names.js';

const packageVersion = (): string => (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('CLI start-up', () => {
  it('loads no renderer before a command runs', () => {
    // What main.js loads before a handler runs: its static imports, followed through dist/
    // (a handler's `await import(…)` is not followed). No format registry or renderer among them.
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/^import (?:[^'"]* from )?'(\.{1,2}\/[^']+)';$/gm)) visit(join(dirname(file), m[1]!));
    };
    visit(join(PROJECT_ROOT, 'dist', 'cli', 'main.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].map((f) => relative(join(PROJECT_ROOT, 'dist'), f)).filter((f) => /^report\/(.*-formats|render-.*|html\/.*)\.js$/.test(f))).toEqual([]);
  });

  it('starts decode from one script compiled with its code cache, every other command from the module bundle', async () => {
    const { bundleEntries } = (await import(join(PROJECT_ROOT, 'scripts', 'bundle.mjs'))) as { bundleEntries: () => Record<string, string> };
    const entries = bundleEntries();
    // The workers natpath starts today; a new one is found by the same pattern.
    expect(entries).toMatchObject({ natpath: 'dist/cli/launch.js', 'flow-worker': 'dist/flow/flow-worker.js', 'case-child': 'dist/app/batch/case-child.js', 'collect-worker': 'dist/flow/collect-worker.js' });
    for (const name of Object.keys(entries)) expect(existsSync(join(PROJECT_ROOT, 'dist', 'bundle', `${name}.js`)), name).toBe(true);
    const launcher = readFileSync(join(PROJECT_ROOT, 'bin', 'natpath.js'), 'utf8');
    expect(launcher).toContain("'decode.cjs'");
    expect(launcher).toContain("'natpath.js'");
    const script = readFileSync(join(PROJECT_ROOT, 'dist', 'bundle', 'decode.cjs'));
    expect(script.every((b) => b < 0x80)).toBe(true); // the launcher reads it as Latin-1
    // Strict, as the ES modules it was made of: the directive opens the wrapper's body.
    expect(script.toString('latin1')).toMatch(/^\(function \(exports, require, module, __filename, __dirname\) \{"use strict";/);
    // decode alone: none of the other commands' code, and the same help as natpath's own program gives.
    const modules = [...script.toString('latin1').matchAll(/"dist\/([\w/-]+)\.js"\(\)/g)].map((m) => m[1]!);
    expect(modules).toContain('app/decode');
    expect(modules.filter((m) => /^(app\/(analyze|trace|inspect|batch|collect)|match\/|sim\/|report\/html)/.test(m))).toEqual([]);
    const help = (...args: string[]) =>
      spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'natpath.js'), ...args], { encoding: 'utf8', env: { ...process.env, NATPATH_DEBUG: '1', NO_COLOR: '1' } });
    const fromScript = help('decode', '--help');
    const fromModules = help('help', 'decode'); // `help` is not decode: the module bundle answers
    expect(fromScript.stderr).toContain('code cache');
    expect(fromModules.stderr).toBe('');
    expect(fromScript.stdout).toContain('Decode every packet');
    expect(fromScript.stdout).toBe(fromModules.stdout);
    const env = { ...process.env, NATPATH_DEBUG: '1' };
    const version = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'natpath.js'), '--version'], { encoding: 'utf8', env });
    expect(version.stdout.trim()).toBe(packageVersion());
    expect(version.stderr).toBe(''); // the module bundle: no code cache to speak of
    const capture = join(PROJECT_ROOT, 'samples', 'nodeport', 'node1', 'capture.pcapng');
    const decode = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'natpath.js'), 'decode', capture, '--summary', '--format', 'json'], { encoding: 'utf8', env });
    expect(decode.status).toBe(0);
    expect(JSON.parse(decode.stdout)).toMatchObject({ packets: 125 });
    // The cache the build recorded is V8's for this Node: were it refused, every decode would compile the CLI again.
    expect(decode.stderr).toBe(`natpath: code cache ${join(PROJECT_ROOT, 'dist', 'bundle', 'decode.cjs.cache')}: used\n`);
  });

  it('uses the code cache only for the exact script and Node it was recorded for', () => {
    // A copy of the package's launcher and script: a stale cache would run the bytecode of the old script.
    const dir = mkdtempSync(join(tmpdir(), 'natpath-code-cache-'));
    try {
      for (const f of ['package.json', 'bin/natpath.js', 'bin/package.json', 'dist/bundle/decode.cjs', 'dist/bundle/decode.cjs.cache']) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        copyFileSync(join(PROJECT_ROOT, f), join(dir, f));
      }
      const cachePath = join(dir, 'dist', 'bundle', 'decode.cjs.cache');
      const help = (): { stdout: string; stderr: string } =>
        spawnSync(process.execPath, [join(dir, 'bin', 'natpath.js'), 'decode', '--help'], { encoding: 'utf8', env: { ...process.env, NATPATH_DEBUG: '1', NO_COLOR: '1' } });
      const said = (why: string): string => `natpath: code cache ${cachePath}: ${why}\n`;
      const original = help();
      expect(original.stderr).toBe(said('used'));
      expect(original.stdout).toContain('Decode every packet');

      // The script changed, its length did not (V8's own check looks at the length only).
      const scriptPath = join(dir, 'dist', 'bundle', 'decode.cjs');
      const script = readFileSync(scriptPath, 'latin1');
      expect(script).toContain('Decode every packet');
      writeFileSync(scriptPath, script.replace('Decode every packet', 'Xecode every packet'), 'latin1');
      const edited = help();
      expect(edited.stderr).toBe(said('made for another script or Node'));
      expect(edited.stdout).toContain('Xecode every packet');
      expect(edited.stdout).not.toContain('Decode every packet');
      writeFileSync(scriptPath, script, 'latin1');
      expect(help().stderr).toBe(said('used'));

      // Recorded by another Node.
      const cache = readFileSync(cachePath, 'latin1');
      writeFileSync(cachePath, cache.replace(`natpath-code-cache 1 ${process.version} `, 'natpath-code-cache 1 v0.0.0 '), 'latin1');
      const otherNode = help();
      expect(otherNode.stderr).toBe(said('made for another script or Node'));
      expect(otherNode.stdout).toBe(original.stdout);

      // Refused by V8 (other flags), or absent: the same help.
      writeFileSync(cachePath, cache, 'latin1');
      const otherFlags = spawnSync(process.execPath, ['--max-semi-space-size=4', join(dir, 'bin', 'natpath.js'), 'decode', '--help'], {
        encoding: 'utf8',
        env: { ...process.env, NATPATH_DEBUG: '1', NO_COLOR: '1' },
      });
      expect(otherFlags.stderr).toBe(said('refused by V8 (another V8 version or flags)'));
      expect(otherFlags.stdout).toBe(original.stdout);
      rmSync(cachePath);
      const absent = help();
      expect(absent.stderr).toBe(said('absent'));
      expect(absent.stdout).toBe(original.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says to build when the bundle is missing, instead of a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'natpath-unbuilt-'));
    try {
      for (const f of ['bin/natpath.js', 'bin/package.json']) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        copyFileSync(join(PROJECT_ROOT, f), join(dir, f));
      }
      const run = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'bin', 'natpath.js'), ...args], { encoding: 'utf8' });
      const version = run('--version');
      expect(version.status).toBe(70);
      expect(version.stdout).toBe('');
      expect(version.stderr).toBe(`natpath: cannot read ${join(dir, 'dist', 'bundle', 'natpath.js')} (ERR_MODULE_NOT_FOUND): run \`npm run build\` in ${dir}\n`);
      const decode = run('decode', 'x.pcap');
      expect(decode.status).toBe(70);
      expect(decode.stderr).toBe(`natpath: cannot read ${join(dir, 'dist', 'bundle', 'decode.cjs')} (ENOENT): run \`npm run build\` in ${dir}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends as soon as its output is written, none of it lost to a slow reader', () => {
    // The process ends itself once main() is done (launch.ts); more output than a pipe holds, read late.
    const capture = join(PROJECT_ROOT, 'samples', 'pod-egress-loadgen', 'node1', 'capture.pcap');
    const all = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'natpath.js'), 'decode', capture, '--format', 'ndjson'], { encoding: 'utf8', maxBuffer: 16 << 20 });
    expect(all.status).toBe(0);
    expect(all.stdout.length).toBeGreaterThan(128 * 1024);
    const slow = spawnSync('sh', ['-c', `"$0" "$1" decode "$2" --format ndjson | (sleep 0.3; cat)`, process.execPath, join(PROJECT_ROOT, 'bin', 'natpath.js'), capture], {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    expect(slow.stdout).toBe(all.stdout);
  });

  it('lists the formats each registry renders, in its order', () => {
    expect(Object.keys(ANALYZE_FORMATS)).toEqual([...ANALYZE_FORMAT_NAMES]);
    expect(Object.keys(DECODE_FORMATS)).toEqual([...DECODE_FORMAT_NAMES]);
    expect(Object.keys(INSPECT_FORMATS)).toEqual([...INSPECT_FORMAT_NAMES]);
    expect(Object.keys(TRACE_FORMATS)).toEqual([...TRACE_FORMAT_NAMES]);
  });
});

describe('the natpath command (bin/natpath)', () => {
  const launcher = join(PROJECT_ROOT, 'bin', 'natpath');
  // Node 20 reads NODE_EXTRA_CA_CERTS before any script runs, and warns when it cannot.
  const missingCa = { ...process.env, NODE_EXTRA_CA_CERTS: join(tmpdir(), 'natpath-no-such-ca.pem') };

  it('is what package.json installs, and starts Node without NODE_EXTRA_CA_CERTS', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ natpath: 'bin/natpath' });
    const direct = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'natpath.js'), '--version'], { encoding: 'utf8', env: missingCa });
    expect(direct.stderr).toContain('Ignoring extra certs from'); // so the variable does reach a Node started directly
    const launched = spawnSync(launcher, ['--version'], { encoding: 'utf8', env: missingCa });
    expect(launched.status).toBe(0);
    expect(launched.stdout).toBe(`${packageVersion()}\n`);
    expect(launched.stderr).toBe('');
  });

  it('runs from a link, as npm installs it, with every argument intact and the exit code passed on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'natpath launcher '));
    try {
      mkdirSync(join(dir, '.bin'));
      symlinkSync(relative(join(dir, '.bin'), launcher), join(dir, '.bin', 'natpath'));
      const capture = join(dir, "a 'capture' $HOME.pcapng");
      copyFileSync(join(PROJECT_ROOT, 'samples', 'nodeport', 'node1', 'capture.pcapng'), capture);
      const decode = spawnSync(join(dir, '.bin', 'natpath'), ['decode', capture, '--summary', '--format', 'json'], { encoding: 'utf8', env: missingCa });
      expect(decode.stderr).toBe('');
      expect(decode.status).toBe(0);
      expect(JSON.parse(decode.stdout)).toMatchObject({ packets: 125 });
      // By PATH, as a shell finds it.
      const byPath = spawnSync('natpath', ['no-such-command'], { encoding: 'utf8', env: { ...missingCa, PATH: `${join(dir, '.bin')}:${process.env.PATH ?? ''}` } });
      expect(byPath.status).toBe(2);
      expect(byPath.stderr).toContain('unknown command "no-such-command"');
      // From its own folder, by the shell: $0 names no folder.
      const fromBin = spawnSync('sh', ['natpath', '--version'], { cwd: join(PROJECT_ROOT, 'bin'), encoding: 'utf8', env: missingCa });
      expect(fromBin.stderr).toBe('');
      expect(fromBin.stdout).toBe(`${packageVersion()}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives glibc's allocator settings that keep freed memory (before the user's own), and decode alone a pool of threads that leaves it a CPU", () => {
    const dir = mkdtempSync(join(tmpdir(), 'natpath-launcher-env-'));
    try {
      // What the Node the launcher started sees, said by a module Node loads before natpath.
      const probe = join(dir, 'probe.cjs');
      writeFileSync(probe, "require('node:fs').writeSync(2, 'GLIBC_TUNABLES=' + (process.env.GLIBC_TUNABLES ?? '(unset)') + '\\n');\n");
      const seen = (args: string[], own?: string): string => {
        const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${probe}` };
        if (own === undefined) delete env.GLIBC_TUNABLES;
        else env.GLIBC_TUNABLES = own;
        const r = spawnSync(launcher, args, { encoding: 'utf8', env });
        return r.stderr.split('\n')[0]!;
      };
      const ours = 'glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=67108864:glibc.malloc.arena_max=2';
      const capture = join(PROJECT_ROOT, 'samples', 'nodeport', 'node1', 'capture.pcapng');
      expect(seen(['decode', capture, '--summary'])).toBe(`GLIBC_TUNABLES=${ours}`);
      expect(seen(['--color', 'decode', '--help'], 'glibc.malloc.arena_max=4')).toBe(`GLIBC_TUNABLES=${ours}:glibc.malloc.arena_max=4`);
      expect(seen(['--version'])).toBe(`GLIBC_TUNABLES=${ours}`);
      expect(seen(['inspect', capture], 'glibc.malloc.arena_max=4')).toBe(`GLIBC_TUNABLES=${ours}:glibc.malloc.arena_max=4`);

      // decode's pool of background threads: one fewer than the CPUs online, on a machine of 2-4.
      const argvOf = (args: string[]): string[] => {
        const r = spawnSync(launcher, args, { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--require ${argvProbe}` } });
        return JSON.parse(r.stderr.split('\n')[0]!) as string[];
      };
      const argvProbe = join(dir, 'argv.cjs');
      writeFileSync(argvProbe, "require('node:fs').writeSync(2, JSON.stringify(process.execArgv) + '\\n');\n");
      const online = readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
      const cpus = /^0-\d+$/.test(online) ? Number(online.slice(2)) + 1 : online === '0' ? 1 : Infinity;
      const pool = cpus <= 4 ? [`--v8-pool-size=${Math.max(1, cpus - 1)}`] : [];
      expect(argvOf(['decode', capture, '--summary'])).toEqual(pool);
      expect(argvOf(['--color', 'decode', '--help'])).toEqual(pool);
      expect(argvOf(['--version'])).toEqual([]);
      // A word that is not decode comes first: natpath.js takes it as the command too.
      expect(argvOf(['trace', 'decode'])).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
