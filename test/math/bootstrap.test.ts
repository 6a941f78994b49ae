import { describe, expect, it } from 'vitest';
import {
  bootstrapInterval,
  bootstrapMean,
  bootstrapMeanDifference,
  clusterBootstrapMean,
  jackknifeAcceleration,
  quantileSorted,
  resampleIndices,
} from '../../src/math/bootstrap.js';
import { createRng } from '../../src/rng.js';
import { scipyJson } from './scipy-reference.js';

/** Every one of the n^n ordered resamples of n units, [n^n × n]. */
function allResamples(n: number): Int32Array {
  const total = n ** n;
  const out = new Int32Array(total * n);
  for (let b = 0; b < total; b++)
    for (let i = 0, rest = b; i < n; i++, rest = Math.floor(rest / n)) out[b * n + i] = rest % n;
  return out;
}

function skewedSample(n: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => (-Math.log(1 - rng.next())) ** 1.5);
}

/**
 * scipy.stats.bootstrap fed our resample indices: a RandomState whose randint returns them,
 * so the reference is scipy's own interval code on the same resamples.
 */
const SCIPY_WITH_OUR_INDICES = `
from scipy import stats
class GivenIndices(np.random.RandomState):
    def __init__(self, indices):
        super().__init__(0)
        self.indices = indices
        self.used = 0
    def randint(self, low, high=None, size=None, dtype=int):
        rows = self.indices[self.used:self.used + size[0]]
        self.used += size[0]
        assert rows.shape == tuple(size) and low == 0 and high == rows.shape[1]
        return rows
class QueuedIndices(np.random.RandomState):
    """one index array per randint call, in order (scipy draws sample after sample)"""
    def __init__(self, arrays):
        super().__init__(0)
        self.arrays = list(arrays)
    def randint(self, low, high=None, size=None, dtype=int):
        rows = self.arrays.pop(0)
        assert rows.shape == tuple(size) and low == 0 and high == rows.shape[1]
        return rows
def given(inp):
    return GivenIndices(np.array(inp['indices'], dtype=np.int64).reshape(-1, inp['n']))
def interval(res):
    return [float(res.confidence_interval.low), float(res.confidence_interval.high)]
`;

describe('quantileSorted', () => {
  it('interpolates linearly between order statistics like numpy.percentile', () => {
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileSorted([5], 0.3)).toBe(5);
  });
});

describe('bootstrapInterval by hand', () => {
  it('percentile interval of the mean of {0, 1} over its four resamples', () => {
    // means of the resamples (0,0), (1,0), (0,1), (1,1): 0, ½, ½, 1
    const ci = bootstrapMean([0, 1], { indices: allResamples(2), method: 'percentile', confidence: 0.5 });
    expect(ci.estimate).toBe(0.5);
    expect(ci.low).toBeCloseTo(0.375, 15); // position ¼·3 = 0.75 → 0 + 0.75·½
    expect(ci.high).toBeCloseTo(0.625, 15);
    expect(ci.resamples).toBe(4);
    expect(ci.standardError).toBeCloseTo(Math.sqrt(1 / 6), 15); // values 0, ½, ½, 1: ss = ½, /3
  });

  it('BCa equals the percentile interval for a symmetric sample over all its resamples (ẑ₀ = 0, â = 0)', () => {
    const indices = allResamples(3);
    const bca = bootstrapMean([1, 2, 3], { indices });
    const percentile = bootstrapMean([1, 2, 3], { indices, method: 'percentile' });
    expect(bca.method).toBe('bca');
    expect(bca.biasCorrection).toBe(0);
    expect(bca.acceleration).toBe(0);
    expect(bca.low).toBeCloseTo(percentile.low, 14);
    expect(bca.high).toBeCloseTo(percentile.high, 14);
    expect(percentile.low).toBeLessThan(2);
  });

  it('jackknife acceleration of the mean is the sample skewness over 6√n', () => {
    // For the mean, Uᵢ ∝ (xᵢ − x̄), so â = Σ(x − x̄)³ / (6 (Σ(x − x̄)²)^{3/2}).
    const x = [0, 0, 0, 3];
    const mean = (idx: Int32Array) => Array.from(idx).reduce((s, i) => s + x[i], 0) / idx.length;
    const d = x.map((v) => v - 0.75);
    const expected = d.reduce((s, v) => s + v ** 3, 0) / (6 * d.reduce((s, v) => s + v * v, 0) ** 1.5);
    expect(jackknifeAcceleration(4, mean)).toBeCloseTo(expected, 14);
    // deviations −¾ (×3) and 9/4: Σd² = 27/4, Σd³ = 648/64, so â = (81/8)/(6·(27/4)^{3/2}) = 1/(6√3)
    expect(expected).toBeCloseTo(1 / (6 * Math.sqrt(3)), 14);
  });

  it('collapses to the point when every resample gives the same value (identical methods)', () => {
    const ci = bootstrapMean([0, 0, 0, 0, 0], { resamples: 200 });
    expect([ci.low, ci.estimate, ci.high]).toEqual([0, 0, 0]);
    expect(ci.standardError).toBe(0);
  });

  it('falls back to the percentile interval where BCa is undefined (estimate below every resample)', () => {
    // a statistic smaller on the sample (−1) than on any resample (the first unit drawn, 0..3)
    const isIdentity = (idx: Int32Array) => idx.every((v, i) => v === i);
    const all = allResamples(4);
    const rows = Array.from({ length: 256 }, (_, b) => all.subarray(b * 4, b * 4 + 4)).filter((r) => !isIdentity(r));
    const indices = Int32Array.from(rows.flatMap((r) => Array.from(r)));
    const ci = bootstrapInterval(4, (idx) => (isIdentity(idx) ? -1 : idx[0]), { indices });
    expect(ci.method).toBe('percentile');
    expect(ci.estimate).toBe(-1);
    expect(ci.low).toBe(0);
    expect(ci.high).toBe(3);
  });

  it('leaves out resamples whose statistic is undefined and counts them', () => {
    const ci = bootstrapInterval(3, (idx) => (idx[0] === 2 ? NaN : idx[0]), {
      indices: allResamples(3),
      method: 'percentile',
    });
    expect(ci.dropped).toBe(9);
    expect(ci.resamples).toBe(18);
  });

  it('is reproducible for a seed and different for another', () => {
    const x = skewedSample(20, 1);
    expect(bootstrapMean(x, { seed: 5, resamples: 500 })).toEqual(bootstrapMean(x, { seed: 5, resamples: 500 }));
    expect(bootstrapMean(x, { seed: 6, resamples: 500 }).low).not.toBe(
      bootstrapMean(x, { seed: 5, resamples: 500 }).low,
    );
  });

  it('refuses bad input with a message', () => {
    expect(() => bootstrapMean([1])).toThrow(/at least 2 units, not 1/);
    expect(() => bootstrapMean([1, NaN, 2])).toThrow(/finite numbers, not NaN at position 1/);
    expect(() => bootstrapMean([1, 2], { confidence: 95 })).toThrow(/confidence must be in \(0, 1\)/);
    expect(() => bootstrapMean([1, 2], { indices: new Int32Array(3) })).toThrow(/B × 2 values, not 3/);
    expect(() => clusterBootstrapMean([1, 2], ['a'])).toThrow(/same length/);
  });

  it('resampleIndices draws uniformly in [0, n)', () => {
    const idx = resampleIndices(7, 3000, 11);
    const counts = new Array(7).fill(0);
    idx.forEach((i) => (counts[i] += 1));
    // 21000 draws, 3000 expected per value, sd ≈ 51: ±250 is ~5 sd
    counts.forEach((c) => expect(Math.abs(c - 3000)).toBeLessThan(250));
  });
});

describe('bootstrap against scipy.stats.bootstrap (scipy 1.10)', () => {
  it('equals scipy exactly on the same resample indices: mean, percentile and BCa', () => {
    const x = skewedSample(25, 2);
    const B = 3000;
    const indices = resampleIndices(x.length, B, 7);
    const ours = (['percentile', 'bca'] as const).map((method) =>
      bootstrapMean(x, { indices, method, confidence: 0.9 }),
    );
    const ref = scipyJson<{ percentile: number[]; bca: number[] }>(
      `${SCIPY_WITH_OUR_INDICES}
x = np.array(inp['x'])
out = {m: interval(stats.bootstrap((x,), np.mean, n_resamples=len(inp['indices']) // inp['n'], confidence_level=0.9, method=m, random_state=given(inp))) for m in ['percentile', 'BCa']}
out['bca'] = out.pop('BCa')`,
      { x, n: x.length, indices: Array.from(indices) },
    );
    expect(ours[1].method).toBe('bca');
    expect(Math.abs(ours[1].acceleration!)).toBeGreaterThan(0.01); // a skewed sample: BCa really differs
    expect(ours[0].low).toBeCloseTo(ref.percentile[0], 12);
    expect(ours[0].high).toBeCloseTo(ref.percentile[1], 12);
    expect(ours[1].low).toBeCloseTo(ref.bca[0], 12);
    expect(ours[1].high).toBeCloseTo(ref.bca[1], 12);
    expect(Math.abs(ours[1].low - ours[0].low)).toBeGreaterThan(1e-3);
  });

  it('cluster bootstrap equals scipy paired resampling of (cluster sums, cluster sizes) on the same indices', () => {
    const rng = createRng(4);
    const clusters: string[] = [];
    const values: number[] = [];
    for (let s = 0; s < 15; s++) {
      const rows = 1 + rng.int(4);
      const level = rng.normal() * 2;
      for (let r = 0; r < rows; r++) {
        clusters.push(`sub-${s}`);
        values.push(level + rng.normal() + (s % 3 === 0 ? 3 : 0));
      }
    }
    const indices = resampleIndices(15, 2000, 9);
    const ours = (['percentile', 'bca'] as const).map((method) =>
      clusterBootstrapMean(values, clusters, { indices, method }),
    );
    const ref = scipyJson<{ percentile: number[]; BCa: number[] }>(
      `${SCIPY_WITH_OUR_INDICES}
ids = inp['clusters']
order = list(dict.fromkeys(ids))
sums = np.array([sum(v for v, c in zip(inp['values'], ids) if c == k) for k in order])
sizes = np.array([float(ids.count(k)) for k in order])
ratio = lambda s, m, axis=-1: s.sum(axis=axis) / m.sum(axis=axis)
out = {m: interval(stats.bootstrap((sums, sizes), ratio, paired=True, n_resamples=2000, method=m, random_state=given(inp))) for m in ['percentile', 'BCa']}`,
      { values, clusters, n: 15, indices: Array.from(indices) },
    );
    expect(ours[0].clusters).toBe(15);
    expect(ours[0].estimate).toBeCloseTo(values.reduce((s, v) => s + v, 0) / values.length, 14);
    expect(ours[0].low).toBeCloseTo(ref.percentile[0], 12);
    expect(ours[0].high).toBeCloseTo(ref.percentile[1], 12);
    expect(ours[1].low).toBeCloseTo(ref.BCa[0], 12);
    expect(ours[1].high).toBeCloseTo(ref.BCa[1], 12);
  });

  it('two-sample mean difference equals scipy with two samples on the same indices (percentile and multi-sample BCa)', () => {
    const a = skewedSample(14, 5).map((v) => v + 0.8);
    const b = skewedSample(9, 6);
    const B = 2000;
    const indices: [Int32Array, Int32Array] = [resampleIndices(a.length, B, 1), resampleIndices(b.length, B, 2)];
    const ours = (['percentile', 'bca'] as const).map((method) => bootstrapMeanDifference(a, b, { indices, method }));
    const ref = scipyJson<{ percentile: number[]; BCa: number[] }>(
      `${SCIPY_WITH_OUR_INDICES}
a, b = np.array(inp['a']), np.array(inp['b'])
diff = lambda x, y, axis=-1: x.mean(axis=axis) - y.mean(axis=axis)
def queued():
    return QueuedIndices([np.array(inp['ia'], dtype=np.int64).reshape(-1, len(a)), np.array(inp['ib'], dtype=np.int64).reshape(-1, len(b))])
out = {m: interval(stats.bootstrap((a, b), diff, n_resamples=2000, method=m, random_state=queued())) for m in ['percentile', 'BCa']}`,
      { a, b, ia: Array.from(indices[0]), ib: Array.from(indices[1]) },
    );
    expect(ours[0].estimate).toBeCloseTo(
      a.reduce((s, v) => s + v, 0) / a.length - b.reduce((s, v) => s + v, 0) / b.length,
      14,
    );
    expect(ours[0].low).toBeCloseTo(ref.percentile[0], 12);
    expect(ours[0].high).toBeCloseTo(ref.percentile[1], 12);
    expect(ours[1].method).toBe('bca');
    expect(Math.abs(ours[1].low - ours[0].low)).toBeGreaterThan(1e-3); // BCa really adjusts here
    expect(ours[1].low).toBeCloseTo(ref.BCa[0], 12);
    expect(ours[1].high).toBeCloseTo(ref.BCa[1], 12);
  });

  it('agrees with scipy in distribution (independent resamples, 40000 each)', () => {
    const x = skewedSample(30, 3);
    const B = 40000;
    const ref = scipyJson<{ percentile: number[]; BCa: number[]; se: number }>(
      `from scipy import stats
x = np.array(inp['x'])
res = {m: stats.bootstrap((x,), np.mean, n_resamples=40000, method=m, random_state=12345) for m in ['percentile', 'BCa']}
out = {m: [float(r.confidence_interval.low), float(r.confidence_interval.high)] for m, r in res.items()}
out['se'] = float(res['BCa'].standard_error)`,
      { x },
    );
    const percentile = bootstrapMean(x, { resamples: B, seed: 21, method: 'percentile' });
    const bca = bootstrapMean(x, { resamples: B, seed: 21 });
    // Monte-Carlo sd of a 2.5 % quantile from 40000 resamples ≈ 0.013·SE each; 0.08·SE is > 4 sd of the difference.
    const tol = 0.08 * ref.se;
    expect(Math.abs(percentile.standardError - ref.se)).toBeLessThan(0.02 * ref.se);
    expect(Math.abs(percentile.low - ref.percentile[0])).toBeLessThan(tol);
    expect(Math.abs(percentile.high - ref.percentile[1])).toBeLessThan(tol);
    expect(Math.abs(bca.low - ref.BCa[0])).toBeLessThan(tol);
    expect(Math.abs(bca.high - ref.BCa[1])).toBeLessThan(tol);
    // and BCa's shift for this right-skewed sample is larger than the tolerance: the test can tell the two apart
    expect(bca.low - percentile.low).toBeGreaterThan(tol);
  });
});
