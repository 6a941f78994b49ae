import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import {
  createInvertibleGenerator,
  generate,
  invertGenerator,
  layerConditionNumbers,
  randomOrthogonal,
} from '../../src/labs/generator.js';
import { pythonJson } from '../eval/python-reference.js';

describe('invertible MLP generator', () => {
  it('builds orthogonal matrices: Q·Qᵀ = I', () => {
    const q = randomOrthogonal(7, createRng(1));
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        let s = 0;
        for (let k = 0; k < 7; k++) s += q[i * 7 + k] * q[j * 7 + k];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('has layers whose condition numbers numpy confirms, and within the bound', () => {
    const g = createInvertibleGenerator(10, createRng(2), { minSingular: 1, maxSingular: 2 });
    const numpy = pythonJson<number[]>(
      'import json, sys\nimport numpy as np\nprint(json.dumps([float(np.linalg.cond(np.array(w).reshape(10, 10))) for w in json.load(sys.stdin)]))',
      g.layers.map((l) => Array.from(l.weight)),
    );
    const ours = layerConditionNumbers(g);
    expect(ours.length).toBe(3);
    ours.forEach((c, l) => {
      expect(c).toBeCloseTo(numpy[l], 8);
      expect(c).toBeLessThanOrEqual(2);
    });
  });

  it('is inverted exactly by invertGenerator (LeakyReLU 0.2 is a bijection)', () => {
    const rng = createRng(3);
    const g = createInvertibleGenerator(10, rng);
    for (let t = 0; t < 50; t++) {
      const z = Array.from({ length: 10 }, () => rng.normal());
      const back = invertGenerator(g, generate(g, z));
      z.forEach((v, i) => expect(back[i]).toBeCloseTo(v, 10));
    }
  });

  it('is positively homogeneous and, with orthogonal layers, shrinks norms by at most the slope 0.2', () => {
    const g = createInvertibleGenerator(2, createRng(4), { layers: 2, minSingular: 1, maxSingular: 1 });
    const z = [0.6, 0.8];
    const x = generate(g, z);
    const xNeg = generate(
      g,
      z.map((v) => -v),
    );
    // homogeneous of degree 1 on each ray: g(2z) = 2 g(z)
    const x2 = generate(
      g,
      z.map((v) => 2 * v),
    );
    x.forEach((v, i) => expect(x2[i]).toBeCloseTo(2 * v, 12));
    // singular values 1 make every layer orthogonal, so ‖g(z)‖ and ‖g(−z)‖ lie in [0.2, 1]·‖z‖
    for (const out of [x, xNeg]) {
      const norm = Math.hypot(...out);
      expect(norm).toBeGreaterThanOrEqual(0.2 - 1e-12);
      expect(norm).toBeLessThanOrEqual(1 + 1e-12);
    }
  });
});
