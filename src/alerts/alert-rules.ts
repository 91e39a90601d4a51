import { Subscription } from 'rxjs';
import type { MessageBus } from '../bus/bus.js';
import { TOPICS } from '../bus/topics.js';
import type { Alert, AlertSeverity, TradingState } from '../core/events.js';
import { MICROS_PER_DAY, parseDuration, type Micros } from '../core/time.js';
import type { AlertRuleConfig } from './alerts-config.js';

/** An alert a rule raised, with the key that de-duplicates it. */
export interface RaisedAlert {
  readonly rule: AlertRuleConfig;
  readonly alert: Alert;
  readonly key: string;
}

export interface AlertRulesOptions {
  /** The limit a `belowPercent` is a percentage of: the profile's trailing drawdown or daily loss amount. */
  readonly limitOf?: (account: string, kind: 'drawdown-room' | 'daily-loss') => number | undefined;
  /** True for an alert the notifier published itself (an `engine-alert` rule ignores those). */
  readonly isOwn?: (alert: Alert) => boolean;
}

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
const STATE_SEVERITY: Record<TradingState, AlertSeverity> = {
  ACTIVE: 'info',
  REDUCING: 'warning',
  HALTED: 'critical',
};

const dollars = (value: number): string =>
  `${value < 0 ? '−' : ''}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * The configured rules, evaluated on what the engine publishes: risk states, risk limits, AddOn
 * sessions, denials and rejected orders, fills, account balances and the engine's own alerts.
 * Each match goes to `raise`; evaluation is synchronous and small (a map lookup or two), as it
 * runs inside the bus's delivery.
 */
export class AlertRules {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly rules: readonly AlertRuleConfig[],
    private readonly raise: (raised: RaisedAlert) => void,
    private readonly options: AlertRulesOptions = {},
  ) {}

  attach(bus: MessageBus): void {
    for (const rule of this.rules) this.subscriptions.push(this.watch(bus, rule));
  }

  detach(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
  }

  private watch(bus: MessageBus, rule: AlertRuleConfig): Subscription {
    const covers = (account: string | undefined): boolean =>
      rule.accounts === undefined || (account !== undefined && rule.accounts.includes(account));
    const emit = (alert: Omit<Alert, 'severity'> & { severity?: AlertSeverity }, key: string): void => {
      this.raise({ rule, alert: { ...alert, severity: rule.severity ?? alert.severity ?? 'warning' }, key });
    };
    switch (rule.on) {
      case 'slo':
      case 'engine-silent':
        // Rules on the engine's figures run on a timer (MetricRules), not on the bus.
        return new Subscription();
      case 'state-change': {
        const last = new Map<string, TradingState>();
        return bus.observe(TOPICS.riskStates).subscribe((risk) => {
          const previous = last.get(risk.account);
          last.set(risk.account, risk.state);
          if (previous === undefined || previous === risk.state || !covers(risk.account)) return;
          if (rule.to && !rule.to.includes(risk.state)) return;
          const why = risk.reasons.length > 0 ? `: ${risk.reasons.join('; ')}` : '';
          emit(
            {
              ts: risk.ts,
              severity: STATE_SEVERITY[risk.state],
              code: 'ALERT_STATE_CHANGE',
              message: `${risk.account} went from ${previous} to ${risk.state}${why}`,
              account: risk.account,
            },
            `${risk.account}:${risk.state}`,
          );
        });
      }
      case 'drawdown-room':
      case 'daily-loss': {
        const kind = rule.on;
        const below = new Set<string>();
        return bus.observe(TOPICS.riskLimits).subscribe((limits) => {
          if (!covers(limits.account)) return;
          const room = kind === 'drawdown-room' ? limits.drawdownRoom : limits.dailyLossRoom;
          if (!Number.isFinite(room)) return;
          const limit = this.options.limitOf?.(limits.account, kind);
          const byPercent =
            rule.belowPercent !== undefined && limit !== undefined
              ? (limit * rule.belowPercent) / 100
              : undefined;
          const threshold = Math.max(rule.below ?? -Infinity, byPercent ?? -Infinity);
          if (!(room < threshold)) {
            below.delete(limits.account);
            return;
          }
          // Once per crossing: the room must come back above the threshold to alert again.
          if (below.has(limits.account)) return;
          below.add(limits.account);
          const what = kind === 'drawdown-room' ? 'drawdown room' : 'daily loss room';
          const ofLimit =
            limit !== undefined && limit > 0
              ? ` (${((room / limit) * 100).toFixed(0)} % of the ${dollars(limit)} limit)`
              : '';
          emit(
            {
              ts: limits.ts,
              code: kind === 'drawdown-room' ? 'ALERT_DRAWDOWN_ROOM' : 'ALERT_DAILY_LOSS',
              message: `${limits.account}: ${what} ${dollars(room)}${ofLimit} is below ${dollars(threshold)}`,
              account: limits.account,
            },
            limits.account,
          );
        });
      }
      case 'addon-disconnected':
        return bus.observe(TOPICS.ninjatraderSessions).subscribe((session) => {
          if (session.kind !== 'disconnected') return;
          if (rule.accounts && !session.accounts.some((account) => covers(account))) return;
          const account = session.accounts.length === 1 ? session.accounts[0] : undefined;
          emit(
            {
              ts: session.ts,
              severity: 'critical',
              code: 'ALERT_ADDON_DISCONNECTED',
              message: `the NinjaTrader AddOn session ${session.sessionId} (${session.accounts.join(', ') || 'no account'}) disconnected`,
              ...(account !== undefined && { account }),
            },
            session.sessionId,
          );
        });
      case 'reject-burst': {
        const window = parseDuration(rule.within ?? '1m');
        const count = rule.count ?? 3;
        const recent = new Map<string, Micros[]>();
        const reject = (account: string, ts: Micros, why: string): void => {
          if (!covers(account)) return;
          const times = (recent.get(account) ?? []).filter((t) => ts - t < window);
          times.push(ts);
          recent.set(account, times);
          if (times.length < count) return;
          recent.set(account, []);
          emit(
            {
              ts,
              code: 'ALERT_REJECT_BURST',
              message: `${account}: ${String(times.length)} orders denied or rejected within ${rule.within ?? '1m'} (last: ${why})`,
              account,
            },
            account,
          );
        };
        const denials = bus
          .observe(TOPICS.orderDenials)
          .subscribe((denied) => reject(denied.account, denied.ts, `${denied.code} ${denied.reason}`));
        denials.add(
          bus.observe(TOPICS.orders).subscribe((order) => {
            if (order.status === 'rejected')
              reject(
                order.account,
                order.ts,
                `rejected by the broker${order.reason ? `: ${order.reason}` : ''}`,
              );
          }),
        );
        return denials;
      }
      case 'fill':
        return bus.observe(TOPICS.fills).subscribe((fill) => {
          if (!covers(fill.account)) return;
          emit(
            {
              ts: fill.ts,
              severity: 'info',
              code: 'ALERT_FILL',
              message: `${fill.account}: ${fill.side} ${String(fill.quantity)} ${fill.symbol} at ${String(fill.price)}`,
              account: fill.account,
              symbol: fill.symbol,
            },
            fill.fillId,
          );
        });
      case 'pnl-milestone': {
        const every = rule.every ?? 500;
        const reached = new Map<string, { day: number; levels: Set<number> }>();
        return bus.observe(TOPICS.accounts).subscribe((state) => {
          if (!covers(state.account)) return;
          const pnl = state.realizedPnlToday + state.unrealizedPnl;
          if (!Number.isFinite(pnl)) return;
          const level = Math.trunc(pnl / every);
          if (level === 0) return;
          // The UTC day, as a number: this runs on every account update, so nothing is allocated.
          const day = Math.floor(state.ts / MICROS_PER_DAY);
          let seen = reached.get(state.account);
          if (!seen || seen.day !== day) reached.set(state.account, (seen = { day, levels: new Set() }));
          if (seen.levels.has(level)) return;
          seen.levels.add(level);
          emit(
            {
              ts: state.ts,
              severity: level > 0 ? 'info' : 'warning',
              code: 'ALERT_PNL_MILESTONE',
              message: `${state.account}: P&L today ${dollars(pnl)} passed ${dollars(level * every)}`,
              account: state.account,
            },
            `${state.account}:${String(day)}:${String(level)}`,
          );
        });
      }
      case 'engine-alert': {
        const minimum = RANK[rule.minSeverity ?? 'warning'];
        return bus.observe(TOPICS.alerts).subscribe((alert) => {
          if (this.options.isOwn?.(alert)) return;
          if (RANK[alert.severity] < minimum) return;
          if (rule.codes && !rule.codes.includes(alert.code)) return;
          if (rule.accounts && !covers(alert.account)) return;
          this.raise({
            rule,
            alert: rule.severity === undefined ? alert : { ...alert, severity: rule.severity },
            key: `${alert.code}:${alert.account ?? alert.symbol ?? ''}`,
          });
        });
      }
    }
  }
}
