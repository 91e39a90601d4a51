import { EngineError } from '../core/errors.js';
import type { OperatorDefinition } from './operator.js';

/** The operators a pipeline can name in `op:`, by registry key. */
export class OperatorRegistry {
  private readonly operators = new Map<string, OperatorDefinition>();

  constructor(definitions: Iterable<OperatorDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  /** Adds an operator; a name can be registered once. */
  register(definition: OperatorDefinition): void {
    if (this.operators.has(definition.name)) {
      throw new EngineError(
        'PIPELINE_DUPLICATE_OPERATOR',
        `operator '${definition.name}' is already registered`,
      );
    }
    this.operators.set(definition.name, definition);
  }

  get(name: string): OperatorDefinition | undefined {
    return this.operators.get(name);
  }

  /** Every operator, sorted by name. */
  list(): OperatorDefinition[] {
    return [...this.operators.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A copy that user modules can extend without touching this one. */
  clone(): OperatorRegistry {
    return new OperatorRegistry(this.operators.values());
  }
}
