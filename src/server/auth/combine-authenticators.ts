import { createHash, timingSafeEqual } from 'node:crypto';
import type { Authenticate, Principal } from './roles.js';

/** The name the audit log gives the holder of the configured gateway token (ENIGMA_TOKEN). */
export const CONFIGURED_ADDON_TOKEN_NAME = 'addon (gateway.token)';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * One fixed token standing for one principal, compared in constant time (over digests, so the
 * lengths leak nothing either). The gateway's configured token (ENIGMA_TOKEN, `gateway.token`)
 * keeps working this way, as a token of role `addon`.
 */
export function fixedToken(
  token: string,
  principal: Principal = { name: CONFIGURED_ADDON_TOKEN_NAME, role: 'addon' },
): Authenticate {
  const expected = digest(token);
  return (presented) =>
    typeof presented === 'string' && timingSafeEqual(digest(presented), expected) ? principal : undefined;
}

/** The first principal any of these finds; every one is asked, so timing says nothing of which matched. */
export function anyOf(...authenticators: readonly Authenticate[]): Authenticate {
  return (presented) => {
    let found: Principal | undefined;
    for (const authenticate of authenticators) {
      const principal = authenticate(presented);
      found ??= principal;
    }
    return found;
  };
}
