import type { TokenRegistry } from './token-registry.js';

/** The name of the admin token an engine makes on its first run. */
export const FIRST_ADMIN_NAME = 'admin';

/**
 * Makes an admin token when the registry has none (the first run, or after every admin token was
 * revoked: the way back in for the person at the machine). Returns the token to print once, or
 * undefined when there is an admin token already. Named `admin`, or `admin-<n>` when a token of
 * another role has that name.
 */
export function createFirstAdminToken(registry: TokenRegistry): { name: string; token: string } | undefined {
  if (registry.hasRole('admin')) return undefined;
  const taken = new Set(registry.list().map((token) => token.name));
  let name = FIRST_ADMIN_NAME;
  for (let n = 2; taken.has(name); n++) name = `${FIRST_ADMIN_NAME}-${String(n)}`;
  return { name, token: registry.create(name, 'admin').token };
}

/** What the terminal shows of the first admin token: the only time it is ever shown. */
export function firstAdminTokenNotice(name: string, token: string, url: string): string {
  return [
    `admin token '${name}' created for the engine's API (it will not be shown again: keep it now):`,
    `  ${token}`,
    `  use it as the header  Authorization: Bearer <token>  on ${url}/api/v1/...`,
    `  (more tokens: enigma token create --role viewer|trader|admin|addon --name <name>)`,
    '',
  ].join('\n');
}
