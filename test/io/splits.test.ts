import { describe, expect, it } from 'vitest';
import { foldsBySubject } from '../../src/io/splits.js';

describe('foldsBySubject', () => {
  const ids = Array.from({ length: 23 }, (_, i) => `sub-${i}`);
  const labels = new Map(ids.map((id, i) => [id, i % 3 === 0 ? 'AD' : 'CN']));

  it('puts every subject in exactly one test fold and never in train and test at once', () => {
    const folds = foldsBySubject(ids, 5, 1, labels);
    expect(folds).toHaveLength(5);
    const tested = folds.flatMap((f) => f.test).sort();
    expect(tested).toEqual([...ids].sort());
    for (const fold of folds) {
      expect(fold.train.filter((id) => fold.test.includes(id))).toEqual([]);
      expect(fold.train.length + fold.test.length).toBe(ids.length);
    }
  });

  it('stratifies: each test fold holds 1–2 of the 8 AD subjects', () => {
    for (const fold of foldsBySubject(ids, 5, 3, labels)) {
      const ad = fold.test.filter((id) => labels.get(id) === 'AD').length;
      expect(ad).toBeGreaterThanOrEqual(1);
      expect(ad).toBeLessThanOrEqual(2);
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    expect(foldsBySubject(ids, 4, 7)).toEqual(foldsBySubject(ids, 4, 7));
    expect(foldsBySubject(ids, 4, 7)).not.toEqual(foldsBySubject(ids, 4, 8));
  });
});
