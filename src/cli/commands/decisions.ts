import { parseArgs } from 'node:util';
import { newestDecisionTs, recentDecisions, type StoredDecision } from '../../analytics/decisions.js';
import { EngineError } from '../../core/errors.js';
import { MICROS_PER_MILLISECOND, parseDuration, type Micros } from '../../core/time.js';
import { openReadOnly } from '../../reports/open-database.js';
import { DEFAULT_DATABASE_PATH } from '../../store/store.js';
import type { Command } from '../command.js';
import { denialName, formatDenials } from '../denial-names.js';

const USAGE = `enigma decisions [--account ID] [--since TIME] [--limit N] [--store FILE] [--json]

Prints the risk engine's recent decisions from the store, oldest first: each order intent
approved, denied (with the reason, the limit and the value held against it), proposed,
confirmed, rejected or expired.

  --account  only this account
  --since    only decisions at or after TIME: an ISO date or date-time (2026-12-07,
             2026-12-07T14:30:00Z; without a zone it is UTC) or a time back from now (30m, 1h, 2d);
             decisions carry the engine's clock, so a simulated session's are at its own dates
  --limit    the most recent N decisions (default 50)
  --store    the store's database file (default ${DEFAULT_DATABASE_PATH}); opened read-only,
             so stop the engine first or point at a copy (--db is the same)
  --json     a JSON array instead of the table`;

/**
 * `--since`: `30m`, `1h`, `2d` back from `now`, or an ISO date / date-time (UTC when it names no
 * zone). Throws CLI_USAGE on anything else.
 */
export function parseSince(text: string, now: Micros): Micros {
  if (/^[0-9]+(us|ms|s|m|h|d)$/.test(text)) return now - parseDuration(text);
  const iso = /^\d{4}-\d{2}-\d{2}T[0-9:.]+$/.test(text) ? `${text}Z` : text;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms))
    throw new EngineError(
      'CLI_USAGE',
      `--since takes an ISO date or date-time (2026-12-07, 2026-12-07T14:30:00Z) or a time back from now (30m, 1h), got '${text}'`,
    );
  return ms * MICROS_PER_MILLISECOND;
}

/** `2026-12-07 14:30:01.123` (UTC). */
function timeText(ts: Micros): string {
  return new Date(Math.floor(ts / MICROS_PER_MILLISECOND)).toISOString().replace('T', ' ').replace('Z', '');
}

function figure(value: number | null): string {
  return value === null ? '' : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** The decisions as a table with left-aligned columns, the reason last. */
export function formatDecisions(decisions: readonly StoredDecision[]): string {
  const header = ['time (UTC)', 'account', 'outcome', 'why', 'order', 'limit', 'value', 'by', 'reason'];
  const rows = decisions.map((d) => [
    timeText(d.ts),
    d.account,
    d.outcome,
    d.code === null ? '' : denialName(d.code),
    `${d.side} ${d.quantity ?? '?'} ${d.symbol}`,
    figure(d.limit),
    figure(d.value),
    d.by ?? '',
    d.reason,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `50 decisions: approved 3, proposed 1, denied 46: stale 45, session closed 1`. */
export function formatDecisionTotals(decisions: readonly StoredDecision[]): string {
  const outcomes = new Map<string, number>();
  const denials = new Map<string, number>();
  for (const d of decisions) {
    outcomes.set(d.outcome, (outcomes.get(d.outcome) ?? 0) + 1);
    if (d.outcome === 'denied') denials.set(d.code ?? 'UNKNOWN', (denials.get(d.code ?? 'UNKNOWN') ?? 0) + 1);
  }
  const parts = [...outcomes].map(([outcome, count]) =>
    outcome === 'denied' ? formatDenials(denials) : `${outcome} ${count}`,
  );
  return `${decisions.length} decision${decisions.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** `enigma decisions`: the risk engine's recent decisions, from the store. */
export const decisionsCommand: Command = {
  name: 'decisions',
  summary: "Print the risk engine's recent decisions (approved, denied and why, proposed…) from the store.",
  usage: USAGE,
  async run(args) {
    // Usage errors and --help are handled by the `enigma` entry point (exit 2 / usage text).
    const { values } = parseArgs({
      args: [...args],
      options: {
        account: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string', default: '50' },
        store: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const limit = Number(values.limit);
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new EngineError('CLI_USAGE', `--limit takes a positive whole number, got '${values.limit}'`);
    const since = values.since === undefined ? undefined : parseSince(values.since, Date.now() * 1000);
    const database = await openReadOnly(values.store ?? values.db ?? DEFAULT_DATABASE_PATH);
    try {
      const decisions = await recentDecisions(database.connection, {
        limit,
        ...(values.account !== undefined && { account: values.account }),
        ...(since !== undefined && { since }),
      });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(decisions, null, 2)}\n`);
      } else if (decisions.length === 0) {
        const newest = await newestDecisionTs(database.connection, values.account);
        // A simulated session runs on its own clock: say where the decisions are.
        const hint =
          since !== undefined && newest !== undefined
            ? ` since ${timeText(since)} UTC; the newest is at ${timeText(newest)} UTC`
            : '';
        process.stdout.write(`no decisions${hint}\n`);
      } else {
        process.stdout.write(`${formatDecisions(decisions)}\n${formatDecisionTotals(decisions)}\n`);
      }
      return 0;
    } finally {
      database.close();
    }
  },
};
