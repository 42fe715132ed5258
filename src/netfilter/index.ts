export * from './model.js';
export { parseIptablesSave, type IptablesParseOptions } from './parse-iptables-save.js';
export { summarizeIptables, type IptablesSummary } from './summarize.js';
