import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert, BrokerStatus } from '../../src/core/events.js';
import type { Micros } from '../../src/core/time.js';
import type { BrokerAdapter, BrokerEvent } from '../../src/execution/broker.js';
import { OrderManager } from '../../src/execution/order-manager.js';
import { PaperBroker, type PaperBrokerOptions } from '../../src/execution/paper-broker.js';
import { T0, type esTick } from './execution-helpers.js';

/**
 * The paper broker behind a broker adapter that reports its link without a reason and whose
 * cancels take effect only when released (a broker answering later than the paper broker does).
 */
export class SlowCancelBroker implements BrokerAdapter {
  readonly name = 'slow-paper';
  readonly cancels: string[] = [];
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  private readonly held = new Map<string, Micros>();

  constructor(readonly paper: PaperBroker) {
    paper.subscribe((event) => this.emit(event));
  }

  emit(event: BrokerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Lets a held cancel reach the paper broker. */
  release(clientOrderId: string): void {
    const ts = this.held.get(clientOrderId);
    if (ts === undefined) return;
    this.held.delete(clientOrderId);
    this.paper.cancel(clientOrderId, ts);
  }

  accounts = () => this.paper.accounts();
  submit: BrokerAdapter['submit'] = (request) => this.paper.submit(request);
  cancel(clientOrderId: string, ts: Micros): void {
    this.cancels.push(clientOrderId);
    this.held.set(clientOrderId, ts);
  }
  replace: BrokerAdapter['replace'] = (id, changes, ts) => this.paper.replace(id, changes, ts);
  positions: BrokerAdapter['positions'] = (account) => this.paper.positions(account);
  workingOrders: BrokerAdapter['workingOrders'] = (account) => this.paper.workingOrders(account);
  accountState: BrokerAdapter['accountState'] = (account, ts) => this.paper.accountState(account, ts);
  subscribe(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  connect = () => Promise.resolve();
  close = () => Promise.resolve();
}

export function slowCancelRig(options: Partial<PaperBrokerOptions> = {}) {
  const bus = new MessageBus();
  const clock = new ReplayClock(T0);
  const paper = new PaperBroker({
    accounts: [{ id: 'SIM-50K', startingBalance: 50_000 }],
    slippageTicks: 0,
    ...options,
  });
  const broker = new SlowCancelBroker(paper);
  const manager = new OrderManager(bus, clock);
  manager.addBroker(broker);
  const alerts: Alert[] = [];
  const statuses: BrokerStatus[] = [];
  bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
  bus.observe(TOPICS.brokerStatus).subscribe((status) => statuses.push(status));
  const market = (tick: ReturnType<typeof esTick>): void => {
    clock.advanceTo(tick.ts);
    paper.onTick(tick);
    manager.process(tick);
  };
  return { bus, clock, paper, broker, manager, alerts, statuses, market };
}
