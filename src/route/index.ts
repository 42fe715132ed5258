export * from './model.js';
export { parseIpRoute, parseIpRouteJson } from './parse-ip-route.js';
export { parseIpRule, parseIpRuleJson } from './parse-ip-rule.js';
export { parseIpLink, parseIpLinkJson } from './parse-ip-link.js';
export { summarizeRoutes, summarizeRules, summarizeInterfaces, type RoutesSummary, type RulesSummary, type InterfacesSummary } from './summarize.js';
export { tunnelPortsOf } from './tunnel-ports.js';
