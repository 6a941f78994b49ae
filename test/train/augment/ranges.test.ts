import { describe, expect, it } from 'vitest';
import { checkVolume, parseAxisRanges, parseProbability, parseRange } from '../../../src/train/augment/ranges.js';

describe('augmentation ranges', () => {
  it('turns numbers into symmetric ranges about a centre, as TorchIO does', () => {
    expect(parseRange('degrees', 10)).toEqual([-10, 10]);
    expect(parseRange('scales', 0.25, 1)).toEqual([0.75, 1.25]);
    expect(parseRange('degrees', [2, 5])).toEqual([2, 5]);
    expect(parseAxisRanges('degrees', [0, 1, 2, 3, 4, 5])).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(parseAxisRanges('degrees', 3)).toEqual([
      [-3, 3],
      [-3, 3],
      [-3, 3],
    ]);
  });

  it('says the rule and echoes the value', () => {
    expect(() => parseRange('degrees', -3)).toThrow('degrees must be a finite number ≥ 0, not -3');
    expect(() => parseRange('degrees', [1, 2, 3])).toThrow('degrees must be a number or [lo, hi], not [1, 2, 3]');
    expect(() => parseAxisRanges('degrees', [0, 1, 5, 3, 4, 5])).toThrow(
      'degrees[y] must be [lo, hi] with lo ≤ hi, not [5, 3]',
    );
    expect(() => parseProbability('p', 1.5)).toThrow('p must be a probability in [0, 1], not 1.5');
    expect(() => checkVolume(new Float32Array(8), [2, 2, 2.5])).toThrow(/three positive integers/);
  });
});
