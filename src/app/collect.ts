// `natpath collect`: print the shipped collect script, or run it with the options passed on, and
// exit with its exit code. Interrupts go to the script so it can stop tcpdump and pack the case.

import { spawn } from 'node:child_process';
import { collectScriptPath, readCollectScript } from './collect-script.js';

export interface CollectCommandOptions {
  printScript: boolean;
  /** The script's own options, in its spelling (`--out DIR`, `--no-capture`, …). */
  scriptArgs: string[];
}

export async function runCollectCommand(options: CollectCommandOptions): Promise<number> {
  if (options.printScript) {
    process.stdout.write(readCollectScript());
    return 0;
  }
  const child = spawn('sh', [collectScriptPath(), ...options.scriptArgs], { stdio: 'inherit' });
  // Ctrl-C reaches the script through the terminal's process group; wait for its clean-up
  // (stopping tcpdump) instead of exiting first. A TERM sent to natpath alone is passed on.
  const ignore = () => {};
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('exit', (c, signal) => resolve(c ?? (signal === 'SIGINT' ? 130 : 143)));
  });
  process.off('SIGINT', ignore);
  process.off('SIGTERM', forward);
  return code;
}
