// At exit 66 (nothing usable in the inputs) a command writes no report — stdout stays empty, as
// when no path exists, so a script never mistakes an empty report for a result — and says on
// stderr why: the problems found, one a line, at most MAX_LISTED of them.

import { shown } from '../text/shown.js';

const MAX_LISTED = 50;

export function writeWhyUnusable(command: string, problems: string[], conclusion: string): void {
  const listed = problems.slice(0, MAX_LISTED).map((p) => `${p}\n`);
  const more = problems.length > MAX_LISTED ? [`… and ${problems.length - MAX_LISTED} more problem(s)\n`] : [];
  process.stderr.write(shown([...listed, ...more, `natpath ${command}: ${conclusion}\n`].join(''), true));
}
