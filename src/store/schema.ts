/**
 * The store's tables. Every table has `seq`, the order in which the store received the rows of
 * that table (per table, from 1), and `ts`, integer epoch microseconds. Market data (`ticks`,
 * `bars`) keeps the instrument as a small integer id into `symbols` so those tables are
 * all-numeric and append at full DataChunk speed, and the market source likewise as an id into
 * `sources` (0 = `engine`); the views `ticks_v` and `bars_v` join the symbol and source text back.
 * Money columns are DOUBLE dollars.
 */

export type ColumnType = 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'UTINYINT' | 'VARCHAR';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** NULL allowed (optional fields of the event). */
  readonly nullable?: boolean;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
}

function col(name: string, type: ColumnType, nullable = false): ColumnSpec {
  return nullable ? { name, type, nullable } : { name, type };
}

const SEQ_TS = [col('seq', 'BIGINT'), col('ts', 'BIGINT')];

/** The tables the store appends to, by name. */
export const TABLES = {
  ticks: {
    name: 'ticks',
    columns: [
      ...SEQ_TS,
      col('symbol_id', 'INTEGER'),
      col('price', 'DOUBLE'),
      col('size', 'DOUBLE'),
      col('bid', 'DOUBLE'),
      col('ask', 'DOUBLE'),
      /** 0 unknown, 1 buy, 2 sell (see SIDE_CODES). */
      col('side', 'UTINYINT'),
      /** Id into `sources` (core/market-source.ts); added by migration 3. */
      col('source_id', 'INTEGER'),
    ],
  },
  bars: {
    name: 'bars',
    columns: [
      ...SEQ_TS,
      col('end_ts', 'BIGINT'),
      col('symbol_id', 'INTEGER'),
      col('open', 'DOUBLE'),
      col('high', 'DOUBLE'),
      col('low', 'DOUBLE'),
      col('close', 'DOUBLE'),
      col('volume', 'DOUBLE'),
      col('buy_volume', 'DOUBLE'),
      col('sell_volume', 'DOUBLE'),
      col('trades', 'INTEGER'),
      /** Id into `sources`; added by migration 3. */
      col('source_id', 'INTEGER'),
    ],
  },
  features: {
    name: 'features',
    /** One row per value; a NaN or infinite value (an indicator still warming up) is kept as NULL. */
    columns: [...SEQ_TS, col('symbol', 'VARCHAR'), col('name', 'VARCHAR'), col('value', 'DOUBLE', true)],
  },
  signals: {
    name: 'signals',
    columns: [
      ...SEQ_TS,
      col('source', 'VARCHAR'),
      col('symbol', 'VARCHAR'),
      col('direction', 'VARCHAR'),
      col('strength', 'VARCHAR'),
      col('power', 'DOUBLE'),
      col('confluence', 'INTEGER'),
      col('price', 'DOUBLE'),
      col('stop', 'DOUBLE', true),
      col('targets', 'VARCHAR', true),
      col('metadata', 'VARCHAR', true),
    ],
  },
  orderIntents: {
    name: 'order_intents',
    columns: [
      ...SEQ_TS,
      col('id', 'VARCHAR'),
      col('account', 'VARCHAR'),
      col('symbol', 'VARCHAR'),
      col('side', 'VARCHAR'),
      col('quantity', 'DOUBLE'),
      col('type', 'VARCHAR'),
      col('limit_price', 'DOUBLE', true),
      col('stop_price', 'DOUBLE', true),
      col('time_in_force', 'VARCHAR'),
      col('stop_loss', 'DOUBLE', true),
      col('take_profit', 'DOUBLE', true),
      col('signal_ts', 'BIGINT', true),
      col('reason', 'VARCHAR'),
    ],
  },
  orders: {
    name: 'orders',
    columns: [
      ...SEQ_TS,
      col('client_order_id', 'VARCHAR'),
      col('broker_order_id', 'VARCHAR', true),
      col('account', 'VARCHAR'),
      col('symbol', 'VARCHAR'),
      col('side', 'VARCHAR'),
      col('quantity', 'DOUBLE'),
      col('filled_quantity', 'DOUBLE'),
      col('average_fill_price', 'DOUBLE', true),
      col('type', 'VARCHAR'),
      col('limit_price', 'DOUBLE', true),
      col('stop_price', 'DOUBLE', true),
      col('time_in_force', 'VARCHAR'),
      col('status', 'VARCHAR'),
      col('reason', 'VARCHAR', true),
    ],
  },
  fills: {
    name: 'fills',
    columns: [
      ...SEQ_TS,
      col('fill_id', 'VARCHAR'),
      col('client_order_id', 'VARCHAR'),
      col('account', 'VARCHAR'),
      col('symbol', 'VARCHAR'),
      col('side', 'VARCHAR'),
      col('quantity', 'DOUBLE'),
      col('price', 'DOUBLE'),
      col('commission', 'DOUBLE'),
    ],
  },
  positions: {
    name: 'positions',
    columns: [
      ...SEQ_TS,
      col('account', 'VARCHAR'),
      col('symbol', 'VARCHAR'),
      col('quantity', 'DOUBLE'),
      col('average_price', 'DOUBLE'),
      col('unrealized_pnl', 'DOUBLE'),
      col('realized_pnl', 'DOUBLE'),
    ],
  },
  accounts: {
    name: 'accounts',
    columns: [
      ...SEQ_TS,
      col('account', 'VARCHAR'),
      col('currency', 'VARCHAR'),
      col('balance', 'DOUBLE'),
      col('equity', 'DOUBLE'),
      col('realized_pnl_today', 'DOUBLE'),
      col('unrealized_pnl', 'DOUBLE'),
    ],
  },
  riskStates: {
    name: 'risk_states',
    columns: [
      ...SEQ_TS,
      col('account', 'VARCHAR'),
      col('state', 'VARCHAR'),
      col('reasons', 'VARCHAR'),
      col('health', 'DOUBLE'),
    ],
  },
  alerts: {
    name: 'alerts',
    columns: [
      ...SEQ_TS,
      col('severity', 'VARCHAR'),
      col('code', 'VARCHAR'),
      col('message', 'VARCHAR'),
      col('account', 'VARCHAR', true),
      col('symbol', 'VARCHAR', true),
    ],
  },
  rejects: {
    name: 'rejects',
    columns: [
      ...SEQ_TS,
      col('origin', 'VARCHAR'),
      col('code', 'VARCHAR'),
      col('reason', 'VARCHAR'),
      col('payload', 'VARCHAR'),
    ],
  },
  /**
   * Every decision of the risk engine on an intent (`TOPICS.riskDecisions`): the outcome, the
   * denial code, the reason, the limit and the value held against it (where the code has them),
   * every number and the intent as JSON. Added by migration 2.
   */
  decisions: {
    name: 'decisions',
    columns: [
      ...SEQ_TS,
      col('account', 'VARCHAR'),
      col('intent_id', 'VARCHAR'),
      col('symbol', 'VARCHAR'),
      col('side', 'VARCHAR'),
      /** NULL when the intent's quantity is not a finite number (it was denied for that). */
      col('quantity', 'DOUBLE', true),
      col('outcome', 'VARCHAR'),
      col('code', 'VARCHAR', true),
      col('reason', 'VARCHAR'),
      col('limit_value', 'DOUBLE', true),
      col('value', 'DOUBLE', true),
      col('numbers', 'VARCHAR'),
      col('intent', 'VARCHAR'),
      col('decided_by', 'VARCHAR', true),
    ],
  },
  /**
   * The market sources of `ticks` and `bars` (`gateway:<session>`, `pipeline:<id>`): `seq` is the
   * id the rows carry, `ts` when the source was first seen. Id 0 is `engine` (no source named,
   * and every row written before migration 3).
   */
  sources: {
    name: 'sources',
    columns: [...SEQ_TS, col('source', 'VARCHAR')],
  },
  /**
   * Every try to deliver an alert to a channel (`TOPICS.alertDeliveries`): the notification's id,
   * the alert's time and code (to find it in `alerts`), the rule, the channel, the attempt (0: it
   * never left: throttled or dropped), the outcome, the HTTP status and the error. Added by migration 5.
   */
  alertDeliveries: {
    name: 'alert_deliveries',
    columns: [
      ...SEQ_TS,
      col('alert_id', 'VARCHAR'),
      col('alert_ts', 'BIGINT'),
      col('code', 'VARCHAR'),
      col('severity', 'VARCHAR'),
      col('rule_name', 'VARCHAR'),
      col('channel', 'VARCHAR'),
      col('attempt', 'INTEGER'),
      col('status', 'VARCHAR'),
      col('http_status', 'INTEGER', true),
      col('error', 'VARCHAR', true),
    ],
  },
  /** The audit log (`TOPICS.audit`): who changed what through the control plane. Added by migration 4. */
  audit: {
    name: 'audit',
    columns: [
      ...SEQ_TS,
      col('principal', 'VARCHAR'),
      col('role', 'VARCHAR'),
      col('action', 'VARCHAR'),
      col('target', 'VARCHAR'),
      col('outcome', 'VARCHAR'),
      col('detail', 'VARCHAR', true),
    ],
  },
  received: {
    name: 'received',
    columns: [
      ...SEQ_TS,
      col('source', 'VARCHAR'),
      col('source_seq', 'BIGINT'),
      col('type', 'VARCHAR'),
      /** The message as JSON, unless it is stored as a typed row (then `stored_table`/`stored_seq` point at it). */
      col('payload', 'VARCHAR', true),
      col('stored_table', 'VARCHAR', true),
      col('stored_seq', 'BIGINT', true),
    ],
  },
} as const satisfies Record<string, TableSpec>;

export type TableKey = keyof typeof TABLES;

/** Side codes of `ticks.side`. */
export const SIDE_CODES = { unknown: 0, buy: 1, sell: 2 } as const;

/** `CREATE TABLE` for a spec, without the columns in `except` (added by a later migration). */
export function createTableSql(table: TableSpec, except: ReadonlySet<string> = new Set()): string {
  const columns = table.columns
    .filter((c) => !except.has(c.name))
    .map((c) => `${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}`);
  return `CREATE TABLE ${table.name} (${columns.join(', ')})`;
}
