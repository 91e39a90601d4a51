import { join } from 'node:path';
import { JsonLinesLog } from '../core/json-lines-log.js';
import type { OrderRequest } from './broker.js';

/** The journal's name inside the data directory. */
export const ORDER_JOURNAL_FILE_NAME = 'ninjatrader-orders.jsonl';

export function orderJournalPath(dataDir: string): string {
  return join(dataDir, ORDER_JOURNAL_FILE_NAME);
}

/** Orders kept across a compaction at start: far more than any day's orders. */
const KEEP = 100_000;

/**
 * Every order sent to NinjaTrader, one JSON line each, appended and fsynced BEFORE the `order`
 * frame goes out, and read back at start: an engine that restarts (even after SIGKILL) never
 * sends the same client order id twice, and knows the orders it sent before (their brackets) when
 * the AddOn reports them. Without a path it remembers for the life of the process only.
 */
export class OrderJournal {
  private readonly sent = new Map<string, OrderRequest>();
  private readonly log: JsonLinesLog | undefined;

  constructor(readonly path?: string) {
    if (path === undefined) return;
    // A torn last line is an order whose frame was never sent (the write comes first).
    const { log, values } = JsonLinesLog.open(path, KEEP);
    this.log = log;
    for (const value of values) {
      const request = value as OrderRequest | null;
      if (typeof request?.clientOrderId === 'string') this.sent.set(request.clientOrderId, request);
    }
  }

  /** The order sent under this id (in this run or before a restart), if any. */
  get(clientOrderId: string): OrderRequest | undefined {
    return this.sent.get(clientOrderId);
  }

  /** Records an order durably; throws when the disk refuses (the caller must not send it then). */
  record(request: OrderRequest): void {
    this.log?.append(request);
    this.sent.set(request.clientOrderId, request);
  }

  close(): void {
    this.log?.close();
  }
}
