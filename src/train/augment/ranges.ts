/**
 * Parsing of augmentation ranges into canonical per-axis [lo, hi] intervals, in the manner
 * of TorchIO's `parse_range` / `RandomAffine.parse_params`: checked once, with messages that
 * say the rule and echo the value.
 */
import { inputError } from '../../errors.js';

export type Range = [number, number];
export type AxisRanges = [Range, Range, Range];
export type Triple = [number, number, number];

/**
 * A range option: x → [around − x, around + x] (x ≥ 0), [lo, hi] → itself (lo ≤ hi).
 * `min` bounds every value (e.g. 0 for a standard deviation).
 */
export function parseRange(name: string, value: number | readonly number[], around = 0, min = -Infinity): Range {
  let range: Range;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw inputError(`${name} must be a finite number ≥ 0, not ${value}`);
    range = [around - value, around + value];
  } else if (value.length === 2) {
    range = [value[0], value[1]];
    if (!range.every(Number.isFinite) || range[0] > range[1]) {
      throw inputError(`${name} must be [lo, hi] with lo ≤ hi, not [${value.join(', ')}]`);
    }
  } else {
    throw inputError(`${name} must be a number or [lo, hi], not [${value.join(', ')}]`);
  }
  if (range[0] < min) throw inputError(`${name} must not go below ${min}, not [${range.join(', ')}]`);
  return range;
}

/**
 * A per-axis range option: a number or [lo, hi] (same for x, y, z) or six numbers
 * [xlo, xhi, ylo, yhi, zlo, zhi], as TorchIO's RandomAffine accepts.
 */
export function parseAxisRanges(
  name: string,
  value: number | readonly number[],
  around = 0,
  min = -Infinity,
): AxisRanges {
  if (typeof value !== 'number' && value.length === 6) {
    return [0, 1, 2].map((a) =>
      parseRange(`${name}[${'xyz'[a]}]`, [value[2 * a], value[2 * a + 1]], around, min),
    ) as AxisRanges;
  }
  const range = parseRange(name, value, around, min);
  return [range, [...range] as Range, [...range] as Range];
}

/** A probability in [0, 1]. */
export function parseProbability(name: string, value: number | undefined, fallback = 1): number {
  const p = value ?? fallback;
  if (!(p >= 0 && p <= 1)) throw inputError(`${name} must be a probability in [0, 1], not ${p}`);
  return p;
}

/** Three positive finite numbers (voxel spacing, shapes). */
export function parsePositiveTriple(name: string, value: readonly number[]): Triple {
  if (value.length !== 3 || !value.every((v) => Number.isFinite(v) && v > 0)) {
    throw inputError(`${name} must be three positive numbers, not [${value.join(', ')}]`);
  }
  return [value[0], value[1], value[2]];
}

/** A volume shape [nx, ny, nz] of positive integers matching `length` voxels. */
export function checkVolume(data: ArrayLike<number>, shape: readonly number[]): Triple {
  if (shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw inputError(`shape must be three positive integers [nx, ny, nz], not [${shape.join(', ')}]`);
  }
  const count = shape[0] * shape[1] * shape[2];
  if (data.length !== count)
    throw inputError(`volume data must have ${shape.join('×')} = ${count} voxels, not ${data.length}`);
  return [shape[0], shape[1], shape[2]];
}

export function uniformIn(rng: { uniform(lo: number, hi: number): number }, range: Range): number {
  return range[0] === range[1] ? range[0] : rng.uniform(range[0], range[1]);
}
