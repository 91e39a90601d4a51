import { describe, expect, it } from 'vitest';
import { moduleScores, type MutationReport } from '../../mutation/scores.js';

const mutants = (counts: Record<string, number>) =>
  Object.entries(counts).flatMap(([status, count]) => Array.from({ length: count }, () => ({ status })));

describe('the mutation score table', () => {
  it('scores detected over detected and undetected, passes at exactly the floor and fails just under it', () => {
    const report: MutationReport = {
      files: {
        // 9 detected of 10: exactly 90 %
        'src/risk/a.ts': {
          mutants: mutants({ Killed: 8, Timeout: 1, Survived: 1, CompileError: 5, Ignored: 2 }),
        },
        // Windows separators belong to the same module
        'src\\store\\watermarks.ts': { mutants: mutants({ Killed: 17, NoCoverage: 2, Survived: 1 }) },
        'src/elsewhere.ts': { mutants: mutants({ Survived: 50 }) },
      },
    };
    const byName = new Map(moduleScores(report).map((row) => [row.name, row]));
    expect(byName.get('risk')).toMatchObject({
      detected: 9,
      undetected: 1,
      ignored: 2,
      score: 90,
      passed: true,
    });
    expect(byName.get('store')).toMatchObject({ detected: 17, undetected: 3, score: 85, passed: false });
    expect(byName.get('execution')).toMatchObject({
      detected: 0,
      undetected: 0,
      score: undefined,
      passed: true,
    });
  });
});
