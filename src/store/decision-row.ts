import { decisionFigures, type RiskDecision } from '../risk/risk-events.js';
import type { RowValues } from './row-buffer.js';

/** The `decisions` row of a risk decision (after `seq`): the columns of `TABLES.decisions`, in order. */
export function decisionRow(decision: RiskDecision): RowValues {
  const { limit, value } = decisionFigures(decision);
  return [
    decision.ts,
    decision.account,
    decision.intentId,
    decision.symbol,
    decision.intent.side,
    finiteOrNull(decision.intent.quantity),
    decision.outcome,
    decision.code ?? null,
    decision.reason,
    finiteOrNull(limit),
    finiteOrNull(value),
    JSON.stringify(decision.numbers),
    JSON.stringify(decision.intent),
    decision.by ?? null,
  ];
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}
