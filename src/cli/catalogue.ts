import { ERROR_CODES } from '../core/error-codes.js';
import type { OperatorDefinition } from '../pipeline/operator.js';
import type { OperatorRegistry } from '../pipeline/registry.js';
import { paramDocs, paramSummary } from './param-docs.js';

/** What an operator reads and emits: `bar → features`, `→ tick`, `any →`. */
export function flow(operator: OperatorDefinition): string {
  switch (operator.kind) {
    case 'source':
      return `→ ${typeof operator.output === 'function' ? 'by params' : operator.output}`;
    case 'feature':
      return `${operator.input} → features`;
    case 'sink':
      return `${operator.inputs === 'any' ? 'any' : operator.inputs.join(', ')} →`;
    case 'transform': {
      const inputs = operator.inputs === 'any' ? 'any' : operator.inputs.join(', ');
      return `${inputs} → ${typeof operator.output === 'function' ? 'by params' : operator.output}`;
    }
  }
}

/** Each param with its type, allowed values and default, one per line of the table cell. */
function paramCell(operator: OperatorDefinition): string {
  return paramDocs(operator)
    .map((param) => `\`${param.name}\` ${paramSummary(param, 40)}`.replaceAll('|', '\\|'))
    .join('<br>');
}

/** The operator catalogue as a Markdown table, generated from the registry so it cannot drift. */
export function operatorCatalogue(registry: OperatorRegistry): string {
  const rows = registry
    .list()
    .map(
      (operator) =>
        `| \`${operator.name}\` | ${operator.kind} | ${flow(operator)} | ${paramCell(operator)} | ${operator.summary} |`,
    );
  return [
    '| operator | kind | reads → emits | params | what it does |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Every error code with its meaning, as a Markdown table. */
export function errorCatalogue(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`);
  return ['| code | meaning |', '|---|---|', ...rows].join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceSection(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from === -1 || to === -1 || to < from) throw new Error(`the README has no ${start} … ${end} section`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}
