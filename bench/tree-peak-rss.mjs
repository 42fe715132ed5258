// Peak resident memory of a command together with all its descendants (what `/usr/bin/time`
// cannot say: its maximum RSS is that of the largest single process). Polls /proc every 10 ms
// and sums VmRSS over the process tree; prints the peak sum and the peak of the largest process.
//
//   node bench/tree-peak-rss.mjs -- node bin/natpath.js batch 'cases/*' --out /tmp/r
//
// Linux only. Used for docs/decisions.md (batch: child processes vs worker threads).

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const dash = process.argv.indexOf('--');
const [command, ...args] = process.argv.slice(dash >= 0 ? dash + 1 : 2);
if (command === undefined) {
  process.stderr.write('usage: node bench/tree-peak-rss.mjs -- COMMAND [ARGS...]\n');
  process.exit(2);
}

function residentKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** The root and every process whose parent chain leads to it. */
function tree(root) {
  const parents = new Map();
  for (const name of readdirSync('/proc')) if (/^\d+$/.test(name)) parents.set(Number(name), parentOf(Number(name)));
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) if (!inTree.has(pid) && inTree.has(ppid)) inTree.add(pid), (grew = true);
  }
  return inTree;
}

const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
let peakSumKb = 0;
let peakOneKb = 0;
let peakProcesses = 0;
const poll = setInterval(() => {
  const pids = tree(child.pid);
  let sum = 0;
  for (const pid of pids) {
    const kb = residentKb(pid);
    sum += kb;
    peakOneKb = Math.max(peakOneKb, kb);
  }
  peakSumKb = Math.max(peakSumKb, sum);
  peakProcesses = Math.max(peakProcesses, pids.size);
}, 10);
child.on('exit', (code, signal) => {
  clearInterval(poll);
  process.stdout.write(`exit ${code ?? signal}: peak RSS of the tree ${Math.round(peakSumKb / 1024)} MB, largest process ${Math.round(peakOneKb / 1024)} MB, up to ${peakProcesses} processes\n`);
});
