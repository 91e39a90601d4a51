import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import fastJson from 'fast-json-stringify';
import type { TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../../core/error-codes.js';
import {
  CLIENT_MESSAGE_SCHEMAS,
  ENGINE_MESSAGE_SCHEMAS,
  type ClientMessage,
  type ClientMessageType,
  type EngineMessage,
  type EngineMessageType,
} from './schemas.js';

/** Why a message was refused at the edge: the protocol error code and a sentence naming the problem. */
export interface MessageRejection {
  readonly code: ErrorCode;
  readonly reason: string;
  /** The message's `seq` and `type` when they could be read. */
  readonly seq: number | undefined;
  readonly type: string | undefined;
}

type Validators = ReadonlyMap<string, ValidateFunction>;
type Serialisers = ReadonlyMap<string, (message: unknown) => string>;

const SIZE_FIELD = /(size|quantity|volume|trades)$/;
const NON_FINITE_LITERAL = /\b(NaN|-?Infinity)\b/;
const SEQ_IN_TEXT = /"seq"\s*:\s*(\d+)/;
const TYPE_IN_TEXT = /"type"\s*:\s*"([a-z_]{1,32})"/;

function compileValidators(schemas: Readonly<Record<string, TSchema>>): Validators {
  const ajv = new Ajv({ allErrors: false, verbose: true, strict: false });
  return new Map(Object.entries(schemas).map(([type, schema]) => [type, ajv.compile(schema)]));
}

function compileSerialisers(schemas: Readonly<Record<string, TSchema>>): Serialisers {
  return new Map(
    Object.entries(schemas).map(([type, schema]) => [
      type,
      fastJson(schema as object) as (message: unknown) => string,
    ]),
  );
}

function describePath(type: string, instancePath: string): string {
  return instancePath === '' ? type : `${type}${instancePath.replaceAll('/', '.')}`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

function rejectionFromSchemaErrors(
  type: string,
  seq: number | undefined,
  errors: readonly ErrorObject[],
): MessageRejection {
  // With allErrors off Ajv stops at the first failing keyword; for unions it lists each branch and
  // then the anyOf itself, which is the useful one to report.
  const error = errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
  if (!error)
    return { code: 'GATEWAY_SCHEMA_VIOLATION', reason: `${type} does not match its schema`, seq, type };
  const path = describePath(type, error.instancePath);
  const data: unknown = error.data;
  if (typeof data === 'number' && !Number.isFinite(data)) {
    return {
      code: 'GATEWAY_NOT_FINITE',
      reason: `${path} is ${String(data)}; numbers must be finite`,
      seq,
      type,
    };
  }
  if (
    (error.keyword === 'minimum' || error.keyword === 'exclusiveMinimum') &&
    SIZE_FIELD.test(error.instancePath)
  ) {
    const limit = (error.params as { limit: number }).limit;
    return {
      code: 'GATEWAY_NEGATIVE_SIZE',
      reason: `${path} is ${String(data)}; it must be ≥ ${String(limit)}`,
      seq,
      type,
    };
  }
  let detail: string;
  switch (error.keyword) {
    case 'additionalProperties':
      detail = `has unknown field '${(error.params as { additionalProperty: string }).additionalProperty}'`;
      break;
    case 'required':
      detail = `is missing required field '${(error.params as { missingProperty: string }).missingProperty}'`;
      break;
    case 'enum': {
      const allowed = (error.params as { allowedValues: readonly unknown[] }).allowedValues;
      detail = `is ${describeValue(data)}; it must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
      break;
    }
    case 'anyOf': {
      const branches = (error.schema as readonly { const?: unknown }[]).map((branch) =>
        JSON.stringify(branch.const),
      );
      detail = `is ${describeValue(data)}; it must be one of ${branches.join(', ')}`;
      break;
    }
    default:
      detail = `is ${describeValue(data)}; it ${error.message ?? 'does not match the schema'}`;
  }
  return { code: 'GATEWAY_SCHEMA_VIOLATION', reason: `${path} ${detail}`, seq, type };
}

/**
 * Validates client → engine messages against the protocol v1 schemas. Built once per gateway;
 * `validate` allocates nothing for a valid message.
 */
export class ClientMessageValidator {
  private readonly validators: Validators = compileValidators(CLIENT_MESSAGE_SCHEMAS);

  /** Undefined when `value` is a valid client message, else why not. */
  validate(value: unknown): MessageRejection | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return {
        code: 'GATEWAY_NOT_JSON',
        reason: `a message must be a JSON object, not ${describeValue(value)}`,
        seq: undefined,
        type: undefined,
      };
    }
    const record = value as { type?: unknown; seq?: unknown };
    const seq = typeof record.seq === 'number' && Number.isSafeInteger(record.seq) ? record.seq : undefined;
    const type = record.type;
    const validate = typeof type === 'string' ? this.validators.get(type) : undefined;
    if (validate === undefined) {
      const reason =
        typeof type === 'string'
          ? `'${type.slice(0, 40)}' is not a client message type of protocol v1`
          : 'the message has no string field `type`';
      return { code: 'GATEWAY_UNKNOWN_TYPE', reason, seq, type: typeof type === 'string' ? type : undefined };
    }
    if (validate(value)) return undefined;
    return rejectionFromSchemaErrors(type as string, seq, validate.errors ?? []);
  }
}

/** Parses one text frame: a message or an array of them. */
export function parseFrame(text: string): unknown[] | MessageRejection {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const seqMatch = SEQ_IN_TEXT.exec(text);
    const typeMatch = TYPE_IN_TEXT.exec(text);
    const seq = seqMatch ? Number(seqMatch[1]) : undefined;
    const type = typeMatch?.[1];
    if (NON_FINITE_LITERAL.test(text)) {
      return {
        code: 'GATEWAY_NOT_FINITE',
        reason: 'the frame contains NaN or Infinity, which JSON cannot carry',
        seq,
        type,
      };
    }
    return {
      code: 'GATEWAY_NOT_JSON',
      reason: `the frame is not JSON: ${(error as Error).message}`,
      seq,
      type,
    };
  }
  if (Array.isArray(value)) {
    if (value.length === 0)
      return {
        code: 'GATEWAY_EMPTY_BATCH',
        reason: 'a batch frame is an empty array',
        seq: undefined,
        type: undefined,
      };
    return value;
  }
  return [value];
}

const engineSerialisers = compileSerialisers(ENGINE_MESSAGE_SCHEMAS);
const clientSerialisers = compileSerialisers(CLIENT_MESSAGE_SCHEMAS);

/** JSON text of an engine → client message, through its compiled schema. */
export function serialiseEngineMessage(message: EngineMessage): string {
  return (engineSerialisers.get(message.type) as (m: unknown) => string)(message);
}

/** JSON text of a client → engine message, through its compiled schema (the Node client's side). */
export function serialiseClientMessage(message: ClientMessage): string {
  return (clientSerialisers.get(message.type) as (m: unknown) => string)(message);
}

/** Joins already serialised messages into one frame: the single message, or a batch array. */
export function joinFrame(texts: readonly string[]): string {
  return texts.length === 1 ? (texts[0] as string) : `[${texts.join(',')}]`;
}

/** Validates engine → client messages (the Node client checks what it receives). */
export class EngineMessageValidator {
  private readonly validators: Validators = compileValidators(ENGINE_MESSAGE_SCHEMAS);

  validate(value: unknown): MessageRejection | undefined {
    const type = (value as { type?: unknown } | null)?.type;
    const validate = typeof type === 'string' ? this.validators.get(type) : undefined;
    if (validate === undefined) {
      return {
        code: 'GATEWAY_UNKNOWN_TYPE',
        reason: `unknown engine message type ${describeValue(type)}`,
        seq: undefined,
        type: undefined,
      };
    }
    if (validate(value)) return undefined;
    return rejectionFromSchemaErrors(type as string, undefined, validate.errors ?? []);
  }
}

export type { ClientMessageType, EngineMessageType };
