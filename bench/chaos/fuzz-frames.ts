/**
 * The fuzzer's frames: messages generated from the protocol's own TypeBox schemas
 * (src/gateway/protocol/schemas.ts), then broken on purpose. Seeded, so a run can be replayed.
 *
 * 1. `valid`: a client message drawn from its schema (every required field, some optional ones,
 *    values within the schema's bounds), numbered with the connection's next `seq`.
 * 2. `mutated`: a valid message with one fault: a required field dropped, an unknown field, a
 *    value of the wrong type, out of range or too long, a negative size.
 * 3. Text-level faults: `huge-number` (1e999, 1e308, 2^53 + 1, 30 digits, 1e-400), `prototype-keys`
 *    (`__proto__`, `constructor`, `prototype`, at the top or nested), `deep-nesting` (64 to
 *    10,000 levels, alone or as a batch element), `truncated`, `random-text`, `not-an-object`,
 *    `empty-batch`, `batch` (valid and broken messages mixed), `control` (ping, ack).
 * 4. Frames that end the connection by design, with the close code docs/protocol.md §5 gives:
 *    `binary` (1003), `oversize` (1009), `invalid-utf8` (1007), `fragments` (1008), `hello-again` (4000).
 */
import type { TSchema } from '@sinclair/typebox';
import { CLIENT_MESSAGE_SCHEMAS, type ClientMessageType } from '../../src/gateway/protocol/schemas.js';

export const FRAME_KINDS = [
  'valid',
  'batch',
  'mutated',
  'huge-number',
  'prototype-keys',
  'deep-nesting',
  'truncated',
  'random-text',
  'not-an-object',
  'empty-batch',
  'control',
  'binary',
  'oversize',
  'invalid-utf8',
  'fragments',
  'hello-again',
] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

/** Relative weights per million frames (the closing kinds are rare: each costs a connection). */
const WEIGHTS: Readonly<Record<FrameKind, number>> = {
  valid: 240_000,
  batch: 90_000,
  mutated: 200_000,
  'huge-number': 70_000,
  'prototype-keys': 70_000,
  'deep-nesting': 15_000,
  truncated: 90_000,
  'random-text': 80_000,
  'not-an-object': 30_000,
  'empty-batch': 10_000,
  control: 75_000,
  binary: 1500,
  oversize: 500,
  'invalid-utf8': 1500,
  fragments: 50,
  'hello-again': 1000,
};

/** Close code each closing kind must end the connection with (docs/protocol.md §5). */
export const CLOSING_KINDS: Readonly<Partial<Record<FrameKind, number>>> = {
  binary: 1003,
  oversize: 1009,
  'invalid-utf8': 1007,
  fragments: 1008,
  'hello-again': 4000,
};

export interface FuzzFrame {
  readonly kind: FrameKind;
  /** Text (or bytes for `binary` and `invalid-utf8`). For `fragments`: the pieces. */
  readonly data: string | Buffer | readonly string[];
  readonly binary: boolean;
  /** Seqs of the well-formed sequenced messages it carries: each is refused or acknowledged. */
  readonly seqs: readonly number[];
  /** How many refusals it may cost (for a connection keeping under the flood limit). */
  readonly refusals: number;
}

/** Per connection: the next client `seq` and the newest `ts` sent. */
export interface FrameContext {
  seq: number;
}

/** mulberry32: small, fast, seeded. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Roots of known instruments, and months the healthy client never uses (see chaos fuzz scenario). */
const ROOTS = ['ES', 'NQ', 'CL', 'GC', 'M2K', 'MES', 'ZN', '6E'] as const;
const FUZZ_MONTHS = ['12-26', '03-27', '06-27'] as const;
const SEQUENCED: readonly ClientMessageType[] = [
  'tick',
  'tick',
  'tick',
  'quote',
  'bar',
  'signal',
  'account',
  'position',
  'order_update',
  'execution',
  'snapshot',
  'proposal_decision',
];
const HUGE_NUMBERS = [
  '1e999',
  '-1e999',
  '1e308',
  '-1.7976931348623157e308',
  '9007199254740993',
  '123456789012345678901234567890',
  '1e-400',
  '-0',
  '0.1e-320',
];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'] as const;
const STRANGE_TEXT = ['', ' ', '\u0000', '\ud7ff\ue000', '💥', '"', '\\', '{}', 'ES 13-26', 'ZZZZ 12-26'];

interface SchemaLike {
  readonly type?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly items?: SchemaLike;
  readonly properties?: Readonly<Record<string, SchemaLike>>;
  readonly required?: readonly string[];
  readonly patternProperties?: Readonly<Record<string, SchemaLike>>;
  readonly anyOf?: readonly SchemaLike[];
}

/** Makes frames; one factory per fuzzing process, one context per connection. */
export class FrameFactory {
  private readonly random: Random;
  private readonly kinds: FrameKind[] = [];
  private readonly cumulative: number[] = [];
  private total = 0;
  private readonly nowMicros: () => number;

  constructor(seed: number, options: { kinds?: readonly FrameKind[]; nowMicros?: () => number } = {}) {
    this.random = new Random(seed);
    this.nowMicros = options.nowMicros ?? (() => Date.now() * 1000);
    for (const kind of options.kinds ?? FRAME_KINDS) {
      this.total += WEIGHTS[kind];
      this.kinds.push(kind);
      this.cumulative.push(this.total);
    }
  }

  /** The next frame for a connection (its `seq` moves for the sequenced messages it carries). */
  next(context: FrameContext): FuzzFrame {
    const draw = this.random.next() * this.total;
    let index = 0;
    while ((this.cumulative[index] as number) <= draw) index++;
    return this.frame(this.kinds[index] as FrameKind, context);
  }

  /** A frame of one kind. */
  frame(kind: FrameKind, context: FrameContext): FuzzFrame {
    const r = this.random;
    switch (kind) {
      case 'valid': {
        const message = this.validMessage(context);
        return text(kind, JSON.stringify(message), [message.seq as number], 0.2);
      }
      case 'batch': {
        const parts: string[] = [];
        const seqs: number[] = [];
        let refusals = 0;
        const count = r.int(2, 50);
        for (let i = 0; i < count; i++) {
          if (r.chance(0.7)) {
            const message = this.validMessage(context);
            seqs.push(message.seq as number);
            parts.push(JSON.stringify(message));
            refusals += 0.2;
          } else {
            const body = this.mutatedText(context);
            seqs.push(...seqOf(body));
            parts.push(body);
            refusals += 1;
          }
        }
        return text(kind, `[${parts.join(',')}]`, seqs, refusals);
      }
      case 'mutated': {
        const body = this.mutatedText(context);
        return text(kind, body, seqOf(body), 1);
      }
      case 'huge-number': {
        const message = this.validMessage(context);
        const numeric = Object.keys(message).filter((key) => typeof message[key] === 'number');
        const key = r.pick(numeric);
        const body = JSON.stringify(message).replace(
          `"${key}":${JSON.stringify(message[key])}`,
          `"${key}":${r.pick(HUGE_NUMBERS)}`,
        );
        return text(kind, body, seqOf(body), 1);
      }
      case 'prototype-keys': {
        const message = this.validMessage(context);
        const key = r.pick(PROTOTYPE_KEYS);
        const poison = r.pick([
          `{"polluted":true}`,
          `{"prototype":{"polluted":true}}`,
          `null`,
          `"x"`,
          `{"__proto__":{"polluted":1}}`,
        ]);
        const body = JSON.stringify(message);
        // Inside an object the protocol allows any key in (signal metadata), or at the top level.
        const placed =
          message['type'] === 'signal' && r.chance(0.5)
            ? body.replace(/}$/, `,"metadata":{"${key}":${r.chance(0.5) ? '"x"' : '1'}}}`)
            : body.replace(/^{/, `{"${key}":${poison},`);
        return text(kind, placed, seqOf(placed), 1);
      }
      case 'deep-nesting': {
        const depth = r.pick([64, 200, 1000, 4100, 4100, 10_000]);
        const open = r.chance(0.5) ? '['.repeat(depth) : '{"a":'.repeat(depth);
        const close = open.startsWith('[') ? ']'.repeat(depth) : '}'.repeat(depth);
        const nested = `${open}1${close}`;
        const shape = r.int(0, 2);
        const body =
          shape === 0
            ? nested
            : shape === 1
              ? `{"type":"tick","seq":${String(context.seq + 1)},"x":${nested}}`
              : `[{"type":"tick","seq":${String(context.seq + 1)},"x":${nested}},{"type":"ping","seq":0,"ts":1}]`;
        return text(kind, body, [], 2);
      }
      case 'truncated': {
        const body = JSON.stringify(this.validMessage(context));
        return text(kind, body.slice(0, r.int(0, body.length - 1)), [], 1);
      }
      case 'random-text': {
        const length = r.int(1, 400);
        let body = '';
        for (let i = 0; i < length; i++) {
          body += r.chance(0.8)
            ? String.fromCharCode(r.int(32, 126))
            : String.fromCodePoint(
                r.pick([0, 9, 10, 0x7f, 0xa0, 0x2028, 0xfeff, 0x1f4a5, r.int(0x100, 0xd7ff)]),
              );
        }
        return text(kind, body, [], 1);
      }
      case 'not-an-object':
        return text(
          kind,
          r.pick(['1', '"tick"', 'null', 'true', '[1,2,3]', '[[]]', '[null]', '{}', '""']),
          [],
          1,
        );
      case 'empty-batch':
        return text(kind, '[]', [], 1);
      case 'control':
        return text(
          kind,
          r.chance(0.5)
            ? `{"type":"ping","seq":0,"ts":${String(this.nowMicros())},"id":${JSON.stringify(r.pick(STRANGE_TEXT))}}`
            : `{"type":"ack","seq":0,"ts":${String(this.nowMicros())},"last_seq":${String(r.int(0, 1_000_000))}}`,
          [],
          0,
        );
      case 'binary':
        return {
          kind,
          data: Buffer.from(JSON.stringify(this.validMessage(context))),
          binary: true,
          seqs: [],
          refusals: 1,
        };
      case 'oversize':
        return text(kind, `{"type":"ping","seq":0,"ts":1,"id":"${'x'.repeat(300_000)}"}`, [], 1);
      case 'invalid-utf8':
        return {
          kind,
          data: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]),
          binary: false,
          seqs: [],
          refusals: 1,
        };
      case 'fragments':
        return {
          kind,
          data: Array.from({ length: 16_400 }, () => ' '),
          binary: false,
          seqs: [],
          refusals: 1,
        };
      case 'hello-again':
        return text(kind, helloText(this.nowMicros()), [], 1);
    }
  }

  /** A well-formed sequenced message (its `seq` is the connection's next one). */
  validMessage(context: FrameContext): Record<string, unknown> {
    const type = this.random.pick(SEQUENCED);
    context.seq += 1;
    const message = this.value(CLIENT_MESSAGE_SCHEMAS[type] as unknown as SchemaLike, 'message') as Record<
      string,
      unknown
    >;
    message['seq'] = context.seq;
    return message;
  }

  /** A message with exactly one schema fault, as text. */
  private mutatedText(context: FrameContext): string {
    const r = this.random;
    const message = this.validMessage(context);
    const keys = Object.keys(message).filter((key) => key !== 'type' && key !== 'seq');
    const key = r.pick(keys);
    switch (r.int(0, 6)) {
      case 0:
        return JSON.stringify(Object.fromEntries(Object.entries(message).filter(([name]) => name !== key)));
      case 1:
        message[`unknown_${String(r.int(0, 99))}`] = r.pick([1, 'x', true, null, [], {}]);
        break;
      case 2:
        message[key] = r.pick([null, true, 'text', [], {}, [1, 2], -1]);
        break;
      case 3:
        message[key] = typeof message[key] === 'string' ? 'x'.repeat(r.int(129, 5000)) : -r.int(1, 1e9);
        break;
      case 4:
        message['type'] = r.pick(['Tick', 'tick ', 'welcome', 'order', 'hello', '', 'x'.repeat(40)]);
        break;
      case 5:
        message['seq'] = r.pick([-1, 1.5, '1', 9007199254740991, 0]);
        break;
      default:
        message['symbol'] = r.pick(STRANGE_TEXT);
    }
    return JSON.stringify(message);
  }

  /** A value that satisfies the schema; field names steer a few values toward realistic ones. */
  private value(schema: SchemaLike, name: string): unknown {
    const r = this.random;
    if (schema.const !== undefined) return schema.const;
    if (schema.enum) return r.pick(schema.enum);
    if (schema.anyOf) return this.value(r.pick(schema.anyOf), name);
    switch (schema.type) {
      case 'object': {
        const result: Record<string, unknown> = {};
        const required = new Set(schema.required ?? []);
        for (const [key, property] of Object.entries(schema.properties ?? {})) {
          if (required.has(key) || r.chance(0.3)) result[key] = this.value(property, key);
        }
        const pattern = schema.patternProperties && Object.values(schema.patternProperties)[0];
        if (pattern) {
          for (let i = r.int(0, 3); i > 0; i--)
            result[`k${String(r.int(0, 999))}`] = this.value(pattern, 'value');
        }
        return result;
      }
      case 'array': {
        const count = r.int(0, Math.min(schema.maxItems ?? 8, 8));
        return Array.from({ length: count }, () => this.value(schema.items ?? {}, name));
      }
      case 'string':
        if (name === 'symbol') return `${r.pick(ROOTS)} ${r.pick(FUZZ_MONTHS)}`;
        return randomString(r, Math.max(schema.minLength ?? 0, 1), Math.min(schema.maxLength ?? 32, 32));
      case 'integer': {
        if (name === 'ts' || name === 'end' || name === 'expires_ts')
          return this.nowMicros() + r.int(-1000, 0);
        const min = Math.max(schema.minimum ?? -1e6, -1e6);
        const max = Math.min(schema.maximum ?? 1e6, 1e6);
        return r.int(min, max);
      }
      case 'number': {
        const min = Math.max(schema.minimum ?? -1e6, -1e6);
        return Math.round((min + r.next() * 1e4) * 100) / 100;
      }
      case 'boolean':
        return r.chance(0.5);
      default:
        return null;
    }
  }
}

/**
 * The `seq` a broken message still carries, when it is a positive whole number: some faults leave
 * a message the engine may accept (a negative price, 1e308), and an accepted message is acked.
 */
function seqOf(body: string): number[] {
  const match = /"seq":(\d+)[,}]/.exec(body);
  const seq = Number(match?.[1]);
  return seq > 0 && Number.isSafeInteger(seq) ? [seq] : [];
}

function text(kind: FrameKind, data: string, seqs: readonly number[], refusals: number): FuzzFrame {
  return { kind, data, binary: false, seqs, refusals };
}

function randomString(r: Random, min: number, max: number): string {
  const length = r.int(min, Math.max(min, max));
  let result = '';
  for (let i = 0; i < length; i++) result += String.fromCharCode(r.int(97, 122));
  return result;
}

export function helloText(ts: number): string {
  return `{"type":"hello","seq":0,"ts":${String(ts)},"protocol":1,"client":{"name":"enigma-chaos","version":"0.1.0"},"accounts":[],"last_seq":0}`;
}

/** Schema of a client message type, for tests that check generated messages against it. */
export function clientSchema(type: ClientMessageType): TSchema {
  return CLIENT_MESSAGE_SCHEMAS[type];
}
