// Types of bench/scaling.mjs for the tests that build cases with it (test/app/batch).

export interface ScalingTemplate {
  readonly records: readonly unknown[];
}

export function readTemplate(file: string): Promise<ScalingTemplate>;
/** Writes DIR/node1/ (the sample host's snapshots and a capture of at least `bytes` bytes). */
export function makeCase(dir: string, sampleHost: string, template: ScalingTemplate, bytes: number): { packets: number; bytes: number };
export function runScalingBench(options: { root: string; node: string; cli: string }): Promise<unknown>;
export function printScalingBench(results: unknown): void;
