// The module map (docs/architecture.md), enforced: `npm run lint:deps`, part of `npm test` and CI.
// Layers from top to bottom; a folder of src/ may import its own files and folders of lower
// layers, never a folder of its own layer or above. A strict order means no cycle between folders
// can exist; module-level cycles are forbidden as well. No exceptions list: fix the code instead.
const LAYERS = [
  ['cli'], // command tables, argument parsing and help only
  ['app'], // one runner per command
  ['report'], // report models, adapters from engine data, renderers, terminal styling
  ['match'], // one flow across capture points, clocks, translations explained
  ['sim'], // a packet's walk through one host
  ['case'], // files → hosts → recognised inputs and their facts
  ['nftables'], // nft model, text and JSON readers
  ['netfilter'], // iptables-save model and parser, matches and targets
  ['ipset', 'ipvs', 'route', 'conntrack'], // the other snapshot models and parsers
  ['flow'], // per-packet accumulation: legs, flow counting
  ['decode'], // one file per protocol, the reused packet view
  ['capture'], // pcap / pcapng / gzip reading
  ['net', 'text'], // addresses, diagnostics, line splitting
];

const below = (level) => LAYERS.slice(level + 1).flat();

const layerRules = LAYERS.flatMap((folders, level) =>
  folders.map((folder) => ({
    name: `layer-${folder}`,
    comment: `src/${folder}/ may import only ${below(level).join(', ') || 'nothing else in src/'} (docs/architecture.md)`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: '^src/', pathNot: [`^src/${folder}/`, ...below(level).map((f) => `^src/${f}/`)] },
  })),
);

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'unknown-folder',
      comment: 'every folder of src/ has a place in the map (add it to LAYERS and docs/architecture.md)',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.flat().map((f) => `^src/${f}/`) },
      to: {},
    },
    {
      name: 'unknown-folder-orphan',
      comment: 'every folder of src/ has a place in the map, also for a file that imports nothing',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: LAYERS.flat().map((f) => `^src/${f}/`) },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'modules import each other in a cycle',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve to a file',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};
