import type { TObject } from '@sinclair/typebox';
import type { ExecutionResult } from '../../core/execution-commands.js';
import type { CommandResult } from '../../risk/risk-events.js';
import type { TradingCommand, TradingHandle } from '../../trading.js';
import type { Principal, Role } from '../auth/roles.js';
import type { ReadableEngine } from './engine-reads.js';
import { defineRoute, errorReply, type AnyApiRoute, type ApiReply, type ResponseSpec } from './route.js';
import {
  AccountParams,
  CommandOutcomeSchema,
  EmptyBody,
  ErrorSchema,
  HaltBody,
  IdParams,
  ModeBody,
  NoParams,
  type CommandOutcome,
} from './schemas.js';

const RESPONSES: Readonly<Record<number, ResponseSpec>> = {
  200: { description: 'done: what the engine reports', schema: CommandOutcomeSchema },
  400: { description: 'the request is not valid (every problem listed)', schema: ErrorSchema },
  401: { description: 'no token, or not a valid one', schema: ErrorSchema },
  403: { description: "the token's role is too low", schema: ErrorSchema },
  404: { description: 'no such account, order or pending proposal', schema: ErrorSchema },
  409: { description: 'the engine refused the command (its message says why)', schema: CommandOutcomeSchema },
  413: { description: 'the body is too large', schema: ErrorSchema },
  503: { description: 'the engine does not trade (run without --no-trading)', schema: ErrorSchema },
};

/** The engine's answer: 200 when it did it, 409 with its own message when it refused. */
function outcome(result: CommandResult | ExecutionResult): ApiReply {
  const body: CommandOutcome = {
    ok: result.ok,
    message: result.message,
    accounts: 'accounts' in result ? [...result.accounts] : [],
    orders: 'orders' in result ? [...result.orders] : [],
  };
  return { status: result.ok ? 200 : 409, body };
}

const by = (principal: Principal | undefined): string => principal?.name ?? 'api';

/** The act routes: each sends one command through `engine.trading.execute` and answers its result. */
export function actRoutes(engine: Pick<ReadableEngine, 'trading'>): AnyApiRoute[] {
  /** Runs `command` when the engine trades and the target exists (`exists` undefined: no check). */
  const run = (
    command: (trading: TradingHandle) => TradingCommand,
    exists?: (trading: TradingHandle) => string | undefined,
  ): ApiReply => {
    const trading = engine.trading;
    if (!trading) return errorReply(503, 'API_NO_TRADING', 'the engine does not trade');
    const missing = exists?.(trading);
    if (missing !== undefined) return errorReply(404, 'API_NOT_FOUND', missing);
    return outcome(trading.execute(command(trading)));
  };
  const account = (id: string) => (trading: TradingHandle) =>
    trading.accounts().includes(id) ? undefined : `no account '${id}'`;

  const act = <P extends TObject, B extends TObject>(route: {
    method: 'post' | 'put';
    auditAction: string;
    path: string;
    access: Role;
    operationId: string;
    summary: string;
    params: P;
    body: B;
    handler: AnyApiRoute['handler'];
  }): AnyApiRoute =>
    defineRoute({ ...route, tag: 'act', changesState: true, responses: RESPONSES, handler: route.handler });

  return [
    act({
      method: 'post',
      path: '/accounts/halt',
      access: 'admin',
      operationId: 'haltAll',
      auditAction: 'halt',
      summary: 'Kill switch: cancel, flatten and halt every account (persists until resumed)',
      params: NoParams,
      body: HaltBody,
      handler: ({ body, principal }) =>
        run(() => ({ type: 'kill', reason: reason(body), by: by(principal) })),
    }),
    act({
      method: 'post',
      path: '/accounts/{id}/halt',
      access: 'admin',
      operationId: 'haltAccount',
      auditAction: 'halt',
      summary: 'Kill switch for one account: cancel, flatten and halt it',
      params: AccountParams,
      body: HaltBody,
      handler: ({ params, body, principal }) =>
        run(
          () => ({ type: 'kill', account: params.id, reason: reason(body), by: by(principal) }),
          account(params.id),
        ),
    }),
    act({
      method: 'post',
      path: '/accounts/resume',
      access: 'admin',
      operationId: 'resumeAll',
      auditAction: 'resume',
      summary: 'Lift the halt on every account',
      params: NoParams,
      body: EmptyBody,
      handler: ({ principal }) => run(() => ({ type: 'resume', by: by(principal) })),
    }),
    act({
      method: 'post',
      path: '/accounts/{id}/resume',
      access: 'admin',
      operationId: 'resumeAccount',
      auditAction: 'resume',
      summary: 'Lift the halt on one account',
      params: AccountParams,
      body: EmptyBody,
      handler: ({ params, principal }) =>
        run(() => ({ type: 'resume', account: params.id, by: by(principal) }), account(params.id)),
    }),
    act({
      method: 'post',
      path: '/accounts/{id}/flatten',
      access: 'admin',
      operationId: 'flattenAccount',
      auditAction: 'flatten',
      summary: "Cancel the account's working orders and close its positions (it stays active)",
      params: AccountParams,
      body: HaltBody,
      handler: ({ params, body, principal }) =>
        run(
          () => ({ type: 'flatten', account: params.id, reason: `${reason(body)} (by ${by(principal)})` }),
          account(params.id),
        ),
    }),
    act({
      method: 'put',
      path: '/accounts/{id}/mode',
      access: 'trader',
      operationId: 'setAccountMode',
      auditAction: 'set-mode',
      summary: "Set the account's automation mode: auto, confirm or signals-only",
      params: AccountParams,
      body: ModeBody,
      handler: ({ params, body, principal }) =>
        run(
          () => ({
            type: 'set-mode',
            account: params.id,
            mode: (body as { mode: 'auto' | 'confirm' | 'signals-only' }).mode,
            by: by(principal),
          }),
          account(params.id),
        ),
    }),
    act({
      method: 'post',
      path: '/orders/{id}/cancel',
      access: 'trader',
      operationId: 'cancelOrder',
      auditAction: 'cancel',
      summary: 'Cancel a working order (by client order id)',
      params: IdParams,
      body: EmptyBody,
      handler: ({ params }) =>
        run(
          () => ({ type: 'cancel', clientOrderId: params.id }),
          (trading) => (trading.orders.order(params.id) ? undefined : `no order '${params.id}'`),
        ),
    }),
    ...(['confirm', 'reject'] as const).map((decision) =>
      act({
        method: 'post',
        path: `/proposals/{id}/${decision}`,
        access: 'trader',
        operationId: `${decision}Proposal`,
        auditAction: decision,
        summary:
          decision === 'confirm'
            ? 'Send a proposed order (checked by the risk gate again first)'
            : 'Drop a proposed order',
        params: IdParams,
        body: EmptyBody,
        handler: ({ params, principal }) =>
          run(
            () => ({ type: decision, proposalId: params.id, by: by(principal) }),
            (trading) =>
              trading.risk.pendingProposals().some((proposal) => proposal.id === params.id)
                ? undefined
                : `no pending proposal '${params.id}'`,
          ),
      }),
    ),
  ];
}

function reason(body: unknown): string {
  return (body as { reason?: string }).reason ?? 'through the API';
}
