// Types for the test that reuses the benchmark's dump generator.
export function bigKubeDump(services: number): string;
