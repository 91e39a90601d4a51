import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
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
  private fd: number | undefined;

  constructor(readonly path?: string) {
    if (path === undefined) return;
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const request = JSON.parse(line) as OrderRequest;
        if (typeof request.clientOrderId === 'string') this.sent.set(request.clientOrderId, request);
      } catch {
        // A torn last line: that order's frame was never sent (the write comes first).
      }
    }
    mkdirSync(dirname(path), { recursive: true });
    if (this.sent.size > KEEP) {
      const kept = [...this.sent.values()].slice(-KEEP);
      this.sent.clear();
      for (const request of kept) this.sent.set(request.clientOrderId, request);
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, kept.map((request) => `${JSON.stringify(request)}\n`).join(''));
      renameSync(temporary, path);
    }
    this.fd = openSync(path, 'a');
  }

  /** The order sent under this id (in this run or before a restart), if any. */
  get(clientOrderId: string): OrderRequest | undefined {
    return this.sent.get(clientOrderId);
  }

  /** Records an order durably; throws when the disk refuses (the caller must not send it then). */
  record(request: OrderRequest): void {
    if (this.fd !== undefined) {
      writeSync(this.fd, `${JSON.stringify(request)}\n`);
      fsyncSync(this.fd);
    }
    this.sent.set(request.clientOrderId, request);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
