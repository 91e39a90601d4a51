import { afterEach, describe, expect, it } from 'vitest';
import type { AlertChannelConfig } from '../../src/alerts/alerts-config.js';
import { channelTarget } from '../../src/alerts/channel-requests.js';
import { Notifier } from '../../src/alerts/notifier.js';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { Receiver } from './receiver.js';

const BOT_TOKEN = '123456:ABC-test-bot-token';
const T0 = Date.UTC(2026, 11, 7, 15, 0) * 1000;

let receiver: Receiver;
afterEach(async () => receiver.close());

/** Sends one critical HALTED alert through the channels to the local receiver; its requests. */
async function sendThrough(
  channels: (url: string) => AlertChannelConfig[],
  env: (url: string) => NodeJS.ProcessEnv,
) {
  receiver = await Receiver.start();
  const configs = channels(receiver.url);
  const notifier = new Notifier(
    { channels: configs, rules: [{ name: 'halted', on: 'state-change', to: ['HALTED'] }] },
    { env: env(receiver.url) },
  );
  const bus = new MessageBus();
  notifier.attach(bus);
  const state = { account: 'APEX-12345', ts: T0, state: 'ACTIVE' as const, reasons: [], health: 80 };
  bus.publish(TOPICS.riskStates, state);
  bus.publish(TOPICS.riskStates, {
    ...state,
    ts: T0 + 1,
    state: 'HALTED',
    reasons: ['trailing drawdown breached'],
  });
  await receiver.received(configs.length);
  await notifier.close();
  return receiver.requests;
}

describe('channel presets: each service gets the request its API documents', () => {
  it('ntfy: a JSON publish to the server root with topic, title, message, priority 5 and a tag, bearer token when set', async () => {
    const [request] = await sendThrough(
      (url) => [{ name: 'phone', type: 'ntfy', server: url, topicEnv: 'NTFY_TOPIC', tokenEnv: 'NTFY_TOKEN' }],
      () => ({ NTFY_TOPIC: 'enigma-k3x9q2', NTFY_TOKEN: 'tk_testtoken' }),
    );
    expect(request?.path).toBe('/');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer tk_testtoken');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      topic: 'enigma-k3x9q2',
      title: 'Enigma-Apex critical: ALERT_STATE_CHANGE',
      message: 'APEX-12345 went from ACTIVE to HALTED: trailing drawdown breached',
      priority: 5,
      tags: ['rotating_light'],
    });
  });

  it('Telegram: sendMessage on /bot<token>/ with chat_id and text', async () => {
    const [request] = await sendThrough(
      (url) => [{ name: 'tg', type: 'telegram', apiUrl: url, tokenEnv: 'TG_TOKEN', chatId: '-100200300' }],
      () => ({ TG_TOKEN: BOT_TOKEN }),
    );
    expect(request?.path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      chat_id: '-100200300',
      text: '[CRITICAL] ALERT_STATE_CHANGE APEX-12345: APEX-12345 went from ACTIVE to HALTED: trailing drawdown breached',
    });
  });

  it('Discord and Slack: the webhook URL from the environment, `content` (with a username) and `text`', async () => {
    const requests = await sendThrough(
      () => [
        { name: 'discord', type: 'discord', urlEnv: 'DISCORD_URL' },
        { name: 'slack', type: 'slack', urlEnv: 'SLACK_URL' },
      ],
      (url) => ({ DISCORD_URL: `${url}/api/webhooks/1/abc`, SLACK_URL: `${url}/services/T0/B0/xyz` }),
    );
    const text =
      '[CRITICAL] ALERT_STATE_CHANGE APEX-12345: APEX-12345 went from ACTIVE to HALTED: trailing drawdown breached';
    const byPath = new Map(requests.map((request) => [request.path, JSON.parse(request.body) as unknown]));
    expect(byPath.get('/api/webhooks/1/abc')).toEqual({ content: text, username: 'Enigma-Apex' });
    expect(byPath.get('/services/T0/B0/xyz')).toEqual({ text });
  });

  it('names a secret channel by its host only, and refuses to start without its secret', () => {
    const slack = channelTarget(
      { name: 'slack', type: 'slack', urlEnv: 'SLACK_URL' },
      { SLACK_URL: 'https://hooks.slack.com/services/T0/B0/secret-part' },
    );
    expect(slack.destination).toBe('hooks.slack.com (URL from SLACK_URL)');
    // A chat id written as a number in YAML is sent as Telegram's documented string form.
    const telegram = channelTarget(
      { name: 'tg', type: 'telegram', tokenEnv: 'TG_TOKEN', chatId: -1001234567 },
      { TG_TOKEN: BOT_TOKEN },
    );
    const request = telegram.request(
      { id: 'x', rule: 'r', alert: { ts: T0, severity: 'info', code: 'ALERT_TEST', message: 'hi' } },
      0,
    );
    expect(JSON.parse(request.body)).toEqual({ chat_id: '-1001234567', text: '[INFO] ALERT_TEST: hi' });
    expect(() =>
      channelTarget({ name: 'tg', type: 'telegram', tokenEnv: 'TG_TOKEN', chatId: '1' }, {}),
    ).toThrow(
      expect.objectContaining({
        code: 'ALERT_SECRET_MISSING',
        message: expect.stringMatching(/TG_TOKEN/) as unknown,
      }),
    );
  });
});
