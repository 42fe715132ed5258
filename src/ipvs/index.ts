export { parseIpvsadm } from './parse-ipvsadm.js';
export { summarizeIpvs, type IpvsSummary } from './summarize.js';
