import type { OperatorDefinition } from '../../pipeline/operator.js';
import { kelly } from './kelly.js';

/**
 * The risk operators, for the registry. Order intents reach the risk gate through the spine's
 * `publish` sink (`topic: orderIntents`); the risk engine, not an operator, is the gate.
 */
export const RISK_OPERATORS: readonly OperatorDefinition[] = [kelly];

export { kelly };
