import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Tick } from '../../core/events.js';
import { describeError, EngineError } from '../../core/errors.js';
import { GatewayClient, type OutgoingMessage } from '../../gateway/client.js';
import { signalMessage, tickMessage } from '../../gateway/client-messages.js';
import { SimulatedMarket } from '../../sources/simulated-market.js';
import { SimulatedSignals } from '../../sources/simulated-signals.js';
import { parseTickLine, TICK_CSV_HEADER, wrongUnitError } from '../../sources/csv-ticks.js';
import type { Command } from '../command.js';

const USAGE = `enigma feed --url <http://127.0.0.1:PORT> (--csv <ticks.csv> | --simulate) [options]

Streams market data into a running engine over the NinjaTrader protocol (docs/protocol.md), as
the AddOn would. The bearer token is read from ENIGMA_TOKEN.

  --url <url>               the engine (as printed by \`enigma run --listen\`: listening <url>)
  --csv <file>              ticks to send: ts,symbol,price,size,bid,ask,side (ts in epoch µs)
  --simulate                a simulated market, with Enigma-style signals
  --symbols <list>          simulated instruments, comma separated (default "NQ 12-26")
  --seed <n>                simulation seed (default 1)
  --signals-per-minute <n>  simulated signals per instrument per minute of market time (default 2)
  --count <n>               stop after n messages (default: the whole file; 100000 simulated)
  --rate <n>                messages per second; 0 sends as fast as the engine acknowledges (default 0)
  --account <name>          account the client says it trades (default Sim101)
  --connect-timeout <s>     seconds to wait for the engine's answer (default 5)
  --retry                   wait for the engine to come up instead of failing at once

Without --retry, an engine that cannot be reached (nothing listening, wrong host or port, no
answer in time) ends the command with exit code 1 and says why.
Prints how many messages were sent and acknowledged, and the rate.`;

/**
 * Sends the batches of `batches` at `rate` messages per second (0: as fast as the engine acks),
 * up to `count`; resolves with how many were sent. Messages are sent synchronously within a
 * batch, so what is ready goes out as batch frames.
 */
async function pump(
  client: GatewayClient,
  batches: AsyncIterable<readonly OutgoingMessage[]>,
  count: number,
  rate: number,
): Promise<number> {
  const started = performance.now();
  const step = rate > 0 ? Math.max(1, Math.floor(rate / 200)) : 4096;
  let sent = 0;
  for await (const batch of batches) {
    for (const message of batch) {
      if (sent >= count) return sent;
      client.send(message);
      sent += 1;
      if (sent % step !== 0) continue;
      await client.drained();
      if (rate > 0) {
        const wait = started + (sent / rate) * 1000 - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      } else {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (sent >= count) return sent;
  }
  return sent;
}

/**
 * The ticks of a CSV file, one batch per chunk read; bad lines are reported and skipped. A first
 * tick whose time is out of range (a file in milliseconds, say) ends the feed with the reason.
 */
async function* csvBatches(path: string, rejected: { count: number }): AsyncGenerator<OutgoingMessage[]> {
  let pending = '';
  let header = true;
  let lineNumber = 0;
  let firstTick = true;
  const batchOf = (lines: string[]): OutgoingMessage[] => {
    const batch: OutgoingMessage[] = [];
    for (const raw of lines) {
      lineNumber++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (header) {
        header = false;
        if (line.trim() !== TICK_CSV_HEADER)
          throw new Error(`${path} must start with the header '${TICK_CSV_HEADER}'`);
        continue;
      }
      if (line.trim() === '') continue;
      const parsed = parseTickLine(line);
      const first = firstTick;
      firstTick = false;
      if ('code' in parsed && first && parsed.code === 'INPUT_TIME_OUT_OF_RANGE')
        throw wrongUnitError(path, lineNumber, parsed);
      if ('code' in parsed) {
        rejected.count += 1;
        process.stderr.write(`skipped line: ${parsed.reason} [${parsed.code}]\n`);
        continue;
      }
      batch.push(tickMessage(parsed));
    }
    return batch;
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (pending + (chunk as string)).split('\n');
    pending = lines.pop() ?? '';
    yield batchOf(lines);
  }
  if (pending !== '') yield batchOf([pending]);
}

/**
 * An endless simulated market with Enigma-style signals, in batches of 1,024 messages or so. Paced
 * (`rate`), market time runs with the wall clock; unpaced, the `count` messages are stamped over
 * the market time just before now (1,000 ticks a second), so none is in the future.
 */
async function* simulatedBatches(
  symbols: string[],
  seed: number,
  perMinute: number,
  rate: number,
  count: number,
): AsyncGenerator<OutgoingMessage[]> {
  const ticksPerSecond = rate > 0 ? rate : 1000;
  const now = Math.round((performance.timeOrigin + performance.now()) * 1000);
  const start =
    rate > 0 || !Number.isFinite(count) ? now : now - Math.ceil((count / ticksPerSecond) * 1_000_000);
  const market = new SimulatedMarket({ seed, symbols, start, ticksPerSecond });
  const signals = new Map(
    symbols.map((symbol) => [
      symbol,
      new SimulatedSignals(symbol, { seed, perMinute, stopTicks: 8, source: 'enigma' }),
    ]),
  );
  for (;;) {
    const batch: OutgoingMessage[] = [];
    while (batch.length < 1024) {
      const tick: Tick = market.next();
      batch.push(tickMessage(tick));
      const signal = signals.get(tick.symbol)?.update(tick);
      if (signal) batch.push(signalMessage(signal));
    }
    yield batch;
  }
}

/** Connects; with `--retry`, says once that it is waiting when the engine is not there yet. */
async function connectOrExplain(client: GatewayClient, url: string, retry: boolean): Promise<void> {
  const waiting = retry
    ? setTimeout(() => process.stderr.write(`waiting for the engine at ${url} (--retry) …\n`), 2000)
    : undefined;
  try {
    await client.connect();
  } finally {
    clearTimeout(waiting);
  }
}

/** `host:port` of a URL, for the hint (`--listen` takes that form). */
function hostAndPort(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' || parsed.protocol === 'wss:' ? '443' : '80')}`;
  } catch {
    return '127.0.0.1:8686';
  }
}

export const feedCommand: Command = {
  name: 'feed',
  summary: 'Stream a tick CSV or a simulated market into a running engine, as NinjaTrader would.',
  usage: USAGE,
  run: async (args) => {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          url: { type: 'string' },
          csv: { type: 'string' },
          simulate: { type: 'boolean', default: false },
          symbols: { type: 'string', default: 'NQ 12-26' },
          seed: { type: 'string', default: '1' },
          'signals-per-minute': { type: 'string', default: '2' },
          count: { type: 'string' },
          rate: { type: 'string', default: '0' },
          account: { type: 'string', default: 'Sim101' },
          'connect-timeout': { type: 'string', default: '5' },
          retry: { type: 'boolean', default: false },
        },
      }));
    } catch (error) {
      process.stderr.write(`${describeError(error)}\nusage: ${USAGE}\n`);
      return 2;
    }
    const token = process.env['ENIGMA_TOKEN'];
    const numbers = [values.seed, values['signals-per-minute'], values.rate, values.count ?? '0'].map(Number);
    const connectTimeout = Number(values['connect-timeout']);
    if (
      values.url === undefined ||
      (values.csv === undefined) === !values.simulate ||
      numbers.some((n) => !Number.isFinite(n) || n < 0) ||
      !(connectTimeout > 0)
    ) {
      process.stderr.write(`usage: ${USAGE}\n`);
      return 2;
    }
    if (!URL.canParse(values.url)) {
      process.stderr.write(
        `--url takes the engine's address, e.g. http://127.0.0.1:8686, got '${values.url}'\n`,
      );
      return 2;
    }
    if (token === undefined || token === '') {
      process.stderr.write('ENIGMA_TOKEN is not set: export the token the engine was started with\n');
      return 2;
    }
    const rate = Number(values.rate);
    const count =
      values.count !== undefined
        ? Number(values.count)
        : values.simulate
          ? 100_000
          : Number.POSITIVE_INFINITY;
    const rejected = { count: 0 };
    const messages =
      values.csv !== undefined
        ? csvBatches(values.csv, rejected)
        : simulatedBatches(
            values.symbols.split(',').map((symbol) => symbol.trim()),
            Number(values.seed),
            Number(values['signals-per-minute']),
            rate,
            count,
          );
    const errors: string[] = [];
    const client = new GatewayClient({
      url: values.url,
      token,
      name: 'enigma-feed',
      accounts: [values.account],
      retryFirstConnection: values.retry,
      connectTimeoutMs: connectTimeout * 1000,
      onError: (error) => errors.push(`${error.code}: ${error.message}`),
    });
    const url = values.url;
    try {
      await connectOrExplain(client, url, values.retry);
      const started = performance.now();
      const sent = await pump(client, messages, count, rate);
      await client.acknowledged();
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(
        `fed ${String(sent)} messages in ${seconds.toFixed(2)} s (${Math.round(sent / seconds)} msg/s), all acknowledged; ` +
          `${String(rejected.count)} input lines skipped, ${String(errors.length)} refused by the engine\n`,
      );
      for (const error of errors.slice(0, 10)) process.stderr.write(`refused: ${error}\n`);
      return errors.length > 0 ? 1 : 0;
    } catch (error) {
      const code = error instanceof EngineError ? ` [${error.code}]` : '';
      process.stderr.write(`enigma feed: ${describeError(error)}${code}\n`);
      if (error instanceof EngineError && error.code === 'GATEWAY_UNREACHABLE') {
        process.stderr.write(
          `check that an engine runs with \`enigma run <pipeline> --listen ${hostAndPort(url)}\` (it prints 'listening <url>'), ` +
            'that the URL has its host and port, and that no firewall is in between; --retry waits for it to start\n',
        );
      }
      return 1;
    } finally {
      await client.close();
    }
  },
};
