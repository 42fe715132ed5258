// natpath's own lines on stderr (problems, notes), prefixed by the command. They echo paths,
// arguments and text read from the inputs: control characters in those are shown as \xNN.

import { shown } from '../text/shown.js';

export function tell(command: string, message: string): void {
  process.stderr.write(`natpath ${command}: ${shown(message, true)}\n`);
}
