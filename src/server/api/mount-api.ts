import { Type } from '@sinclair/typebox';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describeError } from '../../core/errors.js';
import type { Micros } from '../../core/time.js';
import { checkRole } from '../auth/require-role.js';
import type { Authenticate, Principal, Role } from '../auth/roles.js';
import { partCheck, type PartCheck } from './check-request.js';
import { createEngineReads, type EngineReads, type ReadableEngine } from './engine-reads.js';
import { buildOpenApi } from './openapi.js';
import { actRoutes } from './act-routes.js';
import { pipelineRoutes, type PipelineControl } from './pipeline-routes.js';
import { readRoutes } from './read-routes.js';
import { errorReply, honoPath, type AnyApiRoute, type ApiReply, type RequestProblem } from './route.js';

/** Where the API lives on the engine's HTTP server. */
export const API_PREFIX = '/api/v1';

/** Bodies above this are refused unread (every route's body is a few fields). */
export const MAX_BODY_BYTES = 16 * 1024;

/** One state change through the API, for the audit log (the auth part's `AuditEntry`). */
export interface ApiAuditEntry {
  readonly ts: Micros;
  /** The token's name. */
  readonly principal: string;
  readonly role: Role;
  /** What was done, as the engine's command names it: `halt`, `resume`, `flatten`, `set-mode`, `cancel`, `confirm`, `reject`, `pipeline.start`, `pipeline.stop`, `pipeline.reload`. */
  readonly action: string;
  /** What it acted on: an account, an order, a proposal; `*` for every account. */
  readonly target: string;
  readonly outcome: 'ok' | 'refused';
  /** The engine's message, or why it was refused. */
  readonly detail: string;
}

export interface MountApiOptions {
  readonly engine: ReadableEngine & { readonly trading: ReadableEngine['trading'] } & PipelineControl;
  /** Finds a token's holder (the token registry). */
  readonly authenticate: Authenticate;
  /** Records each state change with who asked for it. */
  readonly audit: (entry: ApiAuditEntry) => void;
}

export interface MountedApi {
  readonly routes: readonly AnyApiRoute[];
  /** The reads the routes answer with (the live stream's snapshots use the same). */
  readonly reads: EngineReads;
  /** The OpenAPI 3.1 document served at `/api/v1/openapi.json`. */
  readonly document: Record<string, unknown>;
}

interface Mounted {
  readonly route: AnyApiRoute;
  readonly params: PartCheck | undefined;
  readonly query: PartCheck | undefined;
  readonly body: PartCheck | undefined;
}

/**
 * Mounts the API's route table on the engine's Hono app under `/api/v1`, with the OpenAPI
 * document built from the same table. Call before the server takes traffic.
 */
export function mountApi(app: Hono, options: MountApiOptions): MountedApi {
  const reads = createEngineReads(options.engine);
  const routes: AnyApiRoute[] = [
    ...readRoutes(reads),
    ...actRoutes(options.engine),
    ...pipelineRoutes(options.engine),
    openApiRoute(() => document),
  ];
  const document = buildOpenApi(routes, API_PREFIX);
  for (const route of routes) {
    const mounted: Mounted = {
      route,
      params: route.params && partCheck('params', route.params, false),
      query: route.query && partCheck('query', route.query, true),
      body: route.body && partCheck('body', route.body, false),
    };
    app.on(route.method.toUpperCase(), `${API_PREFIX}${honoPath(route.path)}`, async (c) => {
      const reply = await answer(c, mounted, options);
      if (reply instanceof Response) return reply;
      // A document that is not JSON (the HTML report): its route gives the content type.
      if (typeof reply.body === 'string' && route.responses[reply.status]?.contentType)
        return c.body(reply.body, reply.status as ContentfulStatusCode, reply.headers);
      return c.json(reply.body, reply.status as ContentfulStatusCode, reply.headers);
    });
  }
  // Anything else under the prefix: a JSON 404 naming the code, not Hono's text page. A not-found
  // handler rather than a catch-all route, so routes mounted later under the prefix still answer.
  app.notFound((c) => {
    if (c.req.path !== API_PREFIX && !c.req.path.startsWith(`${API_PREFIX}/`))
      return c.text('404 Not Found', 404);
    const reply = errorReply(404, 'API_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`);
    return c.json(reply.body, 404);
  });
  return { routes, reads, document };
}

/** The route's reply, or the auth part's refusal (401, 403, 429) as it answered it. */
async function answer(c: Context, mounted: Mounted, options: MountApiOptions): Promise<ApiReply | Response> {
  const { route } = mounted;
  let principal: Principal | undefined;
  if (route.access !== 'public') {
    const decided = checkRole(c, options.authenticate, route.access);
    if ('response' in decided) {
      // A known token refused for its role is an attempted state change worth recording.
      if (decided.refused && route.changesState)
        record(options, route, decided.refused, c.req.param('id') ?? '*', 'refused', 'role too low');
      return decided.response;
    }
    principal = decided.principal;
  }
  const problems: RequestProblem[] = [];
  const params = validate(mounted.params, c.req.param(), problems);
  const query = validate(mounted.query, c.req.query(), problems, !route.query);
  const body = await readBody(c, mounted.body, problems);
  if (body === TOO_LARGE)
    return errorReply(413, 'API_BODY_TOO_LARGE', `the body is over ${String(MAX_BODY_BYTES)} bytes`);
  if (problems.length > 0)
    return errorReply(400, 'API_INVALID_REQUEST', 'the request is not valid', problems);
  let reply: ApiReply;
  try {
    reply = await route.handler({ params, query, body, principal });
  } catch (error) {
    reply = errorReply(500, 'API_INTERNAL', `the engine could not answer: ${describeError(error)}`);
  }
  if (route.changesState && principal) {
    // What it acted on: the id in the path, else the file in the body (a pipeline start).
    const target =
      (params as { id?: string } | undefined)?.id ?? (body as { file?: string } | undefined)?.file ?? '*';
    const ok = reply.status >= 200 && reply.status < 300;
    const detail =
      (reply.body as { message?: string; error?: { message: string } }).message ??
      (reply.body as { error?: { message: string } }).error?.message ??
      '';
    record(options, route, principal, target, ok ? 'ok' : 'refused', detail);
  }
  return reply;
}

function record(
  options: MountApiOptions,
  route: AnyApiRoute,
  principal: Principal,
  target: string,
  outcome: 'ok' | 'refused',
  detail: string,
): void {
  options.audit({
    ts: options.engine.clock.now(),
    principal: principal.name,
    role: principal.role,
    action: route.auditAction ?? route.operationId,
    target,
    outcome,
    detail,
  });
}

/** The part, validated (problems appended); `refuseAny`: the route takes no such part at all. */
function validate(
  check: PartCheck | undefined,
  raw: Record<string, string>,
  problems: RequestProblem[],
  refuseAny = false,
): unknown {
  if (!check) {
    if (refuseAny)
      for (const name of Object.keys(raw))
        problems.push({ path: `/query/${name}`, message: 'this route takes no query parameters' });
    return {};
  }
  const result = check.check(raw);
  if (result.ok) return result.value;
  problems.push(...result.problems);
  return undefined;
}

const TOO_LARGE = Symbol('too large');

/** The JSON body, capped; an empty body is `{}` (the schema then says what is missing). */
async function readBody(
  c: Context,
  check: PartCheck | undefined,
  problems: RequestProblem[],
): Promise<unknown> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return TOO_LARGE;
  const text = c.req.method === 'GET' ? '' : await cappedText(c.req.raw.body, MAX_BODY_BYTES);
  if (text === undefined) return TOO_LARGE;
  if (text.trim() === '') return check ? validate(check, {}, problems) : {};
  if (!check) {
    problems.push({ path: '/body', message: 'this route takes no body' });
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push({ path: '/body', message: `not JSON: ${describeError(error)}` });
    return undefined;
  }
  const result = check.check(parsed);
  if (result.ok) return result.value;
  problems.push(...result.problems);
  return undefined;
}

/** The body as text, or undefined once it passes `max` bytes (read no further: a chunked body has no length). */
async function cappedText(body: ReadableStream<Uint8Array> | null, max: number): Promise<string | undefined> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `GET /openapi.json`: open to anyone (it describes shapes, holds no data; tools fetch it bare). */
function openApiRoute(document: () => Record<string, unknown>): AnyApiRoute {
  return {
    method: 'get',
    path: '/openapi.json',
    access: 'public',
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
    tag: 'meta',
    changesState: false,
    responses: { 200: { description: 'the document', schema: Type.Record(Type.String(), Type.Unknown()) } },
    handler: () => ({ status: 200, body: document() }),
  };
}
