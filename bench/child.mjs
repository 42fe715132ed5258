// One measured workload, run in its own process by bench/run.mjs so each gets its own peak RSS:
//   node bench/child.mjs read|decode|decode-general|pcap-parser FILE
// decode-general: the decoder with its fast path forced off (PacketView.fastPath = false), to
// measure the fast path against the layered decoders in the same build.
// Prints {"packets":N,"bytes":B,"seconds":S} (S measured inside the process, start-up excluded).

import { createRequire } from 'node:module';
import { readCaptureFile } from '../dist/capture/index.js';
import { decodePacket, PacketView } from '../dist/decode/index.js';

const [mode, file] = process.argv.slice(2);
const started = performance.now();
let packets = 0;
let bytes = 0;

if (mode === 'read') {
  await readCaptureFile(file, (r) => {
    packets++;
    bytes += r.capLength;
  });
} else if (mode === 'decode' || mode === 'decode-general') {
  const view = new PacketView();
  view.fastPath = mode === 'decode';
  let flows = 0;
  await readCaptureFile(file, (r) => {
    decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
    packets++;
    bytes += r.capLength;
    flows += view.flowDepth; // use the result so nothing is optimised away
  });
  if (flows === 0.5) console.error('unreachable');
} else if (mode === 'pcap-parser') {
  const pcapParser = createRequire(import.meta.url)('pcap-parser');
  await new Promise((resolve, reject) => {
    const parser = pcapParser.parse(file);
    parser.on('packet', (p) => {
      packets++;
      bytes += p.header.capturedLength;
    });
    parser.on('end', resolve);
    parser.on('error', reject);
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(`${JSON.stringify({ packets, bytes, seconds: (performance.now() - started) / 1000 })}\n`);
