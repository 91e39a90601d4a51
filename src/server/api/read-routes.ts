import { Type, type TSchema } from '@sinclair/typebox';
import { EngineError } from '../../core/errors.js';
import { REPORT_CSP } from './report-document.js';
import type { EngineReads } from './engine-reads.js';
import { defineRoute, errorReply, type AnyApiRoute, type ResponseSpec } from './route.js';
import {
  AccountParams,
  AccountSchema,
  AlertSchema,
  DeadLetterSchema,
  DecisionSchema,
  ErrorSchema,
  FillSchema,
  ListOf,
  OrderSchema,
  PositionSchema,
  ProposalSchema,
  RecentQuery,
  ReportQuery,
  ReportSchema,
  SignalSchema,
  StatusSchema,
} from './schemas.js';

const ok = (description: string, schema: TSchema): Record<number, ResponseSpec> => ({
  200: { description, schema },
  401: { description: 'no token, or not a valid one', schema: ErrorSchema },
});
const invalid = {
  400: { description: 'the request is not valid (every problem listed)', schema: ErrorSchema },
};
const noStore = {
  503: { description: 'the engine keeps no history (run it with a store)', schema: ErrorSchema },
};

function history<T>(read: Promise<T> | undefined) {
  return read === undefined
    ? errorReply(503, 'API_NO_STORE', 'the engine keeps no history: run it with --store')
    : read.then((items) => ({ status: 200, body: { items } }));
}

/** A recent-rows route over the store (`limit`, `since`), newest first. */
function recent(
  path: string,
  operationId: string,
  what: string,
  item: TSchema,
  read: (query: RecentQuery) => Promise<unknown[]> | undefined,
): AnyApiRoute {
  return defineRoute({
    method: 'get',
    path,
    access: 'viewer',
    operationId,
    summary: `Recent ${what}, newest first (\`limit\` default 100, at most 1000; \`since\` epoch µs)`,
    tag: 'read',
    changesState: false,
    query: RecentQuery,
    responses: { ...ok(what, ListOf(item)), ...invalid, ...noStore },
    handler: ({ query }) => history(read(query)),
  });
}

/** The read routes (role viewer): engine state now, and recent history from the store. */
export function readRoutes(reads: EngineReads): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/status',
      access: 'viewer',
      operationId: 'getStatus',
      summary: 'Uptime, pipelines (rates, latency percentiles), memory, event-loop delay, store, gateway',
      tag: 'read',
      changesState: false,
      responses: ok('the engine now', StatusSchema),
      handler: () => ({ status: 200, body: reads.status() }),
    }),
    defineRoute({
      method: 'get',
      path: '/accounts',
      access: 'viewer',
      operationId: 'listAccounts',
      summary: 'Every account: state, mode, balance, equity, drawdown and daily loss room, health',
      tag: 'read',
      changesState: false,
      responses: ok('the accounts (none when the engine does not trade)', ListOf(AccountSchema)),
      handler: () => ({ status: 200, body: { items: reads.accounts() } }),
    }),
    defineRoute({
      method: 'get',
      path: '/accounts/{id}',
      access: 'viewer',
      operationId: 'getAccount',
      summary: 'One account',
      tag: 'read',
      changesState: false,
      params: AccountParams,
      responses: {
        ...ok('the account', AccountSchema),
        ...invalid,
        404: { description: 'no such account', schema: ErrorSchema },
      },
      handler: ({ params }) => {
        const account = reads.account(params.id);
        return account
          ? { status: 200, body: account }
          : errorReply(404, 'API_NOT_FOUND', `no account '${params.id}'`);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/positions',
      access: 'viewer',
      operationId: 'listPositions',
      summary: 'Open positions of every account, as their brokers hold them',
      tag: 'read',
      changesState: false,
      responses: ok('open positions', ListOf(PositionSchema)),
      handler: () => ({ status: 200, body: { items: reads.positions() } }),
    }),
    defineRoute({
      method: 'get',
      path: '/orders',
      access: 'viewer',
      operationId: 'listOrders',
      summary: 'Working orders (those that can still fill)',
      tag: 'read',
      changesState: false,
      responses: ok('working orders', ListOf(OrderSchema)),
      handler: () => ({ status: 200, body: { items: reads.orders() } }),
    }),
    defineRoute({
      method: 'get',
      path: '/proposals',
      access: 'viewer',
      operationId: 'listProposals',
      summary: 'Orders waiting for a person (accounts in confirm mode)',
      tag: 'read',
      changesState: false,
      responses: ok('pending proposals', ListOf(ProposalSchema)),
      handler: () => ({ status: 200, body: { items: reads.proposals() } }),
    }),
    recent('/fills', 'listFills', 'fills', FillSchema, reads.fills),
    recent('/signals', 'listSignals', 'signals', SignalSchema, reads.signals),
    recent('/decisions', 'listDecisions', 'risk decisions', DecisionSchema, reads.decisions),
    recent('/alerts', 'listAlerts', 'alerts', AlertSchema, reads.alerts),
    recent(
      '/dead-letters',
      'listDeadLetters',
      'dead letters (refused input and rows the store could not keep) with their reasons, the raw message clipped',
      DeadLetterSchema,
      reads.deadLetters,
    ),
    defineRoute({
      method: 'get',
      path: '/report',
      access: 'viewer',
      operationId: 'getReport',
      summary: 'Figures of the round trips closed in a day, week or month (UTC), in total and per account',
      tag: 'read',
      changesState: false,
      query: ReportQuery,
      responses: { ...ok('the figures', ReportSchema), ...invalid, ...noStore },
      handler: async ({ query }) => {
        let pending;
        try {
          pending = reads.report(query.period, query.date);
        } catch (error) {
          // periodOf refuses a date that is not on the calendar (2026-02-30).
          return errorReply(400, 'API_INVALID_REQUEST', 'the request is not valid', [
            { path: '/query/date', message: (error as Error).message },
          ]);
        }
        if (!pending)
          return errorReply(503, 'API_NO_STORE', 'the engine keeps no history: run it with --store');
        return { status: 200, body: await pending };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/report.html',
      access: 'viewer',
      operationId: 'getReportHtml',
      summary:
        'The HTML report of a day, week or month (UTC), as `enigma report` writes it, from the live store (no script; sent as a download)',
      tag: 'read',
      changesState: false,
      query: ReportQuery,
      responses: {
        200: {
          description: 'the report, one HTML document with inline style and SVG',
          schema: Type.String(),
          contentType: 'text/html',
        },
        401: { description: 'no token, or not a valid one', schema: ErrorSchema },
        ...invalid,
        409: {
          description: 'the store cannot give this report (an account without a stored starting balance)',
          schema: ErrorSchema,
        },
        429: {
          description: 'another report is being rendered (API_BUSY): one at a time',
          schema: ErrorSchema,
        },
        ...noStore,
      },
      handler: async ({ query }) => {
        let pending;
        try {
          pending = reads.reportHtml(query.period, query.date);
        } catch (error) {
          if (error instanceof EngineError && error.code === 'API_BUSY')
            return { ...errorReply(429, error.code, error.message), headers: { 'retry-after': '1' } };
          return errorReply(400, 'API_INVALID_REQUEST', 'the request is not valid', [
            { path: '/query/date', message: (error as Error).message },
          ]);
        }
        if (!pending)
          return errorReply(503, 'API_NO_STORE', 'the engine keeps no history: run it with --store');
        try {
          const html = await pending;
          return {
            status: 200,
            body: html,
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'content-security-policy': REPORT_CSP,
              'content-disposition': `attachment; filename="enigma-report-${query.period}-${query.date ?? 'today'}.html"`,
              'x-content-type-options': 'nosniff',
              'referrer-policy': 'no-referrer',
              'cache-control': 'no-store',
            },
          };
        } catch (error) {
          if (error instanceof EngineError && error.code === 'REPORT_NO_STARTING_BALANCE')
            return errorReply(409, error.code, error.message);
          throw error;
        }
      },
    }),
  ];
}
