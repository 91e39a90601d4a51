import { DURATION_PATTERN } from '../core/time.js';
import type { OperatorDefinition } from '../pipeline/operator.js';

/** One param of an operator as a reader needs it: read from its TypeBox (JSON Schema) params. */
export interface ParamDoc {
  readonly name: string;
  /** `integer 1–10000`, `close / open / high`, `duration (500ms, 5m, 1h)`, `list of string`, … */
  readonly type: string;
  /** The default as it would be written in a pipeline, when there is one. */
  readonly default: string | undefined;
  readonly required: boolean;
  readonly description: string | undefined;
}

/** A JSON Schema node, as much of it as the descriptions read. */
interface SchemaNode {
  readonly type?: string;
  readonly const?: unknown;
  readonly anyOf?: readonly SchemaNode[];
  readonly items?: SchemaNode;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly patternProperties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly default?: unknown;
  readonly description?: string;
}

/**
 * Every param of an operator, in schema order; the fields of a list of mappings (signal rules)
 * follow their list as `rules[].when`, `rules[].direction`, …
 */
export function paramDocs(operator: OperatorDefinition): ParamDoc[] {
  return fieldDocs(operator.params as SchemaNode, '');
}

function fieldDocs(schema: SchemaNode, prefix: string): ParamDoc[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, node]) => {
    const doc: ParamDoc = {
      name: `${prefix}${name}`,
      type: typeText(node),
      default: node.default === undefined ? undefined : valueText(node.default),
      // TypeBox lists a param with a default as required; the default fills it, so the user need not.
      required: required.has(name) && node.default === undefined,
      description: node.description,
    };
    const element = node.type === 'array' ? node.items : node;
    const nested =
      element?.properties !== undefined
        ? fieldDocs(element, `${doc.name}${node.type === 'array' ? '[]' : ''}.`)
        : [];
    return [doc, ...nested];
  });
}

/** What values a schema node takes, in words. */
export function typeText(node: SchemaNode): string {
  if (node.anyOf !== undefined) {
    if (node.anyOf.every((option) => option.const !== undefined))
      return node.anyOf.map((option) => String(option.const)).join(' / ');
    return node.anyOf.map(typeText).join(' or ');
  }
  switch (node.type) {
    case 'integer':
    case 'number':
      return `${node.type}${rangeText(node)}`;
    case 'string':
      return node.pattern === DURATION_PATTERN ? 'duration (500ms, 30s, 5m, 1h, 1d)' : 'string';
    case 'array': {
      const count =
        node.maxItems !== undefined
          ? ` (at most ${String(node.maxItems)})`
          : (node.minItems ?? 0) > 0
            ? ` (at least ${String(node.minItems)})`
            : '';
      const items =
        node.items === undefined
          ? 'values'
          : node.items.properties !== undefined
            ? 'mappings'
            : typeText(node.items);
      return `list of ${items}${count}`;
    }
    case 'object':
      if (node.properties !== undefined) return 'mapping';
      if (node.patternProperties !== undefined) {
        const [value] = Object.values(node.patternProperties);
        return `mapping of name → ${value ? typeText(value) : 'value'}`;
      }
      return 'mapping';
    default:
      return node.type ?? 'any';
  }
}

/** ` 1–10000`, ` > 0, ≤ 1`, ` ≥ 1`, or nothing. */
function rangeText(node: SchemaNode): string {
  const low =
    node.exclusiveMinimum !== undefined
      ? `> ${String(node.exclusiveMinimum)}`
      : node.minimum !== undefined
        ? `≥ ${String(node.minimum)}`
        : undefined;
  const high =
    node.exclusiveMaximum !== undefined
      ? `< ${String(node.exclusiveMaximum)}`
      : node.maximum !== undefined
        ? `≤ ${String(node.maximum)}`
        : undefined;
  if (node.minimum !== undefined && node.maximum !== undefined)
    return ` ${String(node.minimum)}–${String(node.maximum)}`;
  const parts = [low, high].filter((part) => part !== undefined);
  return parts.length > 0 ? ` ${parts.join(', ')}` : '';
}

/** A default as it reads in YAML: 20, close, true, [ES 12-26, NQ 12-26]. */
function valueText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueText).join(', ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `integer 1–10000, default 20`, `string, required`: type, then default or requiredness. */
export function paramSummary(param: ParamDoc, maxDefault = Number.POSITIVE_INFINITY): string {
  const shown =
    param.default !== undefined && param.default.length > maxDefault
      ? `${param.default.slice(0, maxDefault - 1)}…`
      : param.default;
  const extra =
    shown !== undefined ? `, default ${shown === '' ? "''" : shown}` : param.required ? ', required' : '';
  return `${param.type}${extra}`;
}
