/**
 * Seeded weight initialisation. Every tensor draws from its own generator, forked from the
 * seed by the parameter's name, so adding a parameter never shifts the values of the others.
 *
 * Two schemes:
 * - `he(gain)`: N(0, gain/fan_in) with zero biases (He et al., ICCV 2015: gain 2 keeps the
 *   variance of ReLU activations constant across layers); the heads' default.
 * - `PYTORCH_DEFAULT`: U(±1/√fan_in) for weights and biases, what torch.nn.Conv3d and
 *   nn.Linear start from (kaiming_uniform with a = √5), so the authors' LSSL code and the
 *   PyTorch reference figures. Activations shrink layer by layer instead of keeping their
 *   scale, so a z-scored input starts with a small output (reconstruction error ≈ 1) and a
 *   latent far from tanh's flat tails.
 */
import { createRng } from '../rng.js';

export type WeightInit = { scheme: 'he'; gain: number } | { scheme: 'pytorch-default' };

export const he = (gain = 2): WeightInit => ({ scheme: 'he', gain });
export const PYTORCH_DEFAULT: WeightInit = { scheme: 'pytorch-default' };

function fanInOf(shape: readonly number[]): number {
  return shape.slice(0, -1).reduce((a, b) => a * b, 1);
}

/** Samples of N(0, gain/fan_in) for `shape` (fan_in = product of all but the last axis). */
export function heNormal(shape: readonly number[], seed: number, name: string, gain = 2): Float32Array {
  const std = Math.sqrt(gain / fanInOf(shape));
  const rng = createRng(seed).fork(name);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => std * rng.normal());
}

/** Samples of U(−bound, bound), `size` of them. */
export function uniform(size: number, bound: number, seed: number, name: string): Float32Array {
  const rng = createRng(seed).fork(name);
  return Float32Array.from({ length: size }, () => rng.uniform(-bound, bound));
}

/** Initial kernel and bias of a layer whose kernel has `shape` (fan_in = all but the last axis). */
export function initialWeights(
  shape: readonly number[],
  init: WeightInit,
  seed: number,
  name: string,
): { kernel: Float32Array; bias: Float32Array } {
  const fanOut = shape[shape.length - 1];
  if (init.scheme === 'he')
    return { kernel: heNormal(shape, seed, `${name}/kernel`, init.gain), bias: new Float32Array(fanOut) };
  const bound = 1 / Math.sqrt(fanInOf(shape));
  return {
    kernel: uniform(
      shape.reduce((a, b) => a * b, 1),
      bound,
      seed,
      `${name}/kernel`,
    ),
    bias: uniform(fanOut, bound, seed, `${name}/bias`),
  };
}

/** N(0, 1) samples for `shape`, e.g. the initial τ (only its direction matters). */
export function standardNormal(shape: readonly number[], seed: number, name: string): Float32Array {
  const rng = createRng(seed).fork(name);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}
