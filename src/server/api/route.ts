import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../../core/error-codes.js';
import type { Principal, Role } from '../auth/roles.js';

/** Who may call a route: a role (and every role above it), or anyone (`public`). */
export type RouteAccess = Role | 'public';

export type HttpMethod = 'get' | 'post' | 'put';

/** What a handler answers: a status the route declares, and a body matching that status's schema. */
export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request that passed authentication and validation: its parts are typed by the route's schemas. */
export interface ApiRequest<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** Undefined only on `public` routes. */
  readonly principal: Principal | undefined;
}

/** One response a route may give: the status's meaning and the body's schema. */
export interface ResponseSpec {
  readonly description: string;
  readonly schema: TSchema;
  /** Default `application/json`; another (`text/html`) is sent as the handler's string body. */
  readonly contentType?: string;
}

/**
 * One API route as data: what the server mounts, what validates its requests and what the
 * OpenAPI document describes all come from here, so they cannot drift apart.
 */
export interface ApiRoute<
  P extends TObject = TObject,
  Q extends TObject = TObject,
  B extends TObject = TObject,
> {
  readonly method: HttpMethod;
  /** Under `/api/v1`, OpenAPI style: `/accounts/{id}`. */
  readonly path: string;
  readonly access: RouteAccess;
  readonly operationId: string;
  readonly summary: string;
  /** Grouping in the OpenAPI document (`read`, `act`). */
  readonly tag: string;
  /** True for routes that change state: their outcome goes to the audit log. */
  readonly changesState: boolean;
  /** The audit log's name for what the route does (`halt`, `set-mode`); default the operation id. */
  readonly auditAction?: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  handler(request: ApiRequest<Static<P>, Static<Q>, Static<B>>): ApiReply | Promise<ApiReply>;
}

/** A route of any shape, as the route table holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyApiRoute = ApiRoute<any, any, any>;

/** Types a route's handler by its schemas, then erases them for the table. */
export function defineRoute<P extends TObject, Q extends TObject, B extends TObject>(
  route: ApiRoute<P, Q, B>,
): AnyApiRoute {
  return route;
}

/** One problem with a request, where it is (`/body/mode`, `/query/limit`) and what is wrong. */
export interface RequestProblem {
  readonly path: string;
  readonly message: string;
}

/** The body of every error the API answers. */
export interface ApiErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly problems?: readonly RequestProblem[];
  };
}

export function errorReply(
  status: number,
  code: ErrorCode,
  message: string,
  problems?: readonly RequestProblem[],
): ApiReply {
  return { status, body: { error: { code, message, ...(problems && { problems }) } } };
}

/** `/accounts/{id}` → `/accounts/:id` (Hono's syntax). */
export function honoPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}
