/**
 * The benchmark's network, in its own process (`node latency-proxy.js TARGET_URL RTT_MS`) so
 * that it does not share an event loop with the client being measured: a TCP pass-through
 * to the registry that delays every chunk by half the round trip in each direction. Bytes
 * are not read (TLS passes through untouched), so a request on an open connection costs one
 * round trip and a new connection costs its TLS handshake's round trips too, as on a real
 * network.
 *
 * Prints its URL (the target's scheme, its own port) on stdout. On stdin, the line `count`
 * is answered with `{"accepted":N}` (connections accepted since the last `count`). Stops on
 * SIGTERM or when stdin closes.
 */
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

const [target, rtt] = process.argv.slice(2);
if (!target) throw new Error('usage: latency-proxy TARGET_URL RTT_MS');
const upstream = new URL(target);
const oneWay = Number(rtt ?? 50) / 2;
let accepted = 0;
const sockets = new Set<Socket>();

/** Writes what `from` sends to `to`, each chunk `oneWay` ms later, in order. */
function delayed(from: Socket, to: Socket): void {
  from.on('data', (chunk) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, oneWay);
  });
  from.on('end', () => setTimeout(() => to.end(), oneWay));
}

const server = createServer((client) => {
  accepted++;
  const remote = connect({ host: upstream.hostname, port: Number(upstream.port) });
  client.setNoDelay(true);
  remote.setNoDelay(true);
  for (const socket of [client, remote]) {
    sockets.add(socket);
    socket.on('error', () => {
      client.destroy();
      remote.destroy();
    });
    socket.on('close', () => sockets.delete(socket));
  }
  delayed(client, remote);
  delayed(remote, client);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${upstream.protocol}//127.0.0.1:${port}\n`);
});

const stop = () => {
  for (const socket of sockets) socket.destroy();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'count') return;
  process.stdout.write(`${JSON.stringify({ accepted })}\n`);
  accepted = 0;
});
lines.on('close', stop);
