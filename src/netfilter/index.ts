export * from './model.js';
export { parseIptablesSave } from './parse-iptables-save.js';
export { summarizeIptables, type IptablesSummary } from './summarize.js';
