import type { Registry } from 'prom-client';
import type { RiskState, TradingState } from '../../core/events.js';
import type { RiskLimits } from '../../risk/risk-events.js';
import { scrapedGauge, type Sample } from './scraped.js';

/** What the exporter reads of the risk engine, per account (the trading handle has it). */
export interface MeteredAccounts {
  ids(): readonly string[];
  riskState(account: string): RiskState | undefined;
  limits(account: string): RiskLimits | undefined;
}

const STATES: readonly TradingState[] = ['ACTIVE', 'REDUCING', 'HALTED'];

/**
 * Each account's equity, room under its rules and trading state, asked of the risk engine at
 * scrape time (its current figures, no copy kept per message). A room without its rule is +Inf.
 */
export function registerAccountMetrics(registry: Registry, accounts: MeteredAccounts): void {
  function* perAccount(value: (limits: RiskLimits) => number): Iterable<Sample> {
    for (const account of accounts.ids()) {
      const limits = accounts.limits(account);
      if (limits) yield [{ account }, value(limits)];
    }
  }
  const labelNames = ['account'];
  const gauge = (name: string, help: string, value: (limits: RiskLimits) => number) =>
    scrapedGauge({ registry, name, help, labelNames, read: () => perAccount(value) });
  gauge('enigma_account_equity', "Balance plus open P&L, in the account's currency.", (l) => l.equity);
  gauge(
    'enigma_account_drawdown_room',
    'Equity above the trailing drawdown threshold (0 when halted, +Inf without the rule).',
    (l) => l.drawdownRoom,
  );
  gauge(
    'enigma_account_daily_loss_room',
    'What may still be lost today under the daily loss limit (0 when halted, +Inf without the rule).',
    (l) => l.dailyLossRoom,
  );
  gauge(
    'enigma_account_contract_limit',
    'Full-size contracts allowed now (+Inf without a limit).',
    (l) => l.contractLimit,
  );
  gauge(
    'enigma_account_open_contracts',
    'Worst-case open exposure (positions and live orders), in full-size contracts.',
    (l) => l.openMinis,
  );
  scrapedGauge({
    registry,
    name: 'enigma_account_health',
    help: 'Account health from 0 (about to breach) to 100 (far from every limit).',
    labelNames,
    read: function* () {
      for (const account of accounts.ids()) {
        const state = accounts.riskState(account);
        if (state) yield [{ account }, state.health] as const;
      }
    },
  });
  scrapedGauge({
    registry,
    name: 'enigma_account_state',
    help: "1 for the account's trading state (ACTIVE, REDUCING, HALTED), 0 for the others.",
    labelNames: ['account', 'state'],
    read: function* () {
      for (const account of accounts.ids()) {
        const current = accounts.riskState(account)?.state;
        if (current === undefined) continue;
        for (const state of STATES) yield [{ account, state }, state === current ? 1 : 0] as const;
      }
    },
  });
}
