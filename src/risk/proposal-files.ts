import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrderProposal } from './risk-events.js';

/**
 * Proposals (automation mode `confirm`) and people's decisions on them as files in the data
 * directory, so `enigma proposals`, `enigma confirm` and `enigma reject` work against a running
 * engine on the same machine without a server:
 *
 * - `risk-proposals.json`: the open proposals, rewritten by the engine whenever they change;
 * - `risk-decisions/<proposal id>.json`: one file per decision, written by the CLI, read and
 *   deleted by the engine (one file each, so two writers never race on one file).
 */
export const PROPOSALS_FILE_NAME = 'risk-proposals.json';
export const DECISIONS_DIR_NAME = 'risk-decisions';

export interface ProposalDecision {
  readonly proposalId: string;
  readonly decision: 'confirm' | 'reject';
  readonly by: string;
}

export class ProposalFiles {
  readonly proposalsPath: string;
  readonly decisionsDir: string;

  constructor(dataDir: string) {
    this.proposalsPath = join(dataDir, PROPOSALS_FILE_NAME);
    this.decisionsDir = join(dataDir, DECISIONS_DIR_NAME);
  }

  writeProposals(proposals: readonly OrderProposal[]): void {
    mkdirSync(this.decisionsDir, { recursive: true });
    const temporary = `${this.proposalsPath}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ version: 1, proposals }, null, 2)}\n`);
    renameSync(temporary, this.proposalsPath);
  }

  readProposals(): OrderProposal[] {
    try {
      const parsed = JSON.parse(readFileSync(this.proposalsPath, 'utf8')) as { proposals?: OrderProposal[] };
      return parsed.proposals ?? [];
    } catch {
      return [];
    }
  }

  /** Writes a decision for the engine to pick up. */
  decide(decision: ProposalDecision): string {
    mkdirSync(this.decisionsDir, { recursive: true });
    const path = join(this.decisionsDir, `${encodeURIComponent(decision.proposalId)}.json`);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(decision)}\n`);
    renameSync(temporary, path);
    return path;
  }

  /** Reads and deletes every decision file (unparsable ones are deleted too). */
  takeDecisions(): ProposalDecision[] {
    let names: string[];
    try {
      names = readdirSync(this.decisionsDir).filter((name) => name.endsWith('.json'));
    } catch {
      return [];
    }
    const decisions: ProposalDecision[] = [];
    for (const name of names) {
      const path = join(this.decisionsDir, name);
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ProposalDecision>;
        if (
          typeof parsed.proposalId === 'string' &&
          (parsed.decision === 'confirm' || parsed.decision === 'reject')
        ) {
          decisions.push({
            proposalId: parsed.proposalId,
            decision: parsed.decision,
            by: String(parsed.by ?? 'cli'),
          });
        }
      } catch {
        // A decision that cannot be read is dropped; the person sees the proposal still open.
      }
      rmSync(path, { force: true });
    }
    return decisions;
  }
}
