// The end-to-end tier (docs/testing.md, "Two tiers"): test files that start other programs — the
// built CLI as a process (exit status, --out, pipes, start-up time, --help), batch's case
// processes, sh, tar, a child Node whose memory is measured, a C compiler, chromium, the lab's
// network namespaces. Every other test file is the unit tier, in process. Read by vitest.config.ts
// and checked by tiers.test.ts.

export const E2E = [
  'test/cli/cli.test.ts',
  'test/cli/errors.test.ts',
  'test/cli/readme-examples.test.ts',
  'test/cli/start-up.test.ts',
  'test/app/batch/batch-cli.test.ts',
  'test/app/batch/faults.test.ts',
  'test/app/batch/kubernetes-doc.test.ts',
  'test/app/batch/memory-cap.test.ts',
  'test/app/collect/collect.test.ts',
  'test/capture/streaming.test.ts',
  'test/case/archive.test.ts',
  'test/case/hostile-archives.test.ts',
  'test/report/html/report-browser.test.ts',
  'test/report/html/ticket-browser.test.ts',
  'test/match/lab-e2e.test.ts',
  'test/match/lab-truth-readback.test.ts',
  'test/match/replayed-traffic.test.ts',
  'test/decode/c-reference.test.ts',
];
