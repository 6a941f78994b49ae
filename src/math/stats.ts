/**
 * Small statistics for the brain-age axis: the regularised incomplete beta function, the
 * Student t distribution built on it, and Welch's unequal-variance t-test (Welch 1947,
 * "The generalization of Student's problem when several different population variances are
 * involved", Biometrika 34).
 */
import { type DataValues, valuesOf } from './data-input.js';

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, ~15 significant digits). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new Error(`logGamma needs x > 0, not ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Continued fraction of I_x(a, b) by the modified Lentz method (Numerical Recipes §6.4,
 * betacf); converges fast for x < (a + 1)/(a + b + 2).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) return h;
  }
  throw new Error(`incomplete beta did not converge for x=${x}, a=${a}, b=${b}`);
}

/** The regularised incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b), for x in [0, 1]. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new Error(`incomplete beta needs a > 0 and b > 0, not a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new Error(`incomplete beta needs x in [0, 1], not ${x}`);
  if (x === 0 || x === 1) return x;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // Use the fraction where it converges fast; the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom (df may be fractional, as in Welch's test). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`degrees of freedom must be > 0, not ${df}`);
  if (Number.isNaN(t)) throw new Error('t is NaN');
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = studentTTwoSidedP(t, df) / 2;
  return t >= 0 ? 1 - tail : tail;
}

export interface WelchTTest {
  /** (mean a − mean b) / sqrt(var a/n a + var b/n b), sample variances (n − 1) */
  t: number;
  /** Welch–Satterthwaite degrees of freedom */
  df: number;
  /** two-sided p-value */
  p: number;
  meanA: number;
  meanB: number;
  nA: number;
  nB: number;
}

function meanAndVariance(values: ArrayLike<number>): [number, number] {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return [mean, ss / (values.length - 1)];
}

/**
 * Welch's two-sample t-test (unequal variances), two-sided; the same numbers as
 * scipy.stats.ttest_ind(a, b, equal_var=False). a: [Na], b: [Nb] (arrays or 1D tensors).
 * Each group needs ≥ 2 values and the two
 * must not both be constant.
 */
export function welchTTest(aData: DataValues, bData: DataValues): WelchTTest {
  const a = valuesOf(aData, 'a');
  const b = valuesOf(bData, 'b');
  if (a.length < 2 || b.length < 2)
    throw new Error(`Welch's t-test needs at least 2 values per group, not ${a.length} and ${b.length}`);
  const [meanA, varA] = meanAndVariance(a);
  const [meanB, varB] = meanAndVariance(b);
  const seA = varA / a.length;
  const seB = varB / b.length;
  if (seA + seB === 0) throw new Error("Welch's t-test is undefined: both groups are constant");
  const t = (meanA - meanB) / Math.sqrt(seA + seB);
  const df = (seA + seB) ** 2 / (seA ** 2 / (a.length - 1) + seB ** 2 / (b.length - 1));
  return { t, df, p: studentTTwoSidedP(t, df), meanA, meanB, nA: a.length, nB: b.length };
}
