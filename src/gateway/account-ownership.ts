import type { RiskCommand } from '../risk/risk-events.js';
import type { FillLedger } from './fill-ledger.js';
import type { MessageRejection } from './protocol/codec.js';
import type { ClientMessage, KillMessage } from './protocol/schemas.js';

/** Proposals remembered for their decisions; older ones are forgotten first. */
const MAX_OPEN_PROPOSALS = 4096;

/** What ownership needs to know of a session. */
export interface OwningSession {
  readonly id: string;
  readonly accounts: readonly string[];
}

/**
 * Who may speak for which account (docs/protocol.md §4.5). A session may send `account`,
 * `position`, `order_update`, `execution`, `snapshot` and `kill` only for accounts it declared in
 * `hello` AND that the engine trades through NinjaTrader; anything else is refused with
 * `GATEWAY_ACCOUNT_NOT_OWNED`. An `execution` whose `fill_id` was already applied is refused with
 * `GATEWAY_DUPLICATE_FILL`; a `proposal_decision` must answer a proposal sent to an account the
 * session owns.
 */
export class AccountOwnership {
  /** Proposal id → account, for the proposals sent to the AddOn. */
  private readonly proposals = new Map<string, string>();

  constructor(
    private readonly ninjaTraderAccounts: ReadonlySet<string>,
    private readonly fills: FillLedger,
  ) {}

  /** Remembers a proposal forwarded to the AddOn, so its decision can be checked. */
  proposalSent(proposalId: string, account: string): void {
    this.proposals.set(proposalId, account);
    if (this.proposals.size > MAX_OPEN_PROPOSALS) {
      const oldest = this.proposals.keys().next().value;
      if (oldest !== undefined) this.proposals.delete(oldest);
    }
  }

  /**
   * Why `session` may not send `message`, or undefined when it may. An accepted execution's
   * `fill_id` is recorded here (durably, before the fill is published).
   */
  admit(session: OwningSession, message: ClientMessage): MessageRejection | undefined {
    switch (message.type) {
      case 'account':
      case 'position':
      case 'order_update':
        return this.owned(session, message.account, message);
      case 'execution': {
        const refused = this.owned(session, message.account, message);
        if (refused) return refused;
        if (this.fills.has(message.fill_id)) {
          return {
            code: 'GATEWAY_DUPLICATE_FILL',
            reason: `execution.fill_id '${message.fill_id.slice(0, 128)}' was already applied; this copy changes nothing`,
            seq: message.seq,
            type: message.type,
          };
        }
        this.fills.add(message.fill_id);
        return undefined;
      }
      case 'snapshot': {
        const accounts = new Set<string>();
        for (const item of message.accounts) accounts.add(item.account);
        for (const item of message.positions) accounts.add(item.account);
        for (const item of message.orders) accounts.add(item.account);
        for (const account of accounts) {
          const refused = this.owned(session, account, message);
          if (refused) return refused;
        }
        return undefined;
      }
      case 'kill':
        if (message.account !== undefined) return this.owned(session, message.account, message);
        if (this.killTargets(session, message).length > 0) return undefined;
        return {
          code: 'GATEWAY_ACCOUNT_NOT_OWNED',
          reason: `kill: this session declared no account the engine trades through NinjaTrader (${session.accounts.join(', ') || 'none'})`,
          seq: message.seq,
          type: message.type,
        };
      case 'proposal_decision': {
        const account = this.proposals.get(message.proposal_id);
        if (account === undefined) {
          return {
            code: 'GATEWAY_UNKNOWN_PROPOSAL',
            reason: `proposal_decision.proposal_id '${message.proposal_id.slice(0, 128)}' was not sent to this engine's AddOn sessions, or was already decided`,
            seq: message.seq,
            type: message.type,
          };
        }
        return this.owned(session, account, message);
      }
      default:
        return undefined;
    }
  }

  /** The risk commands an accepted message asks for: a kill per account, or a proposal decision. */
  commandsOf(session: OwningSession, message: ClientMessage): RiskCommand[] {
    const by = `NinjaTrader AddOn (session ${session.id})`;
    if (message.type === 'kill') {
      return this.killTargets(session, message).map((account) => ({
        type: 'kill',
        account,
        reason: message.reason,
        by,
      }));
    }
    if (message.type === 'proposal_decision') {
      this.proposals.delete(message.proposal_id);
      const type = message.decision === 'accepted' ? 'confirm' : 'reject';
      const reason = message.reason === undefined ? '' : `: ${message.reason}`;
      return [{ type, proposalId: message.proposal_id, by: `${by}, ${message.decision}${reason}` }];
    }
    return [];
  }

  private killTargets(session: OwningSession, message: KillMessage): string[] {
    if (message.account !== undefined) return [message.account];
    return session.accounts.filter((account) => this.ninjaTraderAccounts.has(account));
  }

  private owned(
    session: OwningSession,
    account: string,
    message: ClientMessage,
  ): MessageRejection | undefined {
    const declared = session.accounts.includes(account);
    if (declared && this.ninjaTraderAccounts.has(account)) return undefined;
    const shown = account.slice(0, 128);
    return {
      code: 'GATEWAY_ACCOUNT_NOT_OWNED',
      reason: declared
        ? `${message.type}: account '${shown}' is not an account this engine trades through NinjaTrader (configure it with broker: ninjatrader); the AddOn cannot report on it`
        : `${message.type}: account '${shown}' was not declared in this session's hello (declared: ${session.accounts.join(', ') || 'none'})`,
      seq: message.seq,
      type: message.type,
    };
  }
}
