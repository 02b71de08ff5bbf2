/**
 * The benchmark's latency proxy in its own process (`node latency-proxy.js TARGET MS`),
 * so that the proxy standing in for the network does not share an event loop with the
 * client being measured. Prints its URL on stdout, stops on SIGTERM or when stdin closes.
 */
import { startFaultProxy } from '../../packages/core/test/helpers/registry/fault-proxy.js';

const [target, latency] = process.argv.slice(2);
if (!target) throw new Error('usage: latency-proxy TARGET_URL LATENCY_MS');
const proxy = await startFaultProxy({ target, latencyMs: Number(latency ?? 50) });
process.stdout.write(`${proxy.url}\n`);
const stop = () => void proxy.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
