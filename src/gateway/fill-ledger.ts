import { JsonLinesLog } from '../core/json-lines-log.js';

/** Fill ids kept across a compaction at start: far more than any day's fills. */
const KEEP = 200_000;

/**
 * The `fill_id`s of every NinjaTrader execution the gateway has accepted, so a fill seen twice
 * (resent under a new `seq`, or again after an engine restart) changes nothing the second time.
 * With a path, each new id is appended and fsynced before the fill is published, and the file is
 * read at start; without one, ids are remembered for the life of the process only.
 */
export class FillLedger {
  private readonly ids = new Set<string>();
  private readonly log: JsonLinesLog | undefined;

  constructor(readonly path?: string) {
    if (path === undefined) return;
    const { log, values } = JsonLinesLog.open(path, KEEP);
    this.log = log;
    for (const id of values) if (typeof id === 'string') this.ids.add(id);
  }

  has(fillId: string): boolean {
    return this.ids.has(fillId);
  }

  /** Records a fill id durably (before its fill is published). */
  add(fillId: string): void {
    // Written first: an id the disk refused is not remembered, so the fill can come again.
    this.log?.append(fillId);
    this.ids.add(fillId);
  }

  close(): void {
    this.log?.close();
  }
}
