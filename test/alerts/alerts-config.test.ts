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

describe('enigma.yaml `alerts` rules on the engine’s figures (slo, engine-silent)', () => {
  it('reads them', () => {
    const config = parseEngineConfig(
      `${ACCOUNTS}alerts:
  channels: [{ name: phone, type: ntfy, topicEnv: ENIGMA_NTFY_TOPIC }]
  rules:
    - { name: slow, on: slo, metric: step-p99, pipeline: es, step: signal, above: 2ms, for: 30s, window: 1m }
    - { name: backlog, on: slo, metric: store-backlog, above: 50000 }
    - { name: quiet, on: engine-silent, for: 2m, session: { timeZone: America/Chicago, open: "17:00", close: "16:00", openDays: [0, 1, 2, 3, 4] } }
`,
      'enigma.yaml',
      '/work/config',
    );
    expect(
      config.alerts?.rules.map((rule) => [rule.name, rule.on, rule.metric ?? '', rule.above ?? '']),
    ).toEqual([
      ['slow', 'slo', 'step-p99', '2ms'],
      ['backlog', 'slo', 'store-backlog', 50_000],
      ['quiet', 'engine-silent', '', ''],
    ]);
  });

  it('reports every problem at once: shape first, then what each metric needs and reads', () => {
    expect(
      problems(`alerts:
  channels: [{ name: phone, type: ntfy, topicEnv: T }]
  rules:
    - { name: a, on: slo, metric: p95, above: 2ms }
    - { name: c, on: engine-silent, for: 2m, session: { timeZone: America/Chicago, open: "5pm", close: "16:00", openDays: [7] } }
`),
    ).toEqual([
      '6 alerts.rules[0].metric: must be one of pipeline-p99, step-p99, store-backlog, store-commit-p99, dead-letters, event-loop-p99, got "p95"',
      '7 alerts.rules[1].session.open: expected string to match \'^([01][0-9]|2[0-3]):[0-5][0-9]$\', got "5pm"',
      '7 alerts.rules[1].session.openDays[0]: expected integer to be less or equal to 6, got 7',
    ]);
    expect(
      problems(`alerts:
  channels: [{ name: phone, type: ntfy, topicEnv: T }]
  rules:
    - { name: a, on: slo }
    - { name: b, on: slo, metric: step-p99, above: 5000 }
    - { name: c, on: slo, metric: store-backlog, above: 1s, window: 1m }
    - { name: d, on: slo, metric: step-p99, step: signal, above: 2ms, window: 500ms, accounts: [SIM-50K] }
    - { name: e, on: slo, metric: dead-letters, above: -1 }
    - { name: e2, on: slo, metric: pipeline-p99, above: 2 seconds }
    - { name: f, on: engine-silent, step: market, metric: store-backlog }
    - { name: g, on: engine-silent, for: 500ms, session: { timeZone: Mars/Olympus, open: "09:30", close: "09:30", openDays: [1] } }
`),
    ).toEqual([
      '6 alerts.rules[0]: an slo rule needs metric (one of pipeline-p99, step-p99, store-backlog, store-commit-p99, dead-letters, event-loop-p99)',
      '7 alerts.rules[1].above: step-p99 is a latency: give above as a duration such as 500us or 2ms, not 5000',
      "8 alerts.rules[2].above: store-backlog is a count: give above as a number (rows), not '1s'",
      "8 alerts.rules[2].window: an slo rule on store-backlog does not read 'window'",
      "9 alerts.rules[3].accounts: a slo rule does not read 'accounts' (it reads metric, pipeline, step, above, for, window)",
      '9 alerts.rules[3].step: a step is named within its pipeline: give pipeline too',
      '9 alerts.rules[3].window: window: at least 1s (the figures are read once a second)',
      '10 alerts.rules[4].above: above: at least 0, not -1',
      "11 alerts.rules[5].above: '2 seconds' is not a duration such as 500us, 2ms or 1s",
      "12 alerts.rules[6].metric: a engine-silent rule does not read 'metric' (it reads pipeline, step, for, session)",
      '12 alerts.rules[6]: an engine-silent rule needs for (how long without data, e.g. 2m)',
      '12 alerts.rules[6].step: a step is named within its pipeline: give pipeline too',
      '13 alerts.rules[7].for: for: at least 1s (sources are read once a second)',
      "13 alerts.rules[7].session.timeZone: 'Mars/Olympus' is not an IANA time zone (America/Chicago, Europe/London)",
      '13 alerts.rules[7].session.close: the session closes when it opens: give different times',
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

describe('the README’s example of alerts on the engine’s figures', () => {
  it('is a valid alerts section with the rules it describes', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf("**Alerts on the engine's own figures"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const config = parseEngineConfig(ACCOUNTS + yaml, 'README.md', '/work/config');
    expect(config.alerts?.rules.map((rule) => [rule.name, rule.on, rule.metric ?? ''])).toEqual([
      ['slow-signals', 'slo', 'step-p99'],
      ['store-behind', 'slo', 'store-backlog'],
      ['bad-input', 'slo', 'dead-letters'],
      ['feed-silent', 'engine-silent', ''],
    ]);
  });
});
