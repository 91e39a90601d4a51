/**
 * Who may do what through the engine's API. Roles are ranked for people: a `trader` may do all a
 * `viewer` may, an `admin` all a `trader` may. `addon` is the NinjaTrader AddOn's role: it streams
 * over the gateway and reads nothing else.
 *
 * - viewer: reads status, accounts, orders, fills, signals, decisions, alerts, metrics.
 * - trader: also confirms or rejects proposals, sets an account's automation mode, cancels orders.
 * - admin: also halts and resumes, flattens, manages pipelines and tokens.
 */
export const ROLES = ['viewer', 'trader', 'admin', 'addon'] as const;
export type Role = (typeof ROLES)[number];

/** The holder of a valid token: its name (what the audit log records) and its role. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
}

const RANK: Readonly<Record<Role, number>> = { viewer: 1, trader: 2, admin: 3, addon: 0 };

/** True when a token of role `have` may do what needs role `need` (`addon` only what needs `addon`). */
export function roleAllows(have: Role, need: Role): boolean {
  if (have === 'addon' || need === 'addon') return have === need;
  return RANK[have] >= RANK[need];
}

/** Finds the holder of a presented token, or undefined; compares in constant time. */
export type Authenticate = (token: string) => Principal | undefined;
