import { readFileSync } from 'node:fs';
import { describeError, GatewayError } from '../core/errors.js';
import { DEFAULT_TOKEN_ENV, type GatewayConfig } from './engine-config.js';

/** Shorter tokens are refused: a bearer token guards the account, so it must not be guessable. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * The gateway's bearer token, read where the configuration says (default: the ENIGMA_TOKEN
 * environment variable), at start. Throws GATEWAY_NO_TOKEN when it is absent and
 * GATEWAY_WEAK_TOKEN when blank, with white space or shorter than 16 characters (the rule the
 * gateway itself applies). The token is never logged.
 */
export function readGatewayToken(
  source: GatewayConfig['token'] = { env: DEFAULT_TOKEN_ENV },
  env: NodeJS.ProcessEnv = process.env,
): string {
  let token: string | undefined;
  let where: string;
  if ('file' in source) {
    where = `the token file ${source.file}`;
    try {
      token = readFileSync(source.file, 'utf8').trim();
    } catch (error) {
      throw new GatewayError('GATEWAY_NO_TOKEN', `cannot read ${where}: ${describeError(error)}`);
    }
  } else {
    where = `the ${source.env} environment variable`;
    token = env[source.env];
    if (token === undefined) {
      throw new GatewayError(
        'GATEWAY_NO_TOKEN',
        `set ${source.env} to the bearer token the NinjaTrader AddOn will present (e.g. openssl rand -hex 32)`,
      );
    }
  }
  const weakness =
    token.trim() === ''
      ? 'is blank'
      : /\s/.test(token)
        ? 'contains white space, which a bearer header cannot carry'
        : token.length < MIN_TOKEN_LENGTH
          ? `is too short: use at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32)`
          : undefined;
  if (weakness !== undefined)
    throw new GatewayError('GATEWAY_WEAK_TOKEN', `the token in ${where} ${weakness}`);
  return token;
}
