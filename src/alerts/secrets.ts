import { readFileSync } from 'node:fs';
import { EngineError, describeError } from '../core/errors.js';

/**
 * A channel's secret, read once when the notifier starts, from an environment variable or a file
 * (trimmed). Throws ALERT_SECRET_MISSING naming the channel and the variable or file, never the
 * value. Undefined when the configuration names neither (an optional secret).
 */
export function readSecret(
  channel: string,
  what: string,
  source: { readonly env?: string | undefined; readonly file?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  let value: string | undefined;
  let where: string;
  if (source.file !== undefined) {
    where = `the file ${source.file}`;
    try {
      value = readFileSync(source.file, 'utf8').trim();
    } catch (error) {
      throw new EngineError(
        'ALERT_SECRET_MISSING',
        `alert channel '${channel}': cannot read its ${what} from ${where}: ${describeError(error)}`,
      );
    }
  } else if (source.env !== undefined) {
    where = `the environment variable ${source.env}`;
    value = env[source.env]?.trim();
  } else {
    return undefined;
  }
  if (value === undefined || value === '')
    throw new EngineError('ALERT_SECRET_MISSING', `alert channel '${channel}': set its ${what} in ${where}`);
  return value;
}
