import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProposalFiles } from '../../src/risk/proposal-files.js';
import { intent, T0 } from '../execution/execution-helpers.js';
import { takenWhileRead } from './taken-while-read.js';

function files(): ProposalFiles {
  return new ProposalFiles(mkdtempSync(join(tmpdir(), 'enigma-proposal-files-')));
}

describe('proposal decisions as files', () => {
  it('hands the engine each decision the CLI wrote, once, and deletes its file', () => {
    const proposals = files();
    proposals.decide({ proposalId: 'p-1', decision: 'confirm', by: 'alice' });
    proposals.decide({ proposalId: 'p/2', decision: 'reject', by: 'bob' });
    const taken = proposals.takeDecisions();
    expect(taken.sort((a, b) => a.proposalId.localeCompare(b.proposalId))).toEqual([
      { proposalId: 'p-1', decision: 'confirm', by: 'alice' },
      { proposalId: 'p/2', decision: 'reject', by: 'bob' },
    ]);
    expect(readdirSync(proposals.decisionsDir)).toEqual([]);
    expect(proposals.takeDecisions()).toEqual([]);
  });

  it('has no decisions before the folder exists', () => {
    expect(files().takeDecisions()).toEqual([]);
  });

  it('names the CLI as the decider when a decision file says nobody', () => {
    const proposals = files();
    const path = proposals.decide({ proposalId: 'p-1', decision: 'confirm', by: 'alice' });
    writeFileSync(path, JSON.stringify({ proposalId: 'p-1', decision: 'confirm' }));
    expect(proposals.takeDecisions()).toEqual([{ proposalId: 'p-1', decision: 'confirm', by: 'cli' }]);
  });

  it('leaves alone a decision still being written (its temporary file), and takes it once renamed', () => {
    const proposals = files();
    const path = proposals.decide({ proposalId: 'p-1', decision: 'confirm', by: 'alice' });
    const temporary = `${path}.4242.tmp`;
    writeFileSync(temporary, JSON.stringify({ proposalId: 'p-2', decision: 'reject', by: 'bob' }));
    expect(proposals.takeDecisions()).toEqual([{ proposalId: 'p-1', decision: 'confirm', by: 'alice' }]);
    expect(existsSync(temporary)).toBe(true);
  });

  it('drops and deletes a decision that cannot be read or is not a confirm or reject', () => {
    const proposals = files();
    proposals.decide({ proposalId: 'p-1', decision: 'confirm', by: 'alice' });
    writeFileSync(join(proposals.decisionsDir, 'broken.json'), '{"proposalId": ');
    writeFileSync(
      join(proposals.decisionsDir, 'maybe.json'),
      JSON.stringify({ proposalId: 'p-3', decision: 'maybe' }),
    );
    writeFileSync(join(proposals.decisionsDir, 'no-id.json'), JSON.stringify({ decision: 'confirm' }));
    expect(proposals.takeDecisions()).toEqual([{ proposalId: 'p-1', decision: 'confirm', by: 'alice' }]);
    expect(readdirSync(proposals.decisionsDir)).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')(
    'keeps every decision when another process takes a decision file while it is read',
    async () => {
      const proposals = files();
      proposals.decide({ proposalId: 'p-1', decision: 'confirm', by: 'alice' });
      const { done } = await takenWhileRead(
        join(proposals.decisionsDir, 'p-2.json'),
        JSON.stringify({ proposalId: 'p-2', decision: 'reject', by: 'bob' }),
      );
      const taken = proposals.takeDecisions();
      expect(await done).toBe(0);
      expect(taken.sort((a, b) => a.proposalId.localeCompare(b.proposalId))).toEqual([
        { proposalId: 'p-1', decision: 'confirm', by: 'alice' },
        { proposalId: 'p-2', decision: 'reject', by: 'bob' },
      ]);
      expect(readdirSync(proposals.decisionsDir)).toEqual([]);
    },
  );

  it('reads back the open proposals it wrote, and none when the file is missing or broken', () => {
    const proposals = files();
    expect(proposals.readProposals()).toEqual([]);
    const open = [1, 2].map((n) => {
      const proposed = intent({ quantity: n });
      return { ts: T0, id: proposed.id, intent: proposed, expiresAt: T0 + 120_000_000 };
    });
    proposals.writeProposals(open);
    expect(proposals.readProposals()).toEqual(open);
    proposals.writeProposals([]);
    expect(proposals.readProposals()).toEqual([]);
    writeFileSync(proposals.proposalsPath, '{"proposals": [');
    expect(proposals.readProposals()).toEqual([]);
  });
});
