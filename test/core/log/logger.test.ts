import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineLogger, type EngineLoggerOptions } from '../../../src/core/log/logger.js';
import { redactSecrets, registerSecret } from '../../../src/core/log/secrets.js';
import { formatTerminalLine } from '../../../src/core/log/terminal-line.js';

/** A real engine logger on a temporary file, with the terminal's output captured. */
function logTo(options: Omit<EngineLoggerOptions, 'file' | 'terminal'> & { tty?: boolean } = {}) {
  const path = join(mkdtempSync(join(tmpdir(), 'enigma-logger-')), 'logs', 'engine.log');
  const printed: string[] = [];
  const log = createEngineLogger({
    ...options,
    file: path,
    terminal: { write: (text: string) => printed.push(text), isTTY: options.tty === true },
  });
  const text = (): string => readFileSync(path, 'utf8');
  const entries = (): Record<string, unknown>[] =>
    text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { ...log, printed, text, entries };
}

describe('the engine logger', () => {
  it('writes JSON lines with level, ISO time, pid, component and message', () => {
    const log = logTo();
    log.logger.child({ component: 'gateway' }).info({ sessionId: 's-1' }, 'AddOn session connected');
    log.close();
    const [entry] = log.entries();
    expect(entry).toMatchObject({
      level: 'info',
      pid: process.pid,
      component: 'gateway',
      sessionId: 's-1',
      msg: 'AddOn session connected',
    });
    expect(new Date(String(entry?.['time'])).toISOString()).toBe(entry?.['time']);
  });

  it('keeps info and up in the file and prints only warnings and up on the terminal, by default', () => {
    const log = logTo();
    const engine = log.logger.child({ component: 'engine' });
    engine.debug('not kept');
    engine.info('started');
    engine.warn('account X trades no running pipeline');
    engine.error({ err: new Error('disk full') }, 'the store failed');
    log.close();
    expect(log.entries().map((entry) => entry['level'])).toEqual(['info', 'warn', 'error']);
    expect(log.printed.map((line) => line.slice(9))).toEqual([
      'WARN  engine: account X trades no running pipeline\n',
      'ERROR engine: the store failed (disk full)\n',
    ]);
    expect(log.printed[0]).toMatch(/^\d\d:\d\d:\d\d WARN {2}engine: /);
  });

  it('follows the configured levels of the file and the terminal separately', () => {
    const log = logTo({ level: 'debug', terminalLevel: 'error' });
    const engine = log.logger.child({ component: 'engine' });
    engine.debug('detail');
    engine.warn('careful');
    log.close();
    expect(log.entries().map((entry) => entry['msg'])).toEqual(['detail', 'careful']);
    expect(log.printed).toEqual([]);
  });

  it('keeps what a command already printed out of the terminal with fileOnly', () => {
    const log = logTo();
    log.fileOnly.error('the engine failed: boom');
    log.close();
    expect(log.entries().map((entry) => entry['msg'])).toEqual(['the engine failed: boom']);
    expect(log.printed).toEqual([]);
  });

  it('clears the live status line before a terminal line on a TTY', () => {
    const log = logTo({ tty: true });
    log.logger.warn('careful');
    log.close();
    expect(log.printed[0]?.startsWith('\r\u001b[K')).toBe(true);
    expect(log.printed[0]?.slice(4)).toMatch(/^\d\d:\d\d:\d\d WARN {2}careful\n$/);
  });

  it('never writes a secret: by key, by registered value (also JSON-escaped) and by pattern', () => {
    const gatewayToken = 'desk-token-"quoted"-0123456789';
    registerSecret(gatewayToken);
    const log = logTo({ terminalLevel: 'info' });
    const api = log.logger.child({ component: 'api' });
    api.info(
      {
        token: 'plain-field-token-value',
        headers: { authorization: 'Bearer header-token-value', cookie: 'session=cookie-value' },
        channel: { secret: 'webhook-secret-value' },
      },
      'by key',
    );
    api.warn(`by value: ${gatewayToken} and inside words x${gatewayToken}y`);
    api.warn({ err: new Error(`connect failed with ${gatewayToken}`) }, 'in an error');
    api.info(
      [
        'enk_3hV0cZ2pQ9_abcdefghijkl',
        'Authorization: Bearer abc.def-ghi',
        'authorization: Basic dXNlcjpwYXNzd29yZA==',
        'GET /api/v1/status?token=query-token-value&x=1',
        'https://api.telegram.org/bot123456789:AAH-telegram-bot-token-abcdefghijklmnop/sendMessage',
        'https://discord.com/api/webhooks/123456/discord-webhook-token',
        'https://hooks.slack.com/services/T000/B000/slack-webhook-token',
        'https://ntfy.sh/my-secret-topic',
      ].join(' '),
    );
    log.close();
    const everything = log.text() + log.printed.join('');
    for (const secret of [
      gatewayToken,
      JSON.stringify(gatewayToken).slice(1, -1),
      'plain-field-token-value',
      'header-token-value',
      'cookie-value',
      'webhook-secret-value',
      '3hV0cZ2pQ9_abcdefghijkl',
      'abc.def-ghi',
      'dXNlcjpwYXNzd29yZA==',
      'query-token-value',
      'AAH-telegram-bot-token',
      'discord-webhook-token',
      'slack-webhook-token',
      'my-secret-topic',
    ])
      expect(everything, secret).not.toContain(secret);
    // What is not secret stays readable.
    expect(everything).toContain('GET /api/v1/status?token=[redacted]&x=1');
    expect(everything).toContain('https://discord.com/api/webhooks/123456/[redacted]');
    expect(log.entries()[0]).toMatchObject({ headers: { authorization: '[redacted]' } });
  });

  it('says once on the terminal that the file cannot be written, and goes on printing there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enigma-logger-'));
    const printed: string[] = [];
    // The file's path is a directory: it cannot be opened, as on a read-only disk.
    const log = createEngineLogger({ file: dir, terminal: { write: (text: string) => printed.push(text) } });
    log.logger.warn('first');
    log.logger.error('second');
    log.close();
    expect(printed.filter((line) => line.includes('[LOG_FILE_FAILED]'))).toHaveLength(1);
    expect(printed[0]).toMatch(/^log file .* cannot be written: .*EISDIR.* \[LOG_FILE_FAILED\]\n$/);
    expect(printed.slice(1).map((line) => line.slice(9))).toEqual(['WARN  first\n', 'ERROR second\n']);
  });

  it('leaves ordinary words alone: short registered values, "basic" outside a header', () => {
    registerSecret('abc');
    expect(redactSecrets('abc def')).toBe('abc def');
    expect(redactSecrets('a basic setup with keys and tokens')).toBe('a basic setup with keys and tokens');
  });
});

describe('the terminal line', () => {
  it('reads time, level, component, message and the error', () => {
    const time = new Date(2026, 11, 7, 9, 5, 3).toISOString();
    expect(
      formatTerminalLine({
        time,
        level: 'error',
        component: 'store',
        msg: 'commit failed',
        err: { message: 'ENOSPC' },
      }),
    ).toBe('09:05:03 ERROR store: commit failed (ENOSPC)');
    expect(formatTerminalLine({ time, level: 'info', msg: 'no component' })).toBe(
      '09:05:03 INFO  no component',
    );
  });
});
