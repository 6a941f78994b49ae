import { describe, expect, it } from 'vitest';
import { parseEmbeddingsCsv } from '../../src/eval/embeddings-csv.js';
import { ceilingByGroup, deltaBalancedAccuracy, type HeldOutPair } from '../../src/validate/phantom-scores.js';

/** 12 subjects × 3 visits a year apart; AD subjects' z moves along z0 by `adSpeed` a year, CN's by `cnSpeed`. */
function table(adSpeed: number, cnSpeed: number): ReturnType<typeof parseEmbeddingsCsv> {
  const lines = ['subject,session,age,diagnosis,z0,z1'];
  for (let s = 0; s < 12; s++) {
    const dx = s % 2 === 0 ? 'AD' : 'CN';
    const speed = dx === 'AD' ? adSpeed : cnSpeed;
    for (let v = 0; v < 3; v++)
      lines.push(`s${s},${v + 1},${70 + s + v},${dx},${(s * 0.1 + speed * v).toFixed(3)},${s % 3}`);
  }
  return parseEmbeddingsCsv(`${lines.join('\n')}\n`);
}

describe('deltaBalancedAccuracy', () => {
  it('is 1 when Δz/Δt separates the groups and 0.5 when every subject changes alike', () => {
    expect(deltaBalancedAccuracy(table(1, 0), 0)).toBe(1);
    // every Δz is the same vector: no probe can beat predicting one class for all, balanced accuracy ½
    expect(deltaBalancedAccuracy(table(0.5, 0.5), 0)).toBe(0.5);
  });

  it('is NaN for a cohort too small for 5 subject folds', () => {
    const small = parseEmbeddingsCsv(
      'subject,session,age,diagnosis,z0\na,1,70,AD,0\na,2,71,AD,1\nb,1,70,CN,0\nb,2,71,CN,0\n',
    );
    expect(deltaBalancedAccuracy(small, 0)).toBeNaN();
  });
});

describe('ceilingByGroup', () => {
  it('is r(Δatrophy, Δage) within each group (hand-worked)', () => {
    const p = (group: string, dAtrophy: number, dAge: number): HeldOutPair => ({
      group,
      earlier: 'a',
      later: 'b',
      dAtrophy,
      dAge,
    });
    const c = ceilingByGroup([
      p('AD', 1, 1),
      p('AD', 2, 2),
      p('AD', 3, 3),
      p('CN', 1, 3),
      p('CN', 2, 2),
      p('CN', 3, 1),
    ]);
    expect(c.AD).toBeCloseTo(1, 12);
    expect(c.CN).toBeCloseTo(-1, 12);
  });
});
