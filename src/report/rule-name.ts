// How every report format names a rule, from iptables or nftables alike: the same words in the
// table, markdown, CSV, HTML and trace output, so a rule can be searched for across them.

interface NamedRule {
  table: string;
  chain: string;
  ruleNumber: number;
  nft: { family: string; handle: number | null } | null;
}

/** `nat/POSTROUTING rule 3` (iptables) or `ip kube-proxy/services handle 12` (nft; `rule N` when dumped without handles). */
export function ruleName(r: NamedRule): string {
  if (r.nft === null) return `${r.table}/${r.chain} rule ${r.ruleNumber}`;
  return `${r.nft.family} ${r.table}/${r.chain} ${r.nft.handle !== null ? `handle ${r.nft.handle}` : `rule ${r.ruleNumber}`}`;
}

/** `iptables-save.txt:42`, `ruleset.json $.nftables[12].rule`, or the file alone. */
export function ruleSourceText(r: { file: string | null; line: number | null; jsonPath: string | null }): string {
  if (r.file === null) return 'source not known';
  if (r.line !== null) return `${r.file}:${r.line}`;
  return r.jsonPath !== null ? `${r.file} ${r.jsonPath}` : r.file;
}
