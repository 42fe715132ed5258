// What `natpath` runs for every command but decode: main() with the process's arguments. The
// module bundle (scripts/bundle.mjs) starts here, so bin/natpath.js loads one file instead of ~160.

import { main } from './main.js';
import { startCli } from './start-cli.js';

startCli(main);
