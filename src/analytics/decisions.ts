import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { Period } from './period.js';
import { numberOf, numberOrNull, queryRows, textOrNull } from './query.js';

/** One row of the store's `decisions` table. */
export interface StoredDecision {
  readonly ts: number;
  readonly account: string;
  readonly intentId: string;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: number | null;
  readonly outcome: string;
  readonly code: string | null;
  readonly reason: string;
  readonly limit: number | null;
  readonly value: number | null;
  readonly numbers: Readonly<Record<string, number>>;
  readonly by: string | null;
}

/** How many decisions had one outcome and code in a period. */
export interface DecisionCount {
  readonly outcome: string;
  /** The denial code; null for outcomes without one (approved, proposed, confirmed). */
  readonly code: string | null;
  readonly decisions: number;
}

export interface DecisionFilter {
  readonly account?: string;
  /** Decisions at or after this time (epoch microseconds). */
  readonly since?: number;
  /** Decisions before this time. */
  readonly until?: number;
  /** The most recent `limit` decisions (default 50; Infinity for all). */
  readonly limit?: number;
}

/** True when the store has a `decisions` table (files written before schema version 2 do not). */
export async function hasDecisions(connection: DuckDBConnection): Promise<boolean> {
  const rows = await queryRows(
    connection,
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'decisions'",
  );
  return numberOf(rows[0]?.n) > 0;
}

/** The most recent decisions matching the filter, oldest first. */
export async function recentDecisions(
  connection: DuckDBConnection,
  filter: DecisionFilter = {},
): Promise<StoredDecision[]> {
  if (!(await hasDecisions(connection))) return [];
  const where: string[] = [];
  const values: DuckDBValue[] = [];
  if (filter.account !== undefined) {
    values.push(filter.account);
    where.push(`account = $${values.length}`);
  }
  if (filter.since !== undefined) {
    values.push(BigInt(filter.since));
    where.push(`ts >= $${values.length}`);
  }
  if (filter.until !== undefined) {
    values.push(BigInt(filter.until));
    where.push(`ts < $${values.length}`);
  }
  const limit = filter.limit ?? 50;
  if (limit !== Infinity && !(Number.isSafeInteger(limit) && limit >= 0))
    throw new RangeError(`limit must be a whole number or Infinity, got ${limit}`);
  const rows = await queryRows(
    connection,
    `SELECT * FROM (
       SELECT seq, ts, account, intent_id, symbol, side, quantity, outcome, code, reason, limit_value, value,
              numbers, decided_by
         FROM decisions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ts DESC, seq DESC ${limit === Infinity ? '' : `LIMIT ${limit}`})
     ORDER BY ts, seq`,
    values,
  );
  return rows.map((row) => ({
    ts: numberOf(row.ts),
    account: String(row.account),
    intentId: String(row.intent_id),
    symbol: String(row.symbol),
    side: String(row.side),
    quantity: numberOrNull(row.quantity),
    outcome: String(row.outcome),
    code: textOrNull(row.code),
    reason: String(row.reason),
    limit: numberOrNull(row.limit_value),
    value: numberOrNull(row.value),
    numbers: JSON.parse(String(row.numbers)) as Record<string, number>,
    by: textOrNull(row.decided_by),
  }));
}

/** The time of the newest decision (of one account), or undefined when there is none. */
export async function newestDecisionTs(
  connection: DuckDBConnection,
  account?: string,
): Promise<number | undefined> {
  if (!(await hasDecisions(connection))) return undefined;
  const rows = await queryRows(
    connection,
    `SELECT max(ts) AS ts FROM decisions ${account === undefined ? '' : 'WHERE account = $1'}`,
    account === undefined ? [] : [account],
  );
  const ts = numberOrNull(rows[0]?.ts);
  return ts ?? undefined;
}

/** Decisions per outcome and code in a period, most frequent first. */
export async function decisionCounts(connection: DuckDBConnection, period: Period): Promise<DecisionCount[]> {
  if (!(await hasDecisions(connection))) return [];
  const rows = await queryRows(
    connection,
    `SELECT outcome, code, count(*) AS decisions FROM decisions WHERE ts >= $1 AND ts < $2
      GROUP BY outcome, code ORDER BY decisions DESC, outcome, code`,
    [BigInt(period.from), BigInt(period.to)],
  );
  return rows.map((row) => ({
    outcome: String(row.outcome),
    code: textOrNull(row.code),
    decisions: numberOf(row.decisions),
  }));
}

/**
 * Each account's starting balance, for returns and drawdown percentages: its balance at the start
 * of the trading day of its first stored account state (balance − realised P&L today), so a first
 * state stored after the first fill still gives the opening balance.
 * Only states before `before` count; `accounts` narrows the accounts (default: every one stored).
 */
export async function startingBalances(
  connection: DuckDBConnection,
  options: { before?: number; accounts?: readonly string[] } = {},
): Promise<Map<string, number>> {
  const rows = await queryRows(
    connection,
    `SELECT account, arg_min(balance - realized_pnl_today, (ts, seq)) AS balance FROM accounts WHERE ts < $1 GROUP BY account ORDER BY account`,
    [BigInt(options.before ?? Number.MAX_SAFE_INTEGER)],
  );
  const wanted = options.accounts ? new Set(options.accounts) : undefined;
  const balances = new Map<string, number>();
  for (const row of rows) {
    const account = String(row.account);
    if (!wanted || wanted.has(account)) balances.set(account, numberOf(row.balance));
  }
  return balances;
}
