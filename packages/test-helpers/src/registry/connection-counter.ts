/**
 * A TCP pass-through on 127.0.0.1 in front of a real server that counts the connections
 * it accepts: every byte is piped both ways unchanged (TLS included, which it never
 * decrypts), so the client talks to the real registry and the count is the number of
 * sockets the registry would have accepted.
 *
 * @example
 * const counter = await startConnectionCounter(registry.url);
 * // point the client at counter.url ... then
 * expect(counter.accepted).toBeLessThanOrEqual(8);
 */
import { connect, createServer, type Socket } from 'node:net';

export interface RunningConnectionCounter {
  /** `http://127.0.0.1:PORT` (or https, as the target is). */
  url: string;
  host: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Most connections open at one time so far. */
  readonly peakOpen: number;
  reset(): void;
  stop(): Promise<void>;
}

export async function startConnectionCounter(target: string): Promise<RunningConnectionCounter> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let accepted = 0;
  let open = 0;
  let peakOpen = 0;
  const server = createServer((client) => {
    accepted++;
    peakOpen = Math.max(peakOpen, ++open);
    const remote = connect({ host: upstream.hostname, port: Number(upstream.port) });
    sockets.add(client).add(remote);
    const close = () => {
      client.destroy();
      remote.destroy();
    };
    client.once('close', () => {
      open--;
      sockets.delete(client);
      close();
    });
    remote.once('close', () => {
      sockets.delete(remote);
      close();
    });
    client.on('error', close);
    remote.on('error', close);
    client.pipe(remote);
    remote.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `${upstream.protocol}//127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get peakOpen() {
      return peakOpen;
    },
    reset() {
      accepted = 0;
      peakOpen = open;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
