/**
 * Instrument model. Symbols are written as NinjaTrader names them: root, space, expiry month and
 * two-digit year (`NQ 12-26`). The root selects the contract specification.
 */

/** Regular trading window in the exchange's time zone; `close` before `open` means overnight. */
export interface TradingSession {
  readonly timeZone: string;
  /** Local time the session opens, `HH:MM`. */
  readonly open: string;
  /** Local time the session closes, `HH:MM`. */
  readonly close: string;
  /** Local weekdays on which a session opens (0 = Sunday). */
  readonly openDays: readonly number[];
}

export interface ContractSpec {
  readonly root: string;
  readonly name: string;
  readonly exchange: 'CME' | 'CBOT' | 'NYMEX' | 'COMEX';
  /** Minimum price increment. */
  readonly tickSize: number;
  /** Dollars per one full point of price, per contract. */
  readonly pointValue: number;
  readonly currency: 'USD';
  readonly session: TradingSession;
  /** For micro contracts: the full-size root and how many micros make one of it. */
  readonly microOf?: { readonly root: string; readonly ratio: number };
}

export interface Instrument extends ContractSpec {
  /** The full NinjaTrader symbol, e.g. `NQ 12-26`. */
  readonly symbol: string;
  /** Dollars per tick per contract: tickSize × pointValue. */
  readonly tickValue: number;
}

/** CME Globex: Sunday–Friday 17:00 to 16:00 Central, with the daily 16:00–17:00 maintenance break. */
const GLOBEX: TradingSession = {
  timeZone: 'America/Chicago',
  open: '17:00',
  close: '16:00',
  openDays: [0, 1, 2, 3, 4],
};

function spec(
  root: string,
  name: string,
  exchange: ContractSpec['exchange'],
  tickSize: number,
  pointValue: number,
  microOf?: ContractSpec['microOf'],
): ContractSpec {
  return {
    root,
    name,
    exchange,
    tickSize,
    pointValue,
    currency: 'USD',
    session: GLOBEX,
    ...(microOf && { microOf }),
  };
}

/** Contract specifications of the common CME Group futures (exchange rulebooks, 2026). */
export const CONTRACT_SPECS: ReadonlyMap<string, ContractSpec> = new Map(
  [
    spec('ES', 'E-mini S&P 500', 'CME', 0.25, 50),
    spec('MES', 'Micro E-mini S&P 500', 'CME', 0.25, 5, { root: 'ES', ratio: 10 }),
    spec('NQ', 'E-mini Nasdaq-100', 'CME', 0.25, 20),
    spec('MNQ', 'Micro E-mini Nasdaq-100', 'CME', 0.25, 2, { root: 'NQ', ratio: 10 }),
    spec('YM', 'E-mini Dow ($5)', 'CBOT', 1, 5),
    spec('MYM', 'Micro E-mini Dow', 'CBOT', 1, 0.5, { root: 'YM', ratio: 10 }),
    spec('RTY', 'E-mini Russell 2000', 'CME', 0.1, 50),
    spec('M2K', 'Micro E-mini Russell 2000', 'CME', 0.1, 5, { root: 'RTY', ratio: 10 }),
    spec('CL', 'Crude Oil (WTI)', 'NYMEX', 0.01, 1000),
    spec('MCL', 'Micro WTI Crude Oil', 'NYMEX', 0.01, 100, { root: 'CL', ratio: 10 }),
    spec('GC', 'Gold', 'COMEX', 0.1, 100),
    spec('MGC', 'Micro Gold', 'COMEX', 0.1, 10, { root: 'GC', ratio: 10 }),
    spec('6E', 'Euro FX', 'CME', 0.00005, 125_000),
    spec('M6E', 'Micro Euro FX', 'CME', 0.0001, 12_500, { root: '6E', ratio: 10 }),
    spec('ZN', '10-Year T-Note', 'CBOT', 1 / 64, 1000),
    spec('ZB', 'U.S. Treasury Bond', 'CBOT', 1 / 32, 1000),
  ].map((s) => [s.root, s]),
);

const SYMBOL_PATTERN = /^([A-Z0-9]{1,4}) (0[1-9]|1[0-2])-([0-9]{2})$/;

/** Splits `NQ 12-26` into its root and expiry; undefined when the text is not such a symbol. */
export function parseSymbol(symbol: string): { root: string; month: number; year: number } | undefined {
  const match = SYMBOL_PATTERN.exec(symbol);
  if (!match?.[1]) return undefined;
  return { root: match[1], month: Number(match[2]), year: 2000 + Number(match[3]) };
}

/** The instrument for a NinjaTrader symbol, or undefined when its root is not in the table. */
export function findInstrument(
  symbol: string,
  specs: ReadonlyMap<string, ContractSpec> = CONTRACT_SPECS,
): Instrument | undefined {
  const parsed = parseSymbol(symbol);
  const contract = parsed && specs.get(parsed.root);
  if (!contract) return undefined;
  return { ...contract, symbol, tickValue: contract.tickSize * contract.pointValue };
}

/** Rounds a price to the nearest multiple of the tick size, free of binary drift (0.1 + 0.2). */
export function roundToTick(price: number, tickSize: number): number {
  const ticks = Math.round(price / tickSize);
  return Number((ticks * tickSize).toPrecision(12));
}
