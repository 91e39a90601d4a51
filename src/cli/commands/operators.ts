import { createRegistry } from '../../operators/index.js';
import type { OperatorDefinition } from '../../pipeline/operator.js';
import { flow } from '../catalogue.js';
import type { Command } from '../command.js';
import { paramDocs, paramSummary } from '../param-docs.js';

/**
 * One operator as text: name, kind and flow, summary, then one line per param with its type,
 * allowed values, default (or `required`) and description.
 */
export function operatorText(operator: OperatorDefinition): string {
  const params = paramDocs(operator);
  const width = Math.max(0, ...params.map((param) => param.name.length));
  const lines = params.map(
    (param) =>
      `    ${param.name.padEnd(width)}  ${paramSummary(param)}${param.description ? ` — ${param.description}` : ''}`,
  );
  return [
    `${operator.name}  ${operator.kind}, ${flow(operator)}`,
    `  ${operator.summary}`,
    ...(lines.length > 0 ? lines : ['    (no params)']),
  ].join('\n');
}

export const operatorsCommand: Command = {
  name: 'operators',
  summary: 'List every operator a pipeline can use, with its params: types, allowed values, defaults.',
  usage: `enigma operators [name...]

Every operator (or the ones named), each with what it reads and emits and its params: type,
allowed values or range, default (or "required") and what the param does.`,
  run: async (args) => {
    const registry = createRegistry();
    const unknown = args.filter((name) => registry.get(name) === undefined);
    if (unknown.length > 0) {
      process.stderr.write(
        `unknown operator ${unknown.map((name) => `'${name}'`).join(', ')}; the operators are: ${registry
          .list()
          .map((operator) => operator.name)
          .join(', ')}\n`,
      );
      return 2;
    }
    const operators =
      args.length > 0 ? args.map((name) => registry.get(name) as OperatorDefinition) : registry.list();
    process.stdout.write(`${operators.map(operatorText).join('\n\n')}\n`);
    return 0;
  },
};
