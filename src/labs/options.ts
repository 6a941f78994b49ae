/** Option checks and timing shared by the labs; messages echo the bad value. */
import { inputError } from '../errors.js';

export function checkPositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw inputError(`${name} must be a positive integer, not ${value}`);
  return value;
}

export function checkPositive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw inputError(`${name} must be a positive number, not ${value}`);
  return value;
}

export function checkProbability(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw inputError(`${name} must be in [0, 1], not ${value}`);
  return value;
}

/** Seconds since `startedMs`, to 0.1 s. */
export function elapsedSeconds(startedMs: number): number {
  return Math.round((Date.now() - startedMs) / 100) / 10;
}
