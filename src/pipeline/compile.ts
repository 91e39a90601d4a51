import { PipelineDefinitionError, type PipelineIssue } from '../core/errors.js';
import type { ErrorCode } from '../core/error-codes.js';
import { MESSAGE_FIELDS, type DataType } from './data-types.js';
import { inputsOf, STEP_ID_PATTERN, type StepDefinition } from './definition.js';
import type { PipelineSource } from './load.js';
import type { CompileContext, InputInfo, OperatorDefinition } from './operator.js';
import { validateParams } from './params.js';
import type { OperatorRegistry } from './registry.js';

/** A step after checking: its operator, validated params and what it emits. */
export interface CompiledStep {
  readonly id: string;
  /** `pipeline.step`, used in metrics and dead letters. */
  readonly name: string;
  readonly operator: OperatorDefinition;
  readonly params: unknown;
  readonly inputs: readonly string[];
  /** What the step emits; undefined for sinks. */
  readonly outputType: DataType | undefined;
  readonly numericFields: readonly string[] | undefined;
  readonly textFields: readonly string[];
  readonly line: number | undefined;
}

/** A checked pipeline: steps in an order where every step comes after its inputs. */
export interface CompiledPipeline {
  readonly id: string;
  readonly file: string;
  readonly baseDir: string;
  readonly steps: readonly CompiledStep[];
  readonly functions: ReadonlyMap<string, (message: unknown) => unknown>;
}

export interface CompileOptions {
  readonly registry: OperatorRegistry;
  /** Functions from the pipeline's user modules. */
  readonly functions?: ReadonlyMap<string, (message: unknown) => unknown>;
}

const STEP_KEYS = new Set(['id', 'op', 'from', 'params']);
const PIPELINE_KEYS = new Set(['id', 'description', 'modules', 'steps']);

/**
 * Checks a pipeline definition and returns every problem found, not only the first, each with
 * its file, step id and line. A pipeline with no problems is returned compiled.
 */
export function checkPipeline(
  source: PipelineSource,
  options: CompileOptions,
): { compiled: CompiledPipeline | undefined; issues: PipelineIssue[] } {
  const issues: PipelineIssue[] = [];
  const file = source.file;
  const report = (code: ErrorCode, message: string, stepId?: string, line?: number): void => {
    issues.push({
      code,
      file,
      message,
      ...(stepId !== undefined && { stepId }),
      ...(line !== undefined && { line }),
    });
  };

  const definition = source.definition as unknown;
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    report('PIPELINE_INVALID_DEFINITION', 'a pipeline is a mapping with an id and a list of steps');
    return { compiled: undefined, issues };
  }
  const pipeline = definition as Record<string, unknown>;
  for (const key of Object.keys(pipeline)) {
    if (!PIPELINE_KEYS.has(key))
      report(
        'PIPELINE_INVALID_DEFINITION',
        `unknown key '${key}' (a pipeline has id, description, modules, steps)`,
      );
  }
  const pipelineId = typeof pipeline['id'] === 'string' ? pipeline['id'] : '';
  if (!STEP_ID_PATTERN.test(pipelineId)) {
    report(
      'PIPELINE_INVALID_DEFINITION',
      'the pipeline needs an id of letters, digits and _, such as `default`',
    );
  }
  if (!Array.isArray(pipeline['steps']) || pipeline['steps'].length === 0) {
    report('PIPELINE_INVALID_DEFINITION', 'the pipeline needs a non-empty list of steps');
    return { compiled: undefined, issues };
  }

  const functions = options.functions ?? new Map<string, (message: unknown) => unknown>();
  type Entry = {
    step: StepDefinition;
    operator?: OperatorDefinition;
    params?: unknown;
    line?: number;
    badInputs?: boolean;
  };
  const byId = new Map<string, Entry>();
  const rawSteps = pipeline['steps'] as unknown[];

  rawSteps.forEach((raw, index) => {
    const line = source.stepLines?.[index];
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      report(
        'PIPELINE_INVALID_DEFINITION',
        `step ${index + 1} is not a mapping of id, op, from, params`,
        undefined,
        line,
      );
      return;
    }
    const step = raw as Record<string, unknown>;
    const id = step['id'];
    const label = typeof id === 'string' && id !== '' ? id : `#${index + 1}`;
    for (const key of Object.keys(step)) {
      if (!STEP_KEYS.has(key))
        report(
          'PIPELINE_INVALID_DEFINITION',
          `unknown key '${key}' (a step has id, op, from, params)`,
          label,
          line,
        );
    }
    if (typeof id !== 'string' || !STEP_ID_PATTERN.test(id)) {
      report(
        'PIPELINE_INVALID_STEP_ID',
        `step ids are letters, digits and _ (starting with a letter or _), got ${JSON.stringify(id ?? null)}`,
        label,
        line,
      );
      return;
    }
    if (byId.has(id)) {
      const first = byId.get(id)?.line;
      report(
        'PIPELINE_DUPLICATE_STEP',
        `the id '${id}' is used twice${first === undefined ? '' : ` (first on line ${first})`}`,
        id,
        line,
      );
      return;
    }
    const from = step['from'];
    if (
      from !== undefined &&
      typeof from !== 'string' &&
      !(Array.isArray(from) && from.every((f) => typeof f === 'string'))
    ) {
      report('PIPELINE_INVALID_DEFINITION', '`from` must be a step id or a list of step ids', id, line);
    }
    const entry: Entry = {
      step: step as unknown as StepDefinition,
      ...(line !== undefined && { line }),
    };
    byId.set(id, entry);
    const op = step['op'];
    if (typeof op !== 'string') {
      report('PIPELINE_INVALID_DEFINITION', 'the step needs `op`, the name of an operator', id, line);
      return;
    }
    const operator = options.registry.get(op);
    if (!operator) {
      const hint = closest(
        op,
        options.registry.list().map((o) => o.name),
      );
      report(
        'PIPELINE_UNKNOWN_OPERATOR',
        `unknown operator '${op}'${hint ? ` (did you mean '${hint}'?)` : ''}`,
        id,
        line,
      );
      return;
    }
    entry.operator = operator;
    const validated = validateParams(operator.params, step['params']);
    if (validated.ok) entry.params = validated.params;
    else for (const problem of validated.problems) report('PIPELINE_BAD_PARAMS', problem, id, line);

    const count = Array.isArray(from) ? from.length : from === undefined ? 0 : 1;
    const max = operator.kind === 'transform' || operator.kind === 'sink' ? (operator.maxInputs ?? 1) : 1;
    entry.badInputs = true;
    if (operator.kind === 'source' && count > 0) {
      report('PIPELINE_BAD_INPUTS', `'${op}' is a source and reads no other step: remove \`from\``, id, line);
    } else if (operator.kind !== 'source' && count === 0) {
      report('PIPELINE_BAD_INPUTS', `'${op}' needs \`from\`: the step it reads`, id, line);
    } else if (count > max) {
      report('PIPELINE_BAD_INPUTS', `'${op}' reads at most ${max} step(s), got ${count}`, id, line);
    } else {
      entry.badInputs = false;
    }
  });

  // References and cycles.
  for (const [id, entry] of byId) {
    for (const input of inputsOf(entry.step)) {
      if (!byId.has(input)) {
        const hint = closest(input, [...byId.keys()]);
        report(
          'PIPELINE_UNKNOWN_STEP',
          `reads from '${input}', which is not a step${hint ? ` (did you mean '${hint}'?)` : ''}`,
          id,
          entry.line,
        );
      }
    }
  }
  const order = topologicalOrder(byId);
  for (const cycle of order.cycles) {
    const first = byId.get(cycle[0] ?? '');
    report(
      'PIPELINE_CYCLE',
      `steps ${[...cycle, cycle[0]].join(' → ')} feed each other in a loop`,
      cycle[0],
      first?.line,
    );
  }

  // Types and operator checks, in order, so every step sees its inputs' outputs.
  const compiled = new Map<string, CompiledStep>();
  // What steps that failed their own checks still emit, when that does not depend on what failed:
  // steps reading them are checked too (an unknown field is reported while an upstream step has errors).
  const stillKnown = new Map<string, Emits>();
  for (const id of order.sorted) {
    const entry = byId.get(id);
    const operator = entry?.operator;
    if (!entry || !operator) continue;
    if (entry.params === undefined || entry.badInputs) {
      const emits = emitsWithoutInputs(operator, entry.params, id);
      if (emits) stillKnown.set(id, emits);
      continue;
    }
    const inputs = inputsOf(entry.step);
    const inputInfo: InputInfo[] = [];
    // An input that failed its own checks is compiled no further; what it emits may still be known.
    let typed = true;
    let described = true;
    for (const inputId of inputs) {
      const input = compiled.get(inputId) ?? withId(inputId, stillKnown.get(inputId));
      if (!compiled.has(inputId)) typed = false;
      if (input === undefined) {
        described = false;
        inputInfo.push({ stepId: inputId, type: 'features', numericFields: undefined, textFields: [] });
        continue;
      }
      if (input.outputType === undefined) {
        report(
          'PIPELINE_TYPE_MISMATCH',
          `reads from '${input.id}', a sink, which emits nothing`,
          id,
          entry.line,
        );
        typed = false;
        described = false;
        continue;
      }
      const accepted = acceptedTypes(operator);
      if (accepted !== 'any' && !accepted.includes(input.outputType)) {
        report(
          'PIPELINE_TYPE_MISMATCH',
          `reads ${input.outputType} messages from '${input.id}', but '${operator.name}' accepts ${accepted.join(' or ')}`,
          id,
          entry.line,
        );
        typed = false;
        described = false;
        continue;
      }
      inputInfo.push({
        stepId: input.id,
        type: input.outputType,
        numericFields: input.numericFields,
        textFields: input.textFields,
      });
    }
    const context: CompileContext = {
      pipelineId,
      stepId: id,
      baseDir: source.baseDir,
      inputs: inputInfo,
      functions,
    };
    const problems = operator.check?.(entry.params as never, context) ?? [];
    for (const problem of problems) report(problem.code, problem.message, id, entry.line);
    if (!typed || problems.length > 0) {
      const emits = described
        ? emitsFromInputs(operator, entry.params, inputInfo, context)
        : emitsWithoutInputs(operator, entry.params, id);
      if (emits) stillKnown.set(id, emits);
      continue;
    }
    const outputType = outputTypeOf(operator, entry.params, inputInfo);
    const fields = fieldsOf(operator, entry.params, outputType, context);
    compiled.set(id, {
      id,
      name: `${pipelineId}.${id}`,
      operator,
      params: entry.params,
      inputs,
      outputType,
      numericFields: fields.numeric,
      textFields: fields.text,
      line: entry.line,
    });
  }

  if (![...byId.values()].some((entry) => entry.operator?.kind === 'source') && byId.size > 0) {
    if ([...byId.values()].every((entry) => entry.operator !== undefined)) {
      report(
        'PIPELINE_NO_SOURCE',
        'no step is a source (simulatedMarket, csvReplay, ninjatrader, ...), so nothing would flow',
      );
    }
  }
  if (issues.length > 0) return { compiled: undefined, issues };
  return {
    compiled: {
      id: pipelineId,
      file,
      baseDir: source.baseDir,
      steps: order.sorted.map((id) => compiled.get(id) as CompiledStep),
      functions,
    },
    issues,
  };
}

/** Compiles a pipeline or throws a PipelineDefinitionError listing every problem. */
export function compile(source: PipelineSource, options: CompileOptions): CompiledPipeline {
  const { compiled, issues } = checkPipeline(source, options);
  if (!compiled) throw new PipelineDefinitionError(issues);
  return compiled;
}

/** What a step emits, as far as the compiler knows it. */
type Emits = Pick<CompiledStep, 'outputType' | 'numericFields' | 'textFields'>;

function withId(id: string, emits: Emits | undefined): (Emits & { id: string }) | undefined {
  return emits && { id, ...emits };
}

/**
 * What a failed step emits when its inputs are all known: the same as if it had compiled, since
 * its output follows from its params and inputs. Undefined when describing it throws.
 */
function emitsFromInputs(
  operator: OperatorDefinition,
  params: unknown,
  inputs: readonly InputInfo[],
  context: CompileContext,
): Emits | undefined {
  try {
    const outputType = outputTypeOf(operator, params, inputs);
    const fields = fieldsOf(operator, params, outputType, context);
    return { outputType, numericFields: fields.numeric, textFields: fields.text };
  } catch {
    return undefined;
  }
}

/**
 * What a step emits whatever its inputs are, even with invalid params (`params` undefined):
 * sources and transforms with a fixed output kind, feature steps (their keys need valid params).
 * Undefined when it depends on what is unknown; a sink emits nothing.
 */
function emitsWithoutInputs(
  operator: OperatorDefinition,
  params: unknown,
  stepId: string,
): Emits | undefined {
  if (operator.kind === 'sink') return { outputType: undefined, numericFields: [], textFields: [] };
  if (operator.kind === 'feature') {
    let numeric: readonly string[] | undefined;
    try {
      numeric = params === undefined ? undefined : operator.spec(params as never, stepId).outputs;
    } catch {
      numeric = undefined;
    }
    return { outputType: 'features', numericFields: numeric, textFields: ['symbol'] };
  }
  let outputType: DataType;
  if (typeof operator.output !== 'function') outputType = operator.output;
  else if (operator.kind === 'source' && params !== undefined) {
    try {
      outputType = operator.output(params as never);
    } catch {
      return undefined;
    }
  } else return undefined;
  if (outputType === 'features') return { outputType, numericFields: undefined, textFields: ['symbol'] };
  const known = MESSAGE_FIELDS[outputType];
  return { outputType, numericFields: known?.numeric, textFields: known?.text ?? ['symbol'] };
}

function acceptedTypes(operator: OperatorDefinition): readonly DataType[] | 'any' {
  switch (operator.kind) {
    case 'source':
      return [];
    case 'feature':
      return [operator.input];
    default:
      return operator.inputs;
  }
}

function outputTypeOf(
  operator: OperatorDefinition,
  params: unknown,
  inputs: readonly InputInfo[],
): DataType | undefined {
  switch (operator.kind) {
    case 'source':
      return typeof operator.output === 'function' ? operator.output(params as never) : operator.output;
    case 'feature':
      return 'features';
    case 'sink':
      return undefined;
    case 'transform':
      return typeof operator.output === 'function'
        ? operator.output(
            params as never,
            inputs.map((input) => input.type),
          )
        : operator.output;
  }
}

function fieldsOf(
  operator: OperatorDefinition,
  params: unknown,
  outputType: DataType | undefined,
  context: CompileContext,
): { numeric: readonly string[] | undefined; text: readonly string[] } {
  if (outputType === undefined) return { numeric: [], text: [] };
  if (outputType !== 'features') {
    const known = MESSAGE_FIELDS[outputType];
    return { numeric: known?.numeric, text: known?.text ?? ['symbol'] };
  }
  if (operator.kind === 'feature')
    return { numeric: operator.spec(params as never, context.stepId).outputs, text: ['symbol'] };
  if (operator.kind === 'transform' && operator.fields)
    return { numeric: operator.fields(params as never, context), text: ['symbol'] };
  // A features pass-through (filter, throttle) keeps its inputs' fields.
  if (context.inputs.some((input) => input.numericFields === undefined))
    return { numeric: undefined, text: ['symbol'] };
  return {
    numeric: [...new Set(context.inputs.flatMap((input) => input.numericFields ?? []))],
    text: ['symbol'],
  };
}

/** Kahn's algorithm; steps left over sit on cycles, reported once per cycle. */
function topologicalOrder(byId: ReadonlyMap<string, { step: StepDefinition }>): {
  sorted: string[];
  cycles: string[][];
} {
  const indegree = new Map<string, number>();
  const consumers = new Map<string, string[]>();
  for (const [id, { step }] of byId) {
    const inputs = inputsOf(step).filter((input) => byId.has(input));
    indegree.set(id, inputs.length);
    for (const input of inputs) consumers.set(input, [...(consumers.get(input) ?? []), id]);
  }
  const ready = [...byId.keys()].filter((id) => indegree.get(id) === 0);
  const sorted: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    sorted.push(id);
    for (const consumer of consumers.get(id) ?? []) {
      const left = (indegree.get(consumer) ?? 0) - 1;
      indegree.set(consumer, left);
      if (left === 0) ready.push(consumer);
    }
  }
  const remaining = new Set([...byId.keys()].filter((id) => !sorted.includes(id)));
  const cycles: string[][] = [];
  for (const start of remaining) {
    // Walk backwards along inputs inside the remaining set until a step repeats: that is a cycle.
    const path: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && !path.includes(current)) {
      path.push(current);
      current = inputsOf(byId.get(current)?.step as StepDefinition).find((input) => remaining.has(input));
    }
    if (current === undefined) continue;
    const cycle = path.slice(path.indexOf(current)).reverse();
    for (const id of cycle) remaining.delete(id);
    cycles.push(cycle);
  }
  return { sorted, cycles };
}

/** The known name nearest to a misspelt one, when it is close enough to be a likely typo. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}
