/**
 * The fuzzer as its own process (started by fuzz.ts): `connections` fuzzing connections at once,
 * each reopened when the engine closes it, until `frames` frames are sent or `durationMs` passes.
 * Prints `progress <frames>` every second and `report <json>` (FuzzCounts) at the end.
 *
 *   ENIGMA_TOKEN=... tsx bench/chaos/fuzz-process.ts '{"url":"http://127.0.0.1:8686","frames":100000,...}'
 */
import { documentedCloseCodes } from './documented-codes.js';
import { runFuzzConnection } from './fuzz-connection.js';
import { FrameFactory, Random } from './fuzz-frames.js';
import { emptyCounts } from './fuzz-ledger.js';

export interface FuzzProcessOptions {
  readonly url: string;
  readonly frames: number;
  readonly durationMs: number;
  /** Connections open at once (the engine allows 16 in all). */
  readonly connections: number;
  /** How many of them keep under the flood limit; the rest flood until closed with 4003. */
  readonly paced: number;
  readonly seed: number;
}

// The parent gone (its pipe closed): nothing to report to.
process.stdout.on('error', () => process.exit(0));
const options = JSON.parse(process.argv[2] ?? '{}') as FuzzProcessOptions;
const token = process.env['ENIGMA_TOKEN'] ?? '';
const counts = emptyCounts();
const documented = documentedCloseCodes();
const factory = new FrameFactory(options.seed);
const random = new Random(options.seed ^ 0x5eed);
const deadline = performance.now() + options.durationMs;
let taken = 0;
const take = (): boolean => {
  if (taken >= options.frames || performance.now() > deadline) return false;
  taken += 1;
  return true;
};
const progress = setInterval(() => process.stdout.write(`progress ${String(counts.frames)}\n`), 1000);

async function worker(index: number): Promise<void> {
  const paced = index < options.paced;
  while (taken < options.frames && performance.now() < deadline) {
    const roll = random.next();
    await runFuzzConnection({
      url: options.url,
      token,
      factory,
      counts,
      documented,
      window: paced ? 8 : 64,
      refusalsPerSecond: paced ? 60 : Infinity,
      take,
      opening: roll < 0.01 ? 'not-hello' : roll < 0.02 ? 'protocol-2' : 'hello',
      drainMs: 5000,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

await Promise.all(Array.from({ length: options.connections }, (_, index) => worker(index)));
clearInterval(progress);
process.stdout.write(`report ${JSON.stringify(counts)}\n`);
process.exit(0);
