import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Observable } from 'rxjs';
import type { AggressorSide, Tick } from '../core/events.js';
import { findInstrument, roundToTick } from '../core/instruments.js';
import { checkTick, TimeOrder, type Rejection } from '../core/validation.js';

/** The header a tick CSV file starts with; `ts` is integer Unix epoch microseconds (UTC). */
export const TICK_CSV_HEADER = 'ts,symbol,price,size,bid,ask,side';

const SIDES: Readonly<Record<string, AggressorSide>> = {
  buy: 'buy',
  sell: 'sell',
  unknown: 'unknown',
  '': 'unknown',
};

/** Parses one data line of a tick CSV file into a tick rounded to its instrument's tick size. */
export function parseTickLine(line: string): Tick | Rejection {
  const fields = line.split(',');
  if (fields.length !== 7)
    return { code: 'INPUT_BAD_ROW', reason: `expected 7 fields (${TICK_CSV_HEADER}), got ${fields.length}` };
  const [ts, symbol = '', price, size, bid, ask, sideText = ''] = fields;
  const side = SIDES[sideText.trim()];
  if (side === undefined)
    return { code: 'INPUT_BAD_ROW', reason: `side must be buy, sell or unknown, got '${sideText}'` };
  const tick: Tick = {
    ts: Number(ts),
    symbol: symbol.trim(),
    price: Number(price),
    size: Number(size),
    bid: Number(bid),
    ask: Number(ask),
    side,
  };
  const rejection = checkTick(tick);
  if (rejection) return rejection;
  const tickSize = findInstrument(tick.symbol)?.tickSize ?? 0;
  return {
    ...tick,
    price: roundToTick(tick.price, tickSize),
    bid: roundToTick(tick.bid, tickSize),
    ask: roundToTick(tick.ask, tickSize),
  };
}

/**
 * The error for a file whose first tick has a time out of range: the whole file is then almost
 * surely in another unit, and rejecting every row one by one would only hide why.
 */
export function wrongUnitError(path: string, line: number, rejection: Rejection): Error {
  return new Error(`${path} line ${String(line)}: ${rejection.reason} [${rejection.code}]`);
}

export interface CsvTickReaderOptions {
  readonly path: string;
  /** Called with each rejected line and why. */
  readonly reject: (line: string, rejection: Rejection) => void;
  /** Called after each chunk with bytes read and the file size. */
  readonly progress?: (done: number, total: number) => void;
}

/**
 * Streams the ticks of a CSV file in file order. Bad rows are handed to `reject` with their
 * reason and skipped; the rest goes on. A missing file, a wrong header or a first row whose time
 * is out of range (a file in milliseconds, say) ends the stream with an error.
 */
export function readCsvTicks(options: CsvTickReaderOptions): Observable<Tick> {
  return new Observable<Tick>((subscriber) => {
    let stream: ReturnType<typeof createReadStream> | undefined;
    let cancelled = false;
    stat(options.path).then(
      ({ size }) => {
        if (cancelled) return;
        const order = new TimeOrder();
        let pending = '';
        let header = true;
        let bytes = 0;
        let lineNumber = 0;
        let firstTick = true;
        const handleLine = (line: string): void => {
          lineNumber++;
          if (line === '' || line === '\r') return;
          const text = line.endsWith('\r') ? line.slice(0, -1) : line;
          if (header) {
            header = false;
            if (text.trim() !== TICK_CSV_HEADER) {
              throw new Error(
                `${options.path} must start with the header '${TICK_CSV_HEADER}', got '${text}'`,
              );
            }
            return;
          }
          const parsed = parseTickLine(text);
          const first = firstTick;
          firstTick = false;
          if ('code' in parsed) {
            if (first && parsed.code === 'INPUT_TIME_OUT_OF_RANGE')
              throw wrongUnitError(options.path, lineNumber, parsed);
            return options.reject(text, parsed);
          }
          const late = order.check(parsed.symbol, parsed.ts);
          if (late) return options.reject(text, late);
          subscriber.next(parsed);
        };
        stream = createReadStream(options.path, { encoding: 'utf8', highWaterMark: 1 << 20 });
        stream.on('data', (chunk: string | Buffer) => {
          const text = pending + String(chunk);
          bytes += Buffer.byteLength(String(chunk));
          const lines = text.split('\n');
          pending = lines.pop() ?? '';
          try {
            for (const line of lines) handleLine(line);
          } catch (error) {
            stream?.destroy();
            subscriber.error(error);
            return;
          }
          options.progress?.(bytes, size);
        });
        stream.on('end', () => {
          try {
            handleLine(pending);
            if (header) throw new Error(`${options.path} is empty: it needs the header '${TICK_CSV_HEADER}'`);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          options.progress?.(size, size);
          subscriber.complete();
        });
        stream.on('error', (error) => subscriber.error(error));
      },
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      cancelled = true;
      stream?.destroy();
    };
  });
}
