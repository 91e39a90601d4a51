import { isClientSource } from './market-source.js';

/**
 * Whose market data may price an account. The engine's own market (its pipelines) prices every
 * account; a gateway client's prints price only the accounts that client trades (a NinjaTrader
 * account its session declared), so a client, however wrong or hostile its prices, can never
 * move the P&L, the stops or the clock of an account it does not trade. Paper accounts are
 * therefore priced by the engine's own market only.
 */
export class MarketTrust {
  /** Per account, the client sources (`gateway:<session>`) currently trading it. */
  private readonly owners = new Map<string, Set<string>>();

  /** @param clientAccounts accounts a client may trade (configured with broker `ninjatrader`). */
  constructor(private readonly clientAccounts: ReadonlySet<string>) {}

  /** A client session (its market source) declared these accounts. */
  grant(source: string, accounts: readonly string[]): void {
    for (const account of accounts) {
      if (!this.clientAccounts.has(account)) continue;
      let owners = this.owners.get(account);
      if (!owners) {
        owners = new Set();
        this.owners.set(account, owners);
      }
      owners.add(source);
    }
  }

  /** The client session is gone: its prints price nothing any more. */
  revoke(source: string): void {
    for (const owners of this.owners.values()) owners.delete(source);
  }

  /** True when a print from `source` may price `account`. */
  trusts(account: string, source: string | undefined): boolean {
    return !isClientSource(source) || (this.owners.get(account)?.has(source as string) ?? false);
  }
}
