import type { Role } from './types.js';

// The token lives in this tab's session storage only: never in a URL, gone when the tab closes.
const TOKEN_KEY = 'enigma.token';
const ROLE_KEY = 'enigma.role';

export function savedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** The role the stream last reported for this token, so controls show while the stream is down. */
export function savedRole(): Role | null {
  return sessionStorage.getItem(ROLE_KEY) as Role | null;
}

export function saveRole(role: Role): void {
  sessionStorage.setItem(ROLE_KEY, role);
}

export function forgetSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ROLE_KEY);
}
