import type { Static } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { OrderIntent, Signal } from '../../src/core/events.js';
import type { PipelineAccount, RunContext, Step } from '../../src/pipeline/operator.js';
import { validateParams } from '../../src/pipeline/params.js';
import { kelly } from '../../src/risk/operators/kelly.js';

// ES: the stop 3 points (12 ticks × $12.50) away risks $150 a contract; quarter Kelly on $50,000
// with p = 0.55 and b = 2 would take 27 contracts, so the risk budget decides: ⌊budget / 150⌋.
const SIGNAL: Signal = {
  source: 'enigma',
  symbol: 'ES 12-26',
  ts: 1_000,
  direction: 'long',
  strength: 'normal',
  power: 1,
  confluence: 3,
  price: 6000,
  stop: 5997,
  targets: [6006],
};

/** The intents one `kelly` step (in pipeline `default`) emits for one signal, with these accounts. */
function intentsFor(params: Record<string, unknown>, accounts: readonly PipelineAccount[]): OrderIntent[] {
  const validated = validateParams(kelly.params, params);
  if (!validated.ok) throw new Error(validated.problems.join('; '));
  const context: RunContext = {
    pipelineId: 'default',
    stepId: 'size',
    baseDir: '.',
    inputs: [{ stepId: 'signals', type: 'signal', numericFields: undefined, textFields: [] }],
    functions: new Map(),
    clock: new ReplayClock(),
    bus: new MessageBus(),
    mode: 'replay',
    dataDir: '.',
    accounts,
    deadLetter: () => undefined,
  };
  const step = kelly.create(validated.params as Static<typeof kelly.params>, context) as Step<
    Signal,
    OrderIntent
  >;
  const out: OrderIntent[] = [];
  step.next(SIGNAL, (intent) => out.push(intent), 0);
  return out;
}

const summary = (intents: OrderIntent[]) =>
  intents.map((intent) => [intent.id, intent.account, intent.quantity]);

describe('kelly routing to the configured accounts', () => {
  it('sizes a signal once for every account that trades the pipeline, each with its own sizing', () => {
    const intents = intentsFor({}, [
      { id: 'APEX-1', sizing: { riskBudget: 300 } },
      { id: 'SIM-2' }, // no sizing: the default budget of $500
      { id: 'OTHER', pipelines: ['breakout'] },
      { id: 'LISTED', pipelines: ['breakout', 'default'], sizing: { riskBudget: 150 } },
    ]);
    expect(summary(intents)).toEqual([
      ['default.size:APEX-1:ES 12-26:1000', 'APEX-1', 2],
      ['default.size:SIM-2:ES 12-26:1000', 'SIM-2', 3],
      ['default.size:LISTED:ES 12-26:1000', 'LISTED', 1],
    ]);
  });

  it("uses the account's Kelly fraction when it binds before the budget", () => {
    // 0.01 × f* 0.325 × $50,000 = $162.50 at risk → 1 contract of $150, whatever the $500 budget.
    const [intent] = intentsFor({}, [{ id: 'SMALL', sizing: { kellyFraction: 0.01 } }]);
    expect(intent?.quantity).toBe(1);
    expect(intent?.reason).toContain('× 0.01');
  });

  it("the step's fraction and risk budget win over every account's sizing", () => {
    const intents = intentsFor({ riskBudget: 150 }, [
      { id: 'A', sizing: { riskBudget: 300 } },
      { id: 'B', sizing: { riskBudget: 1_000 } },
    ]);
    expect(summary(intents)).toEqual([
      ['default.size:A:ES 12-26:1000', 'A', 1],
      ['default.size:B:ES 12-26:1000', 'B', 1],
    ]);
  });

  it("a step that names an account sizes for it alone, with that account's sizing", () => {
    const intents = intentsFor({ account: 'A' }, [{ id: 'A', sizing: { riskBudget: 300 } }, { id: 'B' }]);
    expect(summary(intents)).toEqual([['default.size:A:ES 12-26:1000', 'A', 2]]);
  });

  it("a step that names the second configured account uses that account's sizing, not the first's", () => {
    const intents = intentsFor({ account: 'B' }, [
      { id: 'A', sizing: { riskBudget: 300 } },
      { id: 'B', sizing: { riskBudget: 150 } },
    ]);
    expect(summary(intents)).toEqual([['default.size:B:ES 12-26:1000', 'B', 1]]);
  });

  it('a step that names an account missing from the configuration sizes it with the defaults', () => {
    const intents = intentsFor({ account: 'C' }, [{ id: 'A', sizing: { riskBudget: 150 } }]);
    expect(summary(intents)).toEqual([['default.size:C:ES 12-26:1000', 'C', 3]]);
  });

  it('emits nothing when no account trades the pipeline', () => {
    expect(intentsFor({}, [])).toEqual([]);
    expect(intentsFor({}, [{ id: 'A', pipelines: ['breakout'] }])).toEqual([]);
  });
});
