export * from './model.js';
export { parseConntrack } from './parse-conntrack.js';
export { summarizeConntrack, type ConntrackSummary } from './summarize.js';
