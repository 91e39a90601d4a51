import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { OrderIntent } from '../../src/core/events.js';
import { NQ, RawPeer, startTestEngine, type TestEngine } from './harness.js';

let engine: TestEngine | undefined;

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const ts = 1_764_115_200_300_000;
const account = (name: string, seq: number) => ({
  type: 'account',
  seq,
  ts,
  account: name,
  currency: 'USD',
  balance: 0,
  equity: 0,
  realized_pnl_today: -50_000,
  unrealized_pnl: 0,
});
const execution = (seq: number, fillId: string) => ({
  type: 'execution',
  seq,
  ts,
  fill_id: fillId,
  client_order_id: 'ea-1',
  account: 'APEX-1',
  symbol: NQ,
  side: 'buy',
  quantity: 1,
  price: 21000,
  commission: 2,
});

describe('which accounts an AddOn session speaks for', () => {
  it('refuses reports on the paper account, on undeclared accounts and in a snapshot naming one, and keeps them as dead letters', async () => {
    engine = await startTestEngine({ ninjaTraderAccounts: ['APEX-1', 'APEX-2'] });
    const { peer } = await RawPeer.hello(engine.streamUrl, { accounts: ['APEX-1', 'SIM-50K'] });
    peer.send([
      account('SIM-50K', 1), // declared, but the engine's paper account
      account('APEX-2', 2), // a NinjaTrader account this session did not declare
      account('APEX-1', 3),
      {
        type: 'snapshot',
        seq: 4,
        ts,
        accounts: [],
        positions: [
          {
            ts,
            account: 'APEX-1',
            symbol: NQ,
            quantity: 1,
            average_price: 1,
            unrealized_pnl: 0,
            realized_pnl: 0,
          },
          {
            ts,
            account: 'APEX-2',
            symbol: NQ,
            quantity: 9,
            average_price: 1,
            unrealized_pnl: 0,
            realized_pnl: 0,
          },
        ],
        orders: [],
      },
    ]);
    await peer.acked(4);
    const errors = peer.messages.filter((m) => m.type === 'error');
    expect(errors.map((e) => e.type === 'error' && [e.code, e.ref_seq])).toEqual([
      ['GATEWAY_ACCOUNT_NOT_OWNED', 1],
      ['GATEWAY_ACCOUNT_NOT_OWNED', 2],
      ['GATEWAY_ACCOUNT_NOT_OWNED', 4],
    ]);
    expect(engine.published(TOPICS.accounts).map((a) => a.account)).toEqual(['APEX-1']);
    expect(engine.published(TOPICS.positions)).toEqual([]);
    const letters = engine.published(TOPICS.deadLetters);
    expect(letters.map((l) => l.code)).toEqual([
      'GATEWAY_ACCOUNT_NOT_OWNED',
      'GATEWAY_ACCOUNT_NOT_OWNED',
      'GATEWAY_ACCOUNT_NOT_OWNED',
    ]);
    expect(letters[0]?.reason).toContain(
      "account 'SIM-50K' is not an account this engine trades through NinjaTrader",
    );
    expect(letters[1]?.reason).toContain("account 'APEX-2' was not declared");
    peer.close();
  });

  it('refuses a fill id seen before, under a new seq and after a restart of the gateway', async () => {
    const ledger = join(mkdtempSync(join(tmpdir(), 'enigma-fills-')), 'ninjatrader-fills.jsonl');
    engine = await startTestEngine({ ninjaTraderAccounts: ['APEX-1'], fillLedgerPath: ledger });
    const first = await RawPeer.hello(engine.streamUrl, { accounts: ['APEX-1'] });
    first.peer.send([execution(1, 'x-1'), execution(2, 'x-1')]);
    await first.peer.acked(2);
    expect(engine.published(TOPICS.fills)).toHaveLength(1);
    expect(first.peer.messages.find((m) => m.type === 'error')).toMatchObject({
      code: 'GATEWAY_DUPLICATE_FILL',
      ref_seq: 2,
    });
    first.peer.close();
    await engine.close();

    engine = await startTestEngine({ ninjaTraderAccounts: ['APEX-1'], fillLedgerPath: ledger });
    const second = await RawPeer.hello(engine.streamUrl, { accounts: ['APEX-1'] });
    second.peer.send([execution(1, 'x-1'), execution(2, 'x-2')]);
    await second.peer.acked(2);
    expect(engine.published(TOPICS.fills).map((f) => f.fillId)).toEqual(['x-2']);
    second.peer.close();
  });

  it('turns the AddOn’s kill into a kill of each account it owns, and refuses one naming another account', async () => {
    engine = await startTestEngine({ ninjaTraderAccounts: ['APEX-1', 'APEX-2'] });
    const { peer } = await RawPeer.hello(engine.streamUrl, { accounts: ['APEX-1', 'SIM-50K'] });
    peer.send([
      { type: 'kill', seq: 1, ts, reason: 'button', account: 'APEX-2' },
      { type: 'kill', seq: 2, ts, reason: 'button', account: 'SIM-50K' },
      { type: 'kill', seq: 3, ts, reason: 'kill button in NinjaTrader' },
    ]);
    await peer.acked(3);
    expect(peer.messages.filter((m) => m.type === 'error').map((m) => m.type === 'error' && m.code)).toEqual([
      'GATEWAY_ACCOUNT_NOT_OWNED',
      'GATEWAY_ACCOUNT_NOT_OWNED',
    ]);
    expect(engine.published(TOPICS.riskCommands)).toEqual([
      {
        type: 'kill',
        account: 'APEX-1',
        reason: 'kill button in NinjaTrader',
        by: expect.stringContaining('NinjaTrader AddOn'),
      },
    ]);
    peer.close();
  });

  it('takes a proposal decision only from a session owning the proposal’s account', async () => {
    engine = await startTestEngine({ ninjaTraderAccounts: ['APEX-1', 'APEX-2'] });
    const owner = await RawPeer.hello(engine.streamUrl, { accounts: ['APEX-1'] });
    const other = await RawPeer.hello(engine.streamUrl, { accounts: ['APEX-2'] });
    const intent: OrderIntent = {
      id: 'p-1',
      account: 'APEX-1',
      symbol: NQ,
      ts,
      side: 'buy',
      quantity: 1,
      type: 'market',
      timeInForce: 'day',
      reason: 'test',
    };
    engine.bus.publish(TOPICS.ninjatraderCommands, {
      kind: 'proposal',
      proposalId: 'p-1',
      intent,
      expiresTs: ts + 1,
      reason: 'r',
    });
    await owner.peer.next('proposal');
    expect(other.peer.messages.some((m) => m.type === 'proposal')).toBe(false);
    other.peer.send({ type: 'proposal_decision', seq: 1, ts, proposal_id: 'p-1', decision: 'accepted' });
    await other.peer.acked(1);
    expect(other.peer.messages.find((m) => m.type === 'error')).toMatchObject({
      code: 'GATEWAY_ACCOUNT_NOT_OWNED',
    });
    owner.peer.send([
      { type: 'proposal_decision', seq: 1, ts, proposal_id: 'p-1', decision: 'accepted' },
      { type: 'proposal_decision', seq: 2, ts, proposal_id: 'p-1', decision: 'accepted' },
    ]);
    await owner.peer.acked(2);
    expect(engine.published(TOPICS.riskCommands)).toEqual([
      { type: 'confirm', proposalId: 'p-1', by: expect.stringContaining('accepted') },
    ]);
    expect(owner.peer.messages.find((m) => m.type === 'error')).toMatchObject({
      code: 'GATEWAY_UNKNOWN_PROPOSAL',
      ref_seq: 2,
    });
    owner.peer.close();
    other.peer.close();
  });
});
