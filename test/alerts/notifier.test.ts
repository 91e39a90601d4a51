import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertDelivery } from '../../src/alerts/alert-events.js';
import type { AlertChannelConfig, AlertRuleConfig } from '../../src/alerts/alerts-config.js';
import { Notifier } from '../../src/alerts/notifier.js';
import { verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import type { Alert, DeadLetter, Fill } from '../../src/core/events.js';
import { Receiver } from './receiver.js';

const SECRET = 'a-shared-secret-for-the-test-receiver';
const ENV = {
  HOOK_SECRET: SECRET,
  TG: '987654:SECRET-bot-token-never-shown',
};
const T0 = Date.UTC(2026, 11, 7, 15, 0) * 1000;

const fill = (n: number): Fill => ({
  fillId: `F${String(n)}`,
  clientOrderId: `O${String(n)}`,
  account: 'SIM-50K',
  symbol: 'ES 12-26',
  ts: T0 + n,
  side: 'buy',
  quantity: 1,
  price: 6000.25,
  commission: 2.5,
});

const FILL_RULE: AlertRuleConfig = { name: 'fills', on: 'fill' };

function webhook(url: string, extra: Partial<AlertChannelConfig> = {}): AlertChannelConfig {
  return {
    name: 'hook',
    type: 'webhook',
    url: `${url}/hook`,
    secretEnv: 'HOOK_SECRET',
    firstRetry: '1ms',
    ...extra,
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  channels: (receiver: Receiver) => AlertChannelConfig[],
  options: {
    statuses?: number[];
    rules?: AlertRuleConfig[];
    throttleWindowMs?: number;
    env?: (url: string) => NodeJS.ProcessEnv;
  } = {},
) {
  const receiver = await Receiver.start({ statuses: options.statuses ?? [] });
  const bus = new MessageBus();
  const notifier = new Notifier(
    { channels: channels(receiver), rules: options.rules ?? [FILL_RULE] },
    {
      env: { ...ENV, ...options.env?.(receiver.url) },
      random: () => 0.5,
      ...(options.throttleWindowMs !== undefined && { throttleWindowMs: options.throttleWindowMs }),
    },
  );
  const deliveries: AlertDelivery[] = [];
  const alerts: Alert[] = [];
  const deadLetters: DeadLetter[] = [];
  bus.observe(TOPICS.alertDeliveries).subscribe((delivery) => deliveries.push(delivery));
  bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
  bus.observe(TOPICS.deadLetters).subscribe((letter) => deadLetters.push(letter));
  notifier.attach(bus);
  cleanups.push(
    () => receiver.close(),
    () => notifier.close(0),
  );
  return { receiver, bus, notifier, deliveries, alerts, deadLetters };
}

describe('notifier: the generic webhook', () => {
  it('delivers a rule alert as signed JSON that the receiver verifies with the shared secret', async () => {
    const { receiver, bus, notifier, deliveries, alerts } = await setup((r) => [webhook(r.url)]);
    bus.publish(TOPICS.fills, fill(1));
    await receiver.received(1);
    await notifier.idle();

    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hook');
    const body = JSON.parse(request?.body ?? '') as Record<string, unknown>;
    expect(body).toMatchObject({
      rule: 'fills',
      code: 'ALERT_FILL',
      severity: 'info',
      account: 'SIM-50K',
      symbol: 'ES 12-26',
      ts: T0 + 1,
    });
    // The receiver's own check: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret.
    const timestamp = String(request?.headers['x-enigma-timestamp']);
    const expected = `sha256=${createHmac('sha256', SECRET)
      .update(`${timestamp}.${request?.body ?? ''}`)
      .digest('hex')}`;
    expect(request?.headers['x-enigma-signature']).toBe(expected);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    // The same check as the module offers receivers: a wrong secret, a changed body or a replay an hour later fail.
    const headers = { timestamp, signature: String(request?.headers['x-enigma-signature']) };
    expect(verifyWebhook(SECRET, headers, request?.body ?? '')).toBe(true);
    expect(verifyWebhook('another-secret', headers, request?.body ?? '')).toBe(false);
    expect(verifyWebhook(SECRET, headers, `${request?.body ?? ''} `)).toBe(false);
    expect(verifyWebhook(SECRET, headers, request?.body ?? '', Number(timestamp) + 3600)).toBe(false);

    // The alert also went on the bus (live stream, history), and its delivery was recorded.
    expect(alerts).toEqual([expect.objectContaining({ code: 'ALERT_FILL', account: 'SIM-50K' })]);
    expect(deliveries).toEqual([
      expect.objectContaining({
        alertId: body['id'],
        channel: 'hook',
        attempt: 1,
        status: 'delivered',
        httpStatus: 200,
        rule: 'fills',
      }),
    ]);
  });

  it('retries after a 500 and delivers on the second try, the same alert id on both', async () => {
    const { receiver, bus, notifier, deliveries } = await setup((r) => [webhook(r.url)], { statuses: [500] });
    bus.publish(TOPICS.fills, fill(1));
    await receiver.received(2);
    await notifier.idle();
    expect(receiver.requests.map((request) => request.status)).toEqual([500, 200]);
    const [first, second] = receiver.bodies() as { id: string }[];
    expect(first?.id).toBe(second?.id);
    expect(deliveries.map((d) => [d.attempt, d.status, d.httpStatus])).toEqual([
      [1, 'failed', 500],
      [2, 'delivered', 200],
    ]);
    expect(deliveries[0]?.error).toMatch(/answered 500/);
  });

  it('dead-letters an alert after its last try, with the reason, and does not try again', async () => {
    const { receiver, bus, notifier, deliveries, deadLetters } = await setup(
      (r) => [webhook(r.url, { attempts: 3 })],
      {
        statuses: [500, 502, 503, 500],
      },
    );
    bus.publish(TOPICS.fills, fill(1));
    await receiver.received(3);
    await notifier.idle();
    expect(receiver.requests).toHaveLength(3);
    expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'dead-lettered'],
    ]);
    expect(deadLetters).toEqual([
      expect.objectContaining({
        origin: 'alerts:hook',
        code: 'ALERT_DELIVERY_FAILED',
        reason: expect.stringMatching(/answered 503/) as unknown,
      }),
    ]);
  });

  it('dead-letters an alert whose server cannot be reached, naming no URL', async () => {
    const receiver = await Receiver.start();
    const url = receiver.url;
    await receiver.close();
    const bus = new MessageBus();
    const notifier = new Notifier(
      { channels: [webhook(url, { attempts: 2 })], rules: [FILL_RULE] },
      { env: ENV },
    );
    const deliveries: AlertDelivery[] = [];
    bus.observe(TOPICS.alertDeliveries).subscribe((delivery) => deliveries.push(delivery));
    notifier.attach(bus);
    bus.publish(TOPICS.fills, fill(1));
    await notifier.idle();
    expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 'failed'],
      [2, 'dead-lettered'],
    ]);
    expect(deliveries[1]?.error).toMatch(/^connection failed/);
    expect(deliveries[1]?.error).not.toContain('127.0.0.1');
    await notifier.close(0);
  });
});

describe('notifier: de-duplication and throttling', () => {
  it('sends the same alert once within the rule’s window (two AddOn disconnects of one session)', async () => {
    const rule: AlertRuleConfig = { name: 'addon', on: 'addon-disconnected', dedupe: '5m' };
    const { receiver, bus, notifier, deliveries } = await setup((r) => [webhook(r.url)], { rules: [rule] });
    const session = { kind: 'disconnected' as const, sessionId: 's1', accounts: ['APEX-1'], ts: T0 };
    bus.publish(TOPICS.ninjatraderSessions, session);
    bus.publish(TOPICS.ninjatraderSessions, { ...session, ts: T0 + 60_000_000 });
    bus.publish(TOPICS.ninjatraderSessions, { ...session, sessionId: 's2', ts: T0 + 60_000_000 });
    bus.publish(TOPICS.ninjatraderSessions, { ...session, ts: T0 + 6 * 60_000_000 });
    await receiver.received(3);
    await notifier.idle();
    expect(receiver.requests).toHaveLength(3);
    expect(
      (receiver.bodies() as { message: string }[]).map((body) => /session (s\d)/.exec(body.message)?.[1]),
    ).toEqual(['s1', 's2', 's1']);
    expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
  });

  it('under a burst sends the channel’s limit, counts the rest, then sends one summary of them', async () => {
    const { receiver, bus, notifier, deliveries } = await setup(
      (r) => [webhook(r.url, { maxPerMinute: 3 })],
      {
        throttleWindowMs: 200,
      },
    );
    for (let n = 1; n <= 10; n++) bus.publish(TOPICS.fills, fill(n));
    // Held back at once, on the bus's call: nothing waited for the network.
    expect(deliveries.filter((d) => d.status === 'throttled')).toHaveLength(7);
    await receiver.received(4);
    await notifier.idle();
    const bodies = receiver.bodies() as { code: string; message: string }[];
    expect(bodies.map((body) => body.code)).toEqual([
      'ALERT_FILL',
      'ALERT_FILL',
      'ALERT_FILL',
      'ALERT_THROTTLED',
    ]);
    expect(bodies[3]?.message).toMatch(/^7 alerts held back .*ALERT_FILL ×7/);
    expect(deliveries.filter((d) => d.status === 'delivered')).toHaveLength(4);
  });

  it('drops the oldest waiting alert when a channel’s queue is full, and says so', async () => {
    const { receiver, bus, notifier, deliveries } = await setup((r) => [
      webhook(r.url, { queue: 2, maxPerMinute: 100 }),
    ]);
    // Publishing is synchronous: fill 1 is in flight, 2 and 3 wait, 4 pushes 2 out.
    for (let n = 1; n <= 4; n++) bus.publish(TOPICS.fills, fill(n));
    const dropped = deliveries.filter((d) => d.status === 'dropped');
    expect(dropped.map((d) => d.alertTs)).toEqual([T0 + 2]);
    expect(dropped[0]?.error).toMatch(/queue is full \(2\)/);
    await receiver.received(3);
    await notifier.idle();
    expect((receiver.bodies() as { ts: number }[]).map((body) => body.ts)).toEqual([T0 + 1, T0 + 3, T0 + 4]);
  });
});

describe('notifier: secrets', () => {
  it('never puts a bot token or a secret URL into delivery records or dead letters, even when the server fails', async () => {
    const token = '987654:SECRET-bot-token-never-shown';
    const { receiver, bus, notifier, deliveries, deadLetters } = await setup(
      (r) => [
        {
          name: 'tg',
          type: 'telegram',
          apiUrl: r.url,
          tokenEnv: 'TG',
          chatId: '42',
          attempts: 2,
          firstRetry: '1ms',
        },
        { name: 'team', type: 'slack', urlEnv: 'SLACK', attempts: 1 },
      ],
      { statuses: [500, 500, 500], env: (url) => ({ SLACK: `${url}/services/T0/B0/secret-part` }) },
    );
    bus.publish(TOPICS.fills, fill(1));
    await receiver.received(3);
    await notifier.idle();
    expect(deliveries.filter((d) => d.status === 'dead-lettered')).toHaveLength(2);
    expect(receiver.requests.map((request) => request.path).sort()).toEqual([
      '/bot987654:SECRET-bot-token-never-shown/sendMessage',
      '/bot987654:SECRET-bot-token-never-shown/sendMessage',
      '/services/T0/B0/secret-part',
    ]);
    const recorded = JSON.stringify([deliveries, deadLetters]);
    expect(recorded).not.toContain(token);
    expect(recorded).not.toContain('/services/T0/B0/secret-part');
  });
});
