import { describe, expect, it } from 'vitest';
import { applyCoordinateMask, drawCoordinateMask } from '../../../src/train/augment/masking.js';
import { createRng } from '../../../src/rng.js';

describe('coordinate masking (Wen & Li 2021)', () => {
  const shape = [16, 16, 8];
  const rng = createRng(2);
  const data = Float32Array.from({ length: 16 * 16 * 8 }, () => rng.normal() + 3);

  it('gives x⁺ = 2D·x and x⁺⁺ = 2(I − D)·x: disjoint supports that sum to 2x', () => {
    const { plus, plusPlus } = applyCoordinateMask(data, shape, drawCoordinateMask(createRng(5)));
    let kept = 0;
    for (let i = 0; i < data.length; i++) {
      expect(plus[i] + plusPlus[i]).toBe(2 * data[i]);
      expect(plus[i] === 0 || plusPlus[i] === 0).toBe(true);
      if (plus[i] !== 0) kept++;
    }
    expect(kept / data.length).toBeGreaterThan(0.45);
    expect(kept / data.length).toBeLessThan(0.55);
  });

  it('masks whole blocks and replays from its recorded seed', () => {
    const params = drawCoordinateMask(createRng(8), { blockSize: [4, 4, 4] });
    const { plus } = applyCoordinateMask(data, shape, params);
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 4; j++)
        for (let i = 0; i < 4; i++) {
          expect(plus[i + 16 * (j + 16 * k)] !== 0).toBe(plus[0] !== 0);
        }
    expect(applyCoordinateMask(data, shape, JSON.parse(JSON.stringify(params))).plus).toEqual(plus);
    expect(() => drawCoordinateMask(createRng(1), { blockSize: [0, 1, 1] })).toThrow(
      /blockSize must be three positive numbers/,
    );
  });
});
