/**
 * What the load generator writes on the wire (docs/protocol.md §4), built as JSON text directly:
 * the generator must outrun the engine, so it spends no time in JSON.stringify.
 *
 * Each connection gets its own contract month (`ES 12-26` for the first, `ES 03-27` for the
 * second, …): the engine refuses ticks whose time goes backwards per symbol, and connections
 * sending at once would otherwise interleave their times; a month per connection also routes
 * each connection's signals to its own account's orders (see bench-pipeline.ts).
 */
export const MAX_CONNECTIONS = 8;
const MONTHS = ['12-26', '03-27', '06-27', '09-27', '12-27', '03-28', '06-28', '09-28'] as const;

/** Tick instruments (root, tick size, base price) each connection sends. */
const TICK_ROOTS = [
  { root: 'ES', tick: 0.25, base: 6000 },
  { root: 'NQ', tick: 0.25, base: 21000 },
  { root: 'CL', tick: 0.01, base: 70 },
] as const;

export interface ConnectionPlan {
  readonly index: number;
  readonly account: string;
  /** The instruments whose ticks this connection sends, in rotation. */
  readonly tickSymbols: readonly string[];
  /** The instrument of this connection's signals; its orders come back to `account`. */
  readonly signalSymbol: string;
}

export function connectionPlan(index: number): ConnectionPlan {
  const month = MONTHS[index];
  if (month === undefined) throw new RangeError(`at most ${String(MAX_CONNECTIONS)} connections`);
  return {
    index,
    account: `BENCH${String(index)}`,
    tickSymbols: TICK_ROOTS.map(({ root }) => `${root} ${month}`),
    signalSymbol: `NQ ${month}`,
  };
}

export function helloFrame(account: string, ts: number): string {
  return `{"type":"hello","seq":0,"ts":${String(ts)},"protocol":1,"client":{"name":"enigma-bench-e2e","version":"0.1.0"},"accounts":["${account}"],"last_seq":0}`;
}

export function ackFrame(lastSeq: number, ts: number): string {
  return `{"type":"ack","seq":0,"ts":${String(ts)},"last_seq":${String(lastSeq)}}`;
}

/** A trade print on the tick grid; `seq` picks the instrument and walks the price. */
export function tickMessage(seq: number, ts: number, plan: ConnectionPlan): string {
  const i = seq;
  const which = i % TICK_ROOTS.length;
  const { tick, base } = TICK_ROOTS[which] as (typeof TICK_ROOTS)[number];
  const steps = (i >>> 2) % 40;
  const ticksPerUnit = Math.round(1 / tick);
  const price = (base * ticksPerUnit + steps) / ticksPerUnit;
  const bid = (base * ticksPerUnit + steps - 1) / ticksPerUnit;
  return `{"type":"tick","seq":${String(seq)},"ts":${String(ts)},"symbol":"${plan.tickSymbols[which] as string}","price":${String(price)},"size":${String(1 + (i % 5))},"bid":${String(bid)},"ask":${String(price)},"side":"${i % 2 === 0 ? 'buy' : 'sell'}"}`;
}

/** An Enigma signal; the engine answers each with one order carrying `signal_ts: ts`. */
export function signalMessage(seq: number, ts: number, plan: ConnectionPlan): string {
  return `{"type":"signal","seq":${String(seq)},"ts":${String(ts)},"source":"enigma","symbol":"${plan.signalSymbol}","direction":"${(seq >>> 1) % 2 === 0 ? 'long' : 'short'}","strength":"normal","power":5,"confluence":2,"price":21000}`;
}
