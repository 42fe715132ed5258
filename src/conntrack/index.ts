export * from './model.js';
export { parseConntrack } from './parse-conntrack.js';
export { summarizeConntrack } from './summarize.js';
