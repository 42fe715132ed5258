// Tiny servers and clients for the lab, run inside the lab's network namespaces.
//
// Node is used instead of curl/python/socat because it is the one runtime every natpath
// machine (and CI) is guaranteed to have. Every client is bounded: a fixed number of
// requests, each with a timeout, so a broken world fails fast instead of hanging the lab.
//
//   node services.mjs serve-http PORT NAME     HTTP server on all addresses (v4 and v6)
//   node services.mjs serve-udp PORT NAME      UDP echo server on all addresses (v4 and v6)
//   node services.mjs http-get HOST PORT COUNT  COUNT sequential GETs, one TCP connection each
//   node services.mjs udp-send HOST PORT COUNT TAG  COUNT datagrams from one socket, each echoed
//   node services.mjs udp-fire HOST PORT COUNT TAG  COUNT datagrams from one socket, no answer expected
//   node services.mjs serve-udp-mirror PORT NAME   UDP echo that sends every datagram back unchanged
//   node services.mjs udp-repeat HOST PORT COUNT ROUNDS TAG  ROUNDS rounds, 2 s apart, each from a
//        new socket, of the same COUNT datagrams, each echoed (replayed content on other ports)
//   node services.mjs udp-burst HOST PORT SOCKETS ROUNDS TAG  a load generator: SOCKETS sockets send
//        the same datagram at once, ROUNDS times 300 ms apart, each waiting for its echo
//   node services.mjs http-burst HOST PORT CONNECTIONS  CONNECTIONS GETs at once, one connection each,
//        the same request bytes on every connection
//
// Servers print "ready" once listening, which lab.sh waits for.

import http from 'node:http';
import dgram from 'node:dgram';

const TIMEOUT_MS = 3000;

// NAME is the lab host's name: namespaces share the machine's hostname, which has no
// business in the samples.
function serveHttp(port, name) {
  const server = http.createServer((req, res) => {
    // Say who we think the client is: handy when eyeballing the lab by hand.
    const peer = `${req.socket.remoteAddress} port ${req.socket.remotePort}`;
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end(`hello from ${name}; you are ${peer}\n`);
  });
  server.listen({ port: Number(port), host: '::', ipv6Only: false }, () => console.log('ready'));
}

function serveUdp(port) {
  const sock = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  sock.on('message', (msg, rinfo) => {
    sock.send(Buffer.concat([Buffer.from('echo '), msg]), rinfo.port, rinfo.address);
  });
  sock.bind(Number(port), '::', () => console.log('ready'));
}

// A slow server: echoes each datagram DELAY_MS later, from ADDRESS (bound to it, so the echo
// leaves from the address the client dialled), by which time a client with a short timeout has
// closed its socket and its kernel answers with ICMP port unreachable (icmp-errors-two-rules).
function serveUdpLate(port, name, address, delayMs) {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    setTimeout(() => sock.send(Buffer.concat([Buffer.from('late echo '), msg]), rinfo.port, rinfo.address), Number(delayMs));
  });
  sock.bind(Number(port), address, () => console.log('ready'));
}

// An echo that returns the payload as it came: request and reply are then the same bytes above
// the transport header, the case that must not turn a flow round in analyze.
function serveUdpMirror(port) {
  const sock = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  sock.on('message', (msg, rinfo) => sock.send(msg, rinfo.port, rinfo.address));
  sock.bind(Number(port), '::', () => console.log('ready'));
}

/** COUNT datagrams from one new socket, each waiting for its echo; resolves when all came back, fails on a missing one. */
function echoRound(host, port, count, tag) {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    let sent = 0;
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`${count - sent + 1} of ${count} echoes missing from ${host}:${port}`));
    }, TIMEOUT_MS * Number(count));
    const sendNext = () => {
      sent++;
      sock.send(`natpath-lab ${tag} datagram ${sent}`, Number(port), host);
    };
    sock.on('message', (msg) => {
      console.log(msg.toString());
      if (sent < Number(count)) return sendNext();
      clearTimeout(timer);
      sock.close();
      resolve();
    });
    sendNext();
  });
}

// The same datagrams again and again, each round from a new socket (so another source port):
// what a replay or a load generator does to the contents natpath matches packets by.
async function udpRepeat(host, port, count, rounds, tag) {
  for (let r = 0; r < Number(rounds); r++) {
    if (r > 0) await new Promise((done) => setTimeout(done, 2000));
    await echoRound(host, port, count, tag);
  }
}

/**
 * A load generator: every socket sends the very same bytes at the same moment, round after round.
 * The sockets are not connected (sendto), so Linux gives these DF datagrams IP ID 0: apart from the
 * ports, the copies are byte for byte alike — what a replay or a load test does to matching.
 */
async function udpBurst(host, port, sockets, rounds, tag) {
  const family = host.includes(':') ? 'udp6' : 'udp4';
  const payload = Buffer.from(`natpath-lab ${tag} same request`);
  const all = Array.from({ length: Number(sockets) }, () => dgram.createSocket(family));
  await Promise.all(all.map((sock) => new Promise((done) => sock.bind(0, done))));
  try {
    for (let r = 0; r < Number(rounds); r++) {
      if (r > 0) await new Promise((done) => setTimeout(done, 300));
      const echoes = all.map((sock) => new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`round ${r + 1}: no echo from ${host}:${port} in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        sock.once('message', (msg) => {
          clearTimeout(timer);
          resolve(msg.toString());
        });
      }));
      for (const sock of all) sock.send(payload, Number(port), host);
      const answers = await Promise.all(echoes);
      console.log(`round ${r + 1}: ${answers.length} echoes, e.g. ${answers[0]}`);
    }
  } finally {
    for (const sock of all) sock.close();
  }
}

/** CONNECTIONS GETs started together, each on its own connection: identical request bytes, near-equal times. */
async function httpBurst(host, port, connections) {
  const bodies = await Promise.all(Array.from({ length: Number(connections) }, () => getOnce(host, port)));
  console.log(`${bodies.length} answers, e.g. ${bodies[0]}`);
}

function getOnce(host, port) {
  return new Promise((resolve, reject) => {
    // agent: false gives a fresh TCP connection (and source port) per request.
    const req = http.get({ host, port: Number(port), path: '/', agent: false, timeout: TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${host}:${port} in ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

async function httpGet(host, port, count) {
  for (let i = 0; i < Number(count); i++) console.log(await getOnce(host, port));
}

// COUNT datagrams from one socket, each waiting for its echo (a unique payload per datagram lets
// the lab follow it through NAT by content).
function udpSend(host, port, count, tag) {
  return echoRound(host, port, count, tag);
}

// For scenarios where no answer can come back (a leak the far end cannot route to): send COUNT
// datagrams 200 ms apart from one socket and expect nothing.
function udpFire(host, port, count, tag) {
  const family = host.includes(':') ? 'udp6' : 'udp4';
  const sock = dgram.createSocket(family);
  let sent = 0;
  const sendNext = () => {
    sent++;
    sock.send(`natpath-lab ${tag} datagram ${sent}`, Number(port), host, () => {
      if (sent < Number(count)) setTimeout(sendNext, 200);
      else setTimeout(() => sock.close(), 300);
    });
  };
  sendNext();
}

const [command, ...args] = process.argv.slice(2);
const commands = {
  'serve-http': serveHttp,
  'serve-udp': serveUdp,
  'serve-udp-mirror': serveUdpMirror,
  'serve-udp-late': serveUdpLate,
  'http-get': httpGet,
  'udp-send': udpSend,
  'udp-fire': udpFire,
  'udp-repeat': udpRepeat,
  'udp-burst': udpBurst,
  'http-burst': httpBurst,
};
if (!commands[command]) {
  console.error(`usage: services.mjs ${Object.keys(commands).join('|')} ARGS...`);
  process.exit(2);
}
Promise.resolve(commands[command](...args)).catch((err) => {
  console.error(`${command}: ${err.message}`);
  process.exit(1);
});
