import { describe, expect, it } from 'vitest';
import { parseEmbeddingsCsv } from '../../../src/eval/embeddings-csv.js';
import { consecutivePairs, probeDesign } from '../../../src/eval/probe/design.js';

// Visits deliberately out of order in the file: the design sorts them by age.
const CSV = `subject,session,age,diagnosis,score,z0,z1
a,ses-2,72,MCI,4,3,10
a,ses-1,70,CN,2,1,4
a,ses-3,76,AD,n/a,5,10
b,ses-1,60,CN,1,0,0
`;

describe('probeDesign', () => {
  const table = parseEmbeddingsCsv(CSV, 'd.csv');

  it('z: one row per scan with its own target', () => {
    const rows = probeDesign(table, 'diagnosis', 'z', false);
    expect(rows.map((r) => [r.subject, r.target, Array.from(r.x)])).toEqual([
      ['a', 'MCI', [3, 10]],
      ['a', 'CN', [1, 4]],
      ['a', 'AD', [5, 10]],
      ['b', 'CN', [0, 0]],
    ]);
  });

  it('delta: (z_later − z_earlier)/Δt over consecutive visits, labelled with the last-visit label', () => {
    const rows = probeDesign(table, 'diagnosis', 'delta', false);
    // a: 70→72: ([3,10]−[1,4])/2 = [1,3]; 72→76: ([5,10]−[3,10])/4 = [0.5,0]; b has one visit
    expect(rows.map((r) => [r.subject, r.target, r.age, Array.from(r.x)])).toEqual([
      ['a', 'AD', 72, [1, 3]],
      ['a', 'AD', 76, [0.5, 0]],
    ]);
  });

  it('both: earlier z then delta; a numeric target takes the pair mean (missing if either is)', () => {
    const rows = probeDesign(table, 'score', 'both', true);
    expect(rows.map((r) => [r.target, Array.from(r.x)])).toEqual([
      ['3', [1, 4, 1, 3]],
      [undefined, [3, 10, 0.5, 0]],
    ]);
  });

  it('rejects two visits at the same age, naming the line', () => {
    const bad = parseEmbeddingsCsv('subject,session,age,z0\na,1,70,0\na,2,70,1\n', 'same.csv');
    expect(() => consecutivePairs(bad)).toThrow(/subject a has two visits at the same age 70/);
    try {
      probeDesign(bad, 'age', 'delta', true);
    } catch (error) {
      expect((error as { describe(): string }).describe()).toMatch(/\(same\.csv:3\)$/);
    }
  });

  it('says when no subject has two visits', () => {
    const single = parseEmbeddingsCsv('subject,session,age,z0\na,1,70,0\nb,1,71,1\n', 's.csv');
    expect(() => probeDesign(single, 'age', 'delta', true)).toThrow(/at least two visits/);
  });
});
