/**
 * One log line as a person reads it on a terminal: `14:03:07 WARN  gateway: refused a connection
 * from 127.0.0.1: GATEWAY_AUTH_FAILED`. Local time, level, component, message, and the error's
 * message when one is attached; the other fields stay in the JSON file. Written here rather than
 * with pino-pretty: a dozen lines, no worker thread, and the line is redacted before it is built.
 */
export function formatTerminalLine(entry: Readonly<Record<string, unknown>>): string {
  const time = typeof entry['time'] === 'string' ? new Date(entry['time']) : new Date();
  const clock = [time.getHours(), time.getMinutes(), time.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
  const level = String(entry['level'] ?? 'info')
    .toUpperCase()
    .padEnd(5);
  const component = typeof entry['component'] === 'string' ? `${entry['component']}: ` : '';
  const message = typeof entry['msg'] === 'string' ? entry['msg'] : '';
  const error = entry['err'] as { message?: unknown } | undefined;
  const cause =
    typeof error?.message === 'string' && !message.includes(error.message) ? ` (${error.message})` : '';
  return `${clock} ${level} ${component}${message}${cause}`;
}
