/**
 * Seeded weight initialisation (He et al., ICCV 2015: N(0, 2/fan_in) keeps the variance
 * of ReLU activations constant across layers). Every tensor draws from its own generator,
 * forked from the seed by the parameter's name, so adding a parameter never shifts the
 * values of the others.
 */
import { createRng } from '../rng.js';

/** Samples of N(0, gain/fan_in); gain 2 (He) before ReLU, 1 (LeCun) before tanh for `shape` (fan_in = product of all but the last axis). */
export function heNormal(shape: readonly number[], seed: number, name: string, gain = 2): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const std = Math.sqrt(gain / fanIn);
  const rng = createRng(seed).fork(name);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = std * rng.normal();
  return out;
}

/** N(0, 1) samples for `shape`, e.g. the initial τ (only its direction matters). */
export function standardNormal(shape: readonly number[], seed: number, name: string): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const rng = createRng(seed).fork(name);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal();
  return out;
}
