import { Type, type Static } from '@sinclair/typebox';
import type { ErrorCode } from '../../core/error-codes.js';
import { describeError, EngineError, PipelineDefinitionError } from '../../core/errors.js';
import type { Engine } from '../../engine.js';
import { defineRoute, errorReply, type AnyApiRoute, type ApiReply, type ResponseSpec } from './route.js';
import { ErrorSchema, ListOf } from './schemas.js';

/** What the pipeline routes need of the engine. */
export type PipelineControl = Pick<
  Engine,
  'listPipelines' | 'startPipeline' | 'stopPipeline' | 'reloadPipeline'
>;

const Micros = Type.Integer({ description: 'epoch microseconds (UTC), engine clock' });
const File = Type.String({
  minLength: 1,
  maxLength: 1024,
  description:
    "a YAML file in the engine's pipeline folders (its `pipelines/` folder and the folders of the pipelines it started with); a relative name is looked up in `pipelines/`",
});

export const PipelineParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export const StartPipelineBody = Type.Object({ file: File }, { additionalProperties: false });
export const ReloadPipelineBody = Type.Object(
  { file: Type.Optional(File) },
  { additionalProperties: false, description: 'default: the file the pipeline was started from' },
);

export const PipelineSchema = Type.Object({
  id: Type.String(),
  file: Type.Union([Type.String(), Type.Null()], { description: 'real path; null when built in code' }),
  state: Type.Union([Type.Literal('running'), Type.Literal('stopped')]),
  startedTs: Type.Union([Micros, Type.Null()]),
  stoppedTs: Type.Union([Micros, Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()], {
    description: 'why it ended, when a source or sink failed',
  }),
});
export type PipelineView = Static<typeof PipelineSchema>;

/** One problem of a pipeline definition, as `enigma validate` prints it. */
export const PipelineIssueSchema = Type.Object({
  code: Type.String(),
  file: Type.String(),
  stepId: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
  message: Type.String(),
});

/** The API's error body, with every problem of the pipeline definition when it has any. */
export const PipelineErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      problems: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
      issues: Type.Optional(Type.Array(PipelineIssueSchema)),
    }),
  },
  { additionalProperties: false },
);

const REFUSED: Readonly<Record<number, ResponseSpec>> = {
  401: { description: 'no token, or not a valid one', schema: ErrorSchema },
  403: { description: "the token's role is too low", schema: ErrorSchema },
  413: { description: 'the body is too large', schema: ErrorSchema },
};
const INVALID: ResponseSpec = {
  description:
    'the request is not valid, or the pipeline file has problems (every one listed in `issues`: code, file, step, line, message); nothing changed',
  schema: PipelineErrorSchema,
};
const NOT_FOUND: ResponseSpec = { description: 'no pipeline with that id', schema: ErrorSchema };
const CONFLICT: ResponseSpec = {
  description: 'already running (start), already stopped (stop, reload), or the engine is stopping',
  schema: ErrorSchema,
};
const NOT_BUILT: ResponseSpec = {
  description:
    "it compiled, but a step failed as it was created (a sink's file cannot be opened); a reload puts the previous definition back",
  schema: ErrorSchema,
};

/** The engine's refusal as an API answer; anything unexpected is thrown on (a 500). */
function refusal(error: unknown): ApiReply {
  if (error instanceof PipelineDefinitionError) {
    const count = error.issues.length;
    return {
      status: 400,
      body: {
        error: {
          code: error.code,
          message: `the pipeline has ${String(count)} problem${count === 1 ? '' : 's'}: nothing changed`,
          issues: error.issues.map((issue) => ({ ...issue })),
        },
      },
    };
  }
  if (error instanceof EngineError) {
    const status = STATUS_OF[error.code];
    if (status !== undefined) return errorReply(status, error.code, describeError(error));
  }
  throw error;
}

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  PIPELINE_NOT_FOUND: 404,
  PIPELINE_ALREADY_RUNNING: 409,
  PIPELINE_ALREADY_STOPPED: 409,
  PIPELINE_START_FAILED: 500,
};

const answer = async (change: Promise<PipelineView>, status = 200): Promise<ApiReply> => {
  try {
    const pipeline = await change;
    return { status, body: { ...pipeline, message: `pipeline '${pipeline.id}' ${pipeline.state}` } };
  } catch (error) {
    return refusal(error);
  }
};

const ChangedSchema = Type.Composite([PipelineSchema, Type.Object({ message: Type.String() })]);

/**
 * The pipeline routes: list (viewer), start, stop and reload (admin, audited). A file is only
 * ever started from the engine's pipeline folders: a pipeline can import code and read and write
 * files, so a client may not name an arbitrary path.
 */
export function pipelineRoutes(engine: PipelineControl): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/pipelines',
      access: 'viewer',
      operationId: 'listPipelines',
      summary: 'Every pipeline of the engine: id, file, running or stopped, when it started and stopped',
      tag: 'read',
      changesState: false,
      responses: {
        200: { description: 'the pipelines', schema: ListOf(PipelineSchema) },
        401: REFUSED[401] as ResponseSpec,
      },
      handler: () => ({ status: 200, body: { items: engine.listPipelines() } }),
    }),
    defineRoute({
      method: 'post',
      path: '/pipelines',
      access: 'admin',
      operationId: 'startPipeline',
      auditAction: 'pipeline.start',
      summary: "Compile a pipeline file from the engine's pipeline folders and start it",
      tag: 'act',
      changesState: true,
      body: StartPipelineBody,
      responses: {
        201: { description: 'started', schema: ChangedSchema },
        400: INVALID,
        409: CONFLICT,
        500: NOT_BUILT,
        ...REFUSED,
      },
      handler: ({ body }) => answer(engine.startPipeline(body.file), 201),
    }),
    defineRoute({
      method: 'post',
      path: '/pipelines/{id}/stop',
      access: 'admin',
      operationId: 'stopPipeline',
      auditAction: 'pipeline.stop',
      summary: 'Stop a pipeline: its sources end, data in flight drains, its sinks flush; the engine goes on',
      tag: 'act',
      changesState: true,
      params: PipelineParams,
      body: Type.Object({}, { additionalProperties: false }),
      responses: {
        200: { description: 'stopped (drained and flushed)', schema: ChangedSchema },
        400: INVALID,
        404: NOT_FOUND,
        409: CONFLICT,
        ...REFUSED,
      },
      handler: ({ params }) => answer(engine.stopPipeline(params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/pipelines/{id}/reload',
      access: 'admin',
      operationId: 'reloadPipeline',
      auditAction: 'pipeline.reload',
      summary:
        'Compile the pipeline again (its file, or `file`); with no problem, stop it and start the new one under the same id, else change nothing and list every problem',
      tag: 'act',
      changesState: true,
      params: PipelineParams,
      body: ReloadPipelineBody,
      responses: {
        200: { description: 'reloaded: the new definition runs', schema: ChangedSchema },
        400: INVALID,
        404: NOT_FOUND,
        409: CONFLICT,
        500: NOT_BUILT,
        ...REFUSED,
      },
      handler: ({ params, body }) => answer(engine.reloadPipeline(params.id, body.file)),
    }),
  ];
}
