// The table of problem codes in docs/problem-codes.md and the code enum of the report's JSON
// schema, both made from the registry (src/text/problem-codes.ts), so the docs cannot drift from
// what natpath reports. `UPDATE_DOCS=1 npx vitest run test/text` rewrites both; review the diff.

import { PROBLEM_CODES, type ProblemCode } from '../../src/text/problem-codes.js';

/** The reader each code prefix belongs to, in the order the doc lists them. */
const SECTIONS: readonly [prefix: string, title: string][] = [
  ['capture', 'Captures (pcap and pcapng, any format)'],
  ['pcap', 'pcap files'],
  ['pcapng', 'pcapng files'],
  ['text', 'Every text dump (before its reader)'],
  ['iptables', '`iptables-save` / `ip6tables-save` / `iptables -S`'],
  ['nft', '`nft list ruleset` (text)'],
  ['nftables', '`nft -j list ruleset` (JSON; the place is a JSON path)'],
  ['ipset', '`ipset save` / `ipset list`'],
  ['ipvs', '`ipvsadm -Ln`'],
  ['route', '`ip route` / `ip -j route`'],
  ['rule', '`ip rule` / `ip -j rule`'],
  ['link', '`ip addr` / `ip link` (and `-j`, `-d`)'],
  ['conntrack', '`conntrack -L`'],
  ['case', 'The case: folders, archives, recognition'],
  ['analyze', '`natpath analyze`: matching flows across captures'],
  ['trace', '`natpath trace`: loading a host'],
  ['sim', 'The simulator\'s walk'],
];

export function problemCodesMarkdown(): string {
  const codes = Object.keys(PROBLEM_CODES) as ProblemCode[];
  const out = [
    '# Problem codes',
    '',
    '<!-- Generated from src/text/problem-codes.ts by test/text/problem-codes.test.ts: edit the registry, then run',
    '     UPDATE_DOCS=1 npx vitest run test/text/problem-codes.test.ts -->',
    '',
    'Every diagnostic natpath reports (`diagnostics[].code` in `--format json`, the `file:line: severity: message`',
    'lines of the text output) carries one of these codes. Codes are stable: scripts may match on them. The',
    'severity is the usual one; a reader may raise or lower it for one occurrence (e.g. a `:chain` policy',
    'that is only odd, not wrong). Repeated problems are folded into one diagnostic with a `count`; each',
    `file lists at most 1000 problems and counts the rest (\`text.problems-not-listed\`, docs/limits.md).`,
    '',
  ];
  const listed = new Set<string>();
  for (const [prefix, title] of SECTIONS) {
    const mine = codes.filter((c) => c.slice(0, c.indexOf('.')) === prefix);
    if (mine.length === 0) continue;
    out.push(`## ${title}`, '', '| code | severity | meaning |', '| --- | --- | --- |');
    for (const c of mine) {
      out.push(`| \`${c}\` | ${PROBLEM_CODES[c].severity} | ${PROBLEM_CODES[c].meaning.replaceAll('|', '\\|')} |`);
      listed.add(c);
    }
    out.push('');
  }
  const orphans = codes.filter((c) => !listed.has(c));
  if (orphans.length > 0) throw new Error(`codes with a prefix the doc has no section for: ${orphans.join(', ')} (add it to SECTIONS)`);
  return out.join('\n');
}

/** docs/report-schema.json with `$defs.diagnostic.properties.code` enumerating the registry. */
export function schemaWithCodes(schemaText: string): string {
  const schema = JSON.parse(schemaText) as { $defs: { diagnostic: { properties: { code: unknown } } } };
  schema.$defs.diagnostic.properties.code = { enum: Object.keys(PROBLEM_CODES), description: 'docs/problem-codes.md' };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
