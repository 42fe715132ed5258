export type { IpSet, IpsetDump, IpsetEntry, EntryPart } from './model.js';
export { parseIpset } from './parse-ipset.js';
export { testMembership, type Membership, type SetPacket, type SetQuery } from './membership.js';
export { summarizeIpsets, type IpsetSummary } from './summarize.js';
