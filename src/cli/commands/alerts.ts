import { parseArgs } from 'node:util';
import { testChannels } from '../../alerts/test-channels.js';
import { EngineError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { loadConfigOrPrintIssues } from '../run-pipeline.js';

const USAGE = `enigma alerts test [--channel <name>] [--config <file>]

  Sends a test notification through each alert channel of the configuration (enigma.yaml
  \`alerts.channels\`), or only the one named, and prints how each went. Exits 1 if any failed.

  --channel <name>   only this channel
  --config <file>    engine configuration (default ./enigma.yaml)`;

/** `enigma alerts test`: is every channel (phone push, chat, webhook) set up right? */
export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'Send a test notification through each alert channel (`enigma alerts test`).',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { channel: { type: 'string' }, config: { type: 'string' } },
      allowPositionals: true,
    });
    if (positionals.length !== 1 || positionals[0] !== 'test') {
      throw new EngineError('CLI_USAGE', `the only sub-command is 'test'\nusage: ${USAGE}`);
    }
    const config = loadConfigOrPrintIssues(values.config);
    if (!config) return 1;
    if (!config.alerts) {
      throw new EngineError(
        'ALERT_NOT_CONFIGURED',
        `${config.file ?? 'the embedded default configuration (no enigma.yaml)'} has no \`alerts\` section: add channels and rules (README, Alerts)`,
      );
    }
    const results = await testChannels(config.alerts, {
      ...(values.channel !== undefined && { channel: values.channel }),
    });
    for (const result of results) {
      const where = result.destination === undefined ? '' : ` → ${result.destination}`;
      const how = result.ok
        ? `delivered (HTTP ${String(result.httpStatus)})`
        : `FAILED: ${result.error ?? 'unknown'}${result.code === undefined ? '' : ` [${result.code}]`}`;
      process.stdout.write(`${result.channel} (${result.type}${where}): ${how}\n`);
    }
    const failed = results.filter((result) => !result.ok).length;
    process.stdout.write(
      failed === 0
        ? `${String(results.length)} channel(s) delivered the test notification\n`
        : `${String(failed)} of ${String(results.length)} channel(s) failed\n`,
    );
    return failed === 0 ? 0 : 1;
  },
};
