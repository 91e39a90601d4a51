import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlertRules } from '../../src/alerts/alert-rules.js';
import { profileLimits } from '../../src/alerts/profile-limits.js';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ConfigError, parseEngineConfig, type ConfigIssue } from '../../src/config/index.js';

const ACCOUNTS = 'accounts:\n  - { id: SIM-50K, profile: apex-50k-evaluation }\n';

function problems(text: string): string[] {
  try {
    parseEngineConfig(ACCOUNTS + text, 'enigma.yaml', '/work/config');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(
      (issue: ConfigIssue) => `${String(issue.line)} ${issue.path}: ${issue.message}`,
    );
  }
  return [];
}

describe('enigma.yaml `alerts`', () => {
  it('reads channels and rules, with file paths made relative to the configuration', () => {
    const config = parseEngineConfig(
      `${ACCOUNTS}alerts:
  channels:
    - { name: phone, type: ntfy, topicEnv: ENIGMA_NTFY_TOPIC }
    - { name: ops, type: webhook, url: "https://ops.example.com/hook", secretFile: secrets/hook.txt, attempts: 3 }
    - { name: tg, type: telegram, tokenEnv: TG_TOKEN, chatId: -1001234567 }
  rules:
    - { name: halted, on: state-change, to: [HALTED], severity: critical, channels: [phone] }
    - { name: drawdown, on: drawdown-room, belowPercent: 25, below: 500 }
`,
      'enigma.yaml',
      '/work/config',
    );
    expect(config.alerts?.channels.map((channel) => channel.name)).toEqual(['phone', 'ops', 'tg']);
    expect(config.alerts?.channels[2]?.chatId).toBe(-1001234567);
    expect(config.alerts?.channels[1]?.secretFile).toBe('/work/config/secrets/hook.txt');
    expect(config.alerts?.rules.map((rule) => [rule.name, rule.on])).toEqual([
      ['halted', 'state-change'],
      ['drawdown', 'drawdown-room'],
    ]);
  });

  it('reports every problem at once: shape, missing secrets, unknown channels, fields a kind does not read', () => {
    expect(
      problems(`alerts:
  channels:
    - { name: phone, type: ntfy }
    - { name: ops, type: webhook, url: "https://ops.example.com/hook", secret: hunter2 }
    - { name: chat, type: slack, urlEnv: SLACK_URL, topic: nope }
    - { name: chat, type: telegram, tokenEnv: TG }
  rules:
    - { name: halted, on: state-change, channels: [phone, pager] }
    - { name: room, on: drawdown-room }
    - { name: burst, on: reject-burst, count: 3, every: 5 }
    - { name: bad, on: weather }
`),
    ).toEqual([
      '6 alerts.channels[1].secret: secrets are never written in the configuration: name the environment variable or file that holds it (secretEnv / secretFile, tokenEnv / tokenFile, urlEnv / urlFile)',
      '13 alerts.rules[3].on: must be one of state-change, drawdown-room, daily-loss, addon-disconnected, reject-burst, fill, pnl-milestone, engine-alert, slo, engine-silent, got "weather"',
    ]);
    // Once the shape is right, what the shape cannot say.
    expect(
      problems(`alerts:
  channels:
    - { name: phone, type: ntfy }
    - { name: ops, type: webhook, url: "https://ops.example.com/hook" }
    - { name: chat, type: slack, urlEnv: SLACK_URL, topic: nope }
    - { name: chat, type: telegram, tokenEnv: TG }
  rules:
    - { name: halted, on: state-change, channels: [phone, pager] }
    - { name: room, on: drawdown-room }
    - { name: burst, on: reject-burst, count: 3, every: 5 }
`),
    ).toEqual([
      '5 alerts.channels[0]: a ntfy channel: give topic or topicEnv',
      '6 alerts.channels[1]: a webhook channel signs every body: give secretEnv or secretFile',
      "7 alerts.channels[2].topic: a slack channel does not read 'topic' (it reads urlEnv, urlFile)",
      "8 alerts.channels[3].name: channel 'chat' is declared twice",
      '8 alerts.channels[3]: a telegram channel: give chatId',
      "10 alerts.rules[0].channels[1]: no channel is named 'pager' (channels: phone, ops, chat)",
      '11 alerts.rules[1]: a drawdown-room rule needs below (dollars) or belowPercent (of the limit)',
      "12 alerts.rules[2].every: a reject-burst rule does not read 'every' (it reads count, within)",
      '12 alerts.rules[2]: a reject-burst rule needs count and within (3 rejects within 1m)',
    ]);
  });
});

describe('the README’s phone-push example', () => {
  it('is a valid alerts section, and its drawdown message is the one the rule writes', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Alerts: to your phone'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const config = parseEngineConfig(ACCOUNTS + yaml, 'README.md', '/work/config');
    expect(config.alerts?.rules.map((rule) => rule.on)).toEqual([
      'state-change',
      'drawdown-room',
      'daily-loss',
      'addon-disconnected',
      'pnl-milestone',
    ]);
    const messages: string[] = [];
    const bus = new MessageBus();
    const drawdown = config.alerts?.rules.filter((rule) => rule.on === 'drawdown-room') ?? [];
    new AlertRules(drawdown, (raised) => messages.push(raised.alert.message), {
      limitOf: profileLimits([{ id: 'APEX-12345', profile: 'apex-50k-evaluation' }]),
    }).attach(bus);
    bus.publish(TOPICS.riskLimits, {
      account: 'APEX-12345',
      ts: 1,
      equity: 50_000,
      drawdownRoom: 610,
      dailyLossRoom: Infinity,
      contractLimit: 10,
      openMinis: 0,
      microsPerMini: 10,
    });
    expect(messages).toEqual([
      'APEX-12345: drawdown room $610.00 (24 % of the $2,500.00 limit) is below $625.00',
    ]);
    expect(section.replaceAll(/\s+/g, ' ')).toContain(`"${messages[0] ?? ''}"`);
  });
});
