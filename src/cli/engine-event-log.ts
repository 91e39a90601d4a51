import type { MessageBus } from '../bus/bus.js';
import { TOPICS, type NinjaTraderSessionEvent, type StoreHealth } from '../bus/topics.js';
import type { Alert } from '../core/events.js';
import type { Logger } from '../core/log/logger.js';

/** The same alert code is logged at most once in this long; the rest are counted. */
const REPEAT_INTERVAL_MS = 10_000;

const ALERT_LEVEL = { info: 'info', warning: 'warn', critical: 'error' } as const;

/**
 * Logs what a running engine reports on the bus at a human pace: alerts (`alerts`: info, warning
 * as warn, critical as error, so by default warning and critical ones also print on the terminal:
 * `14:03:07 ERROR alerts: EXECUTION_BROKER_DISCONNECTED APEX-12345: …`), AddOn sessions connecting
 * and leaving (`gateway`) and the store's health (`store`). A code that repeats is logged once per
 * interval, with how many were held. Only low-rate topics: nothing here is on the hot path.
 */
export class EngineEventLog {
  private readonly lastLogged = new Map<string, { at: number; held: number }>();
  private readonly alerts: Logger;
  private readonly gateway: Logger;
  private readonly store: Logger;

  constructor(
    bus: MessageBus,
    logger: Logger,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.alerts = logger.child({ component: 'alerts' });
    this.gateway = logger.child({ component: 'gateway' });
    this.store = logger.child({ component: 'store' });
    bus.observe(TOPICS.alerts).subscribe((alert) => this.logAlert(alert));
    bus.observe(TOPICS.ninjatraderSessions).subscribe((event) => this.logSession(event));
    bus.observe(TOPICS.storeHealth).subscribe((health) => this.logStoreHealth(health));
  }

  private logAlert(alert: Alert): void {
    const now = this.nowMs();
    const last = this.lastLogged.get(alert.code);
    if (last && now - last.at < REPEAT_INTERVAL_MS) {
      last.held += 1;
      return;
    }
    const held = last?.held ?? 0;
    this.lastLogged.set(alert.code, { at: now, held: 0 });
    const where = alert.account ?? alert.symbol;
    const more = held > 0 ? ` (${String(held)} more since the last one)` : '';
    this.alerts[ALERT_LEVEL[alert.severity]](
      {
        code: alert.code,
        severity: alert.severity,
        ...(alert.account !== undefined && { account: alert.account }),
        ...(alert.symbol !== undefined && { symbol: alert.symbol }),
        ...(held > 0 && { held }),
      },
      `${alert.code}${where !== undefined ? ` ${where}` : ''}: ${alert.message}${more}`,
    );
  }

  private logSession(event: NinjaTraderSessionEvent): void {
    const fields = { sessionId: event.sessionId, accounts: event.accounts };
    const accounts = event.accounts.length > 0 ? ` (${event.accounts.join(', ')})` : '';
    if (event.kind === 'connected') {
      const how = event.resumed === true ? 'resumed' : 'connected';
      this.gateway.info({ ...fields, resumed: event.resumed === true }, `AddOn session ${how}${accounts}`);
    } else if (event.kind === 'disconnected') {
      this.gateway.info(fields, `AddOn session disconnected${accounts}`);
    } else {
      const snapshot = event.snapshot;
      this.gateway.info(
        { ...fields, positions: snapshot?.positions.length ?? 0, orders: snapshot?.orders.length ?? 0 },
        `AddOn snapshot received${accounts}`,
      );
    }
  }

  private logStoreHealth(health: StoreHealth): void {
    if (health.ok) this.store.info('the store writes again');
    else this.store.info({ code: health.code }, `the store cannot write: ${health.reason ?? 'unknown'}`);
  }
}
