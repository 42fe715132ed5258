#!/usr/bin/env node
// Thin launcher: the CLI bundled into dist/bundle/ by `npm run build` (npm ci runs it through
// `prepare`); one file loads in a fraction of the time of the ~160 modules it is made of.
import '../dist/bundle/natpath.js';
