export type { IpsetDump } from './model.js';
export { parseIpset } from './parse-ipset.js';
export { testMembership, type SetPacket } from './membership.js';
export { summarizeIpsets, type IpsetSummary } from './summarize.js';
