/**
 * The load generator as its own process (started by processes.ts): runs one load step against the
 * engine and prints its report as one JSON line on standard output. Its own garbage collection
 * and event-loop work stay out of the engine's process, as NinjaTrader's would.
 *
 *   ENIGMA_TOKEN=... tsx bench/e2e/generator-process.ts '{"url":"http://127.0.0.1:8686","connections":1,"rate":10000,"durationMs":5000}'
 */
import { runLoad, type LoadOptions } from './load-generator.js';

const options = JSON.parse(process.argv[2] ?? '{}') as Omit<LoadOptions, 'token'>;
const token = process.env['ENIGMA_TOKEN'];
if (token === undefined || token === '') throw new Error('set ENIGMA_TOKEN');
const report = await runLoad({ ...options, token });
process.stdout.write(`report ${JSON.stringify(report)}\n`);
process.exit(0);
