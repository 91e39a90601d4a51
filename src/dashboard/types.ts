// The shapes the dashboard reads, taken from the API's own schemas so the two cannot drift.
import type { Static } from '@sinclair/typebox';
import type { AlertSchema, DecisionSchema, ProposalSchema } from '../server/api/schemas.js';

export type { AccountView, Status } from '../server/api/schemas.js';
export type Decision = Static<typeof DecisionSchema>;
export type Proposal = Static<typeof ProposalSchema>;
export type Alert = Static<typeof AlertSchema>;

/** A token's role, as the stream's `welcome` names it. */
export type Role = 'viewer' | 'trader' | 'admin' | 'addon';

/** What an act route answers (200 done, 409 refused by the engine). */
export interface CommandOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly accounts: readonly string[];
  readonly orders: readonly string[];
}
