import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Tick } from '../../core/events.js';
import { describeError } from '../../core/errors.js';
import { GatewayClient, type OutgoingMessage } from '../../gateway/client.js';
import { signalMessage, tickMessage } from '../../gateway/client-messages.js';
import { SimulatedMarket } from '../../sources/simulated-market.js';
import { SimulatedSignals } from '../../sources/simulated-signals.js';
import { parseTickLine, TICK_CSV_HEADER } from '../../sources/csv-ticks.js';
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

Prints how many messages were sent and acknowledged, and the rate.`;

/** Sends `messages` at `rate` per second (0: as fast as acks allow); resolves with the count sent. */
async function pump(
  client: GatewayClient,
  messages: AsyncIterable<OutgoingMessage>,
  count: number,
  rate: number,
) {
  const started = performance.now();
  const step = rate > 0 ? Math.max(1, Math.floor(rate / 200)) : 1000;
  let sent = 0;
  for await (const message of messages) {
    if (sent >= count) break;
    client.send(message);
    sent += 1;
    if (sent % step !== 0) continue;
    await client.drained();
    if (rate > 0) {
      const due = started + (sent / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    } else {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return sent;
}

async function* csvMessages(path: string, rejected: { count: number }): AsyncGenerator<OutgoingMessage> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      if (line.trim() !== TICK_CSV_HEADER)
        throw new Error(`${path} must start with the header '${TICK_CSV_HEADER}'`);
      continue;
    }
    if (line.trim() === '') continue;
    const parsed = parseTickLine(line);
    if ('code' in parsed) {
      rejected.count += 1;
      process.stderr.write(`skipped line: ${parsed.reason} [${parsed.code}]\n`);
      continue;
    }
    yield tickMessage(parsed);
  }
}

async function* simulatedMessages(
  symbols: string[],
  seed: number,
  perMinute: number,
  rate: number,
): AsyncGenerator<OutgoingMessage> {
  const start = Math.round((performance.timeOrigin + performance.now()) * 1000);
  const market = new SimulatedMarket({ seed, symbols, start, ticksPerSecond: rate > 0 ? rate : 1000 });
  const signals = new Map(
    symbols.map((symbol) => [
      symbol,
      new SimulatedSignals(symbol, { seed, perMinute, stopTicks: 8, source: 'enigma' }),
    ]),
  );
  for (;;) {
    const tick: Tick = market.next();
    yield tickMessage(tick);
    const signal = signals.get(tick.symbol)?.update(tick);
    if (signal) yield signalMessage(signal);
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
        },
      }));
    } catch (error) {
      process.stderr.write(`${describeError(error)}\nusage: ${USAGE}\n`);
      return 2;
    }
    const token = process.env['ENIGMA_TOKEN'];
    const numbers = [values.seed, values['signals-per-minute'], values.rate, values.count ?? '0'].map(Number);
    if (
      values.url === undefined ||
      (values.csv === undefined) === !values.simulate ||
      numbers.some((n) => !Number.isFinite(n) || n < 0)
    ) {
      process.stderr.write(`usage: ${USAGE}\n`);
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
        ? csvMessages(values.csv, rejected)
        : simulatedMessages(
            values.symbols.split(',').map((symbol) => symbol.trim()),
            Number(values.seed),
            Number(values['signals-per-minute']),
            rate,
          );
    const errors: string[] = [];
    const client = new GatewayClient({
      url: values.url,
      token,
      name: 'enigma-feed',
      accounts: [values.account],
      onError: (error) => errors.push(`${error.code}: ${error.message}`),
    });
    try {
      await client.connect();
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
      process.stderr.write(`enigma feed: ${describeError(error)}\n`);
      return 1;
    } finally {
      await client.close();
    }
  },
};
