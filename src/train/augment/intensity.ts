/**
 * Per-image intensity augmentation (drawn independently for every image, unlike the
 * spatial one): smooth bias field, gamma, Gaussian blur and Gaussian noise, applied in
 * that order (field and contrast belong to the object being imaged, blur and noise to the
 * acquisition). Defaults are TorchIO's (RandomBiasField, RandomGamma, RandomBlur,
 * RandomNoise); options are parsed once (`parseIntensityOptions`), `drawIntensity` records
 * concrete JSON parameters (noise by its seed), `applyIntensity` is deterministic.
 *
 * Gamma on positive-shifted intensities: TorchIO computes x^γ, which is undefined for the
 * negative values of z-scored volumes. Here the image is mapped to [0, 1] by its own
 * minimum and maximum, raised to γ and mapped back:
 *   y = lo + (hi − lo)·((x − lo)/(hi − lo))^γ,
 * so the range [lo, hi] is kept and γ < 1 brightens, γ > 1 darkens the mid-tones.
 */
import { createRng, type Rng } from '../../rng.js';
import { biasField, biasFieldTerms } from './bias-field.js';
import { gaussianBlur } from './blur.js';
import {
  checkVolume,
  parseAxisRanges,
  parseProbability,
  parseRange,
  uniformIn,
  type AxisRanges,
  type Range,
  type Triple,
} from './ranges.js';
import { inputError } from '../../errors.js';
import { type DataVolume, volumeOf } from '../../math/data-input.js';

export interface IntensityOptions {
  /** exp(polynomial) field; coefficients c → U(−c, c) (default 0.5), order default 3 */
  biasField?: { coefficients?: number | readonly number[]; order?: number; probability?: number };
  /** γ = exp(u), u ~ U(logGamma) (default 0.3 → [−0.3, 0.3]) */
  gamma?: { logGamma?: number | readonly number[]; probability?: number };
  /** σ per axis in voxels: s → U(0, s) (default [0, 2]); or [lo, hi] or six numbers */
  blur?: { std?: number | readonly number[]; probability?: number };
  /** additive N(mean, std²): std s → U(0, s) (default 0.25), mean m → U(−m, m) (default 0) */
  noise?: { std?: number | readonly number[]; mean?: number | readonly number[]; probability?: number };
}

export interface IntensityConfig {
  readonly kind: 'IntensityConfig';
  biasField: { coefficients: Range; order: number; probability: number } | null;
  gamma: { logGamma: Range; probability: number } | null;
  blur: { std: AxisRanges; probability: number } | null;
  noise: { std: Range; mean: Range; probability: number } | null;
}

/** Concrete parameters; null = that transform was not applied. */
export interface IntensityParams {
  biasField: { order: number; coefficients: number[] } | null;
  gamma: number | null;
  blurSigma: Triple | null;
  noise: { mean: number; std: number; seed: number } | null;
}

/** TorchIO's convention for spreads: s → [0, s] (s ≥ 0), or an explicit [lo, hi] ≥ 0. */
function fromZero(name: string, value: number | readonly number[]): readonly number[] {
  if (typeof value !== 'number') return value;
  return [0, parseRange(name, value)[1]];
}

export function parseIntensityOptions(options: IntensityOptions | IntensityConfig = {}): IntensityConfig {
  if (isConfig(options)) return options;
  const config: IntensityConfig = { kind: 'IntensityConfig', biasField: null, gamma: null, blur: null, noise: null };
  if (options.biasField) {
    const order = options.biasField.order ?? 3;
    if (!Number.isInteger(order) || order < 0 || order > 6)
      throw inputError(`bias field order must be an integer in 0..6, not ${order}`);
    config.biasField = {
      coefficients: parseRange('bias field coefficients', options.biasField.coefficients ?? 0.5),
      order,
      probability: parseProbability('bias field probability', options.biasField.probability),
    };
  }
  if (options.gamma) {
    config.gamma = {
      logGamma: parseRange('logGamma', options.gamma.logGamma ?? 0.3),
      probability: parseProbability('gamma probability', options.gamma.probability),
    };
  }
  if (options.blur) {
    config.blur = {
      std: parseAxisRanges('blur std', fromZero('blur std', options.blur.std ?? 2), 0, 0),
      probability: parseProbability('blur probability', options.blur.probability),
    };
  }
  if (options.noise) {
    config.noise = {
      std: parseRange('noise std', fromZero('noise std', options.noise.std ?? 0.25), 0, 0),
      mean: parseRange('noise mean', options.noise.mean ?? 0),
      probability: parseProbability('noise probability', options.noise.probability),
    };
  }
  return config;
}

function isConfig(options: IntensityOptions | IntensityConfig): options is IntensityConfig {
  return (options as IntensityConfig).kind === 'IntensityConfig';
}

export function identityIntensityParams(): IntensityParams {
  return { biasField: null, gamma: null, blurSigma: null, noise: null };
}

/** Draws concrete intensity parameters (once per image). */
export function drawIntensity(rng: Rng, options: IntensityOptions | IntensityConfig = {}): IntensityParams {
  const config = parseIntensityOptions(options);
  const params = identityIntensityParams();
  if (config.biasField && rng.next() < config.biasField.probability) {
    const { order, coefficients } = config.biasField;
    params.biasField = { order, coefficients: biasFieldTerms(order).map(() => uniformIn(rng, coefficients)) };
  }
  if (config.gamma && rng.next() < config.gamma.probability)
    params.gamma = Math.exp(uniformIn(rng, config.gamma.logGamma));
  if (config.blur && rng.next() < config.blur.probability) {
    params.blurSigma = config.blur.std.map((r) => uniformIn(rng, r)) as Triple;
  }
  if (config.noise && rng.next() < config.noise.probability) {
    params.noise = {
      mean: uniformIn(rng, config.noise.mean),
      std: uniformIn(rng, config.noise.std),
      seed: rng.int(2 ** 31),
    };
  }
  return params;
}

/** Applies intensity parameters to an x-fastest volume of `shape` [nx, ny, nz] (or a [nz, ny, nx] tensor); returns a new array. */
export function applyIntensity(volume: DataVolume, shape: readonly number[], params: IntensityParams): Float32Array {
  const data = volumeOf(volume, shape, 'volume');
  const dims = checkVolume(data, shape);
  let out: Float32Array = Float32Array.from(data);
  if (params.biasField) {
    const field = biasField(dims, params.biasField.order, params.biasField.coefficients);
    for (let i = 0; i < out.length; i++) out[i] *= field[i];
  }
  if (params.gamma !== null) applyGammaInPlace(out, params.gamma);
  if (params.blurSigma) out = gaussianBlur(out, dims, params.blurSigma);
  if (params.noise) {
    const { mean, std, seed } = params.noise;
    const rng = createRng(seed);
    for (let i = 0; i < out.length; i++) out[i] += mean + std * rng.normal();
  }
  return out;
}

/** y = lo + (hi − lo)·((x − lo)/(hi − lo))^γ on the image's own [lo, hi]. */
function applyGammaInPlace(data: Float32Array, gamma: number): void {
  if (!(gamma > 0)) throw inputError(`gamma must be positive, not ${gamma}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  const range = hi - lo;
  if (!(range > 0)) return;
  for (let i = 0; i < data.length; i++) data[i] = lo + range * ((data[i] - lo) / range) ** gamma;
}
