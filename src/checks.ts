/**
 * The argument checkers every layer uses, one place for each rule (TorchIO's style: options are
 * checked once, at construction, and the message states the rule and echoes the value, e.g.
 * "epochs must be a positive integer, not 0"). Each returns the value it accepted, so a check
 * reads as an assignment: `this.size = positiveInteger('projectionSize', options.projectionSize ?? 128)`.
 */
import { inputError } from './errors.js';

/** An integer ≥ 1. */
export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw inputError(`${name} must be a positive integer, not ${String(value)}`);
  }
  return value;
}

/** A finite number > 0. */
export function positiveNumber(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw inputError(`${name} must be a positive number, not ${value}`);
  return value;
}

/** A finite weight ≥ 0 (a loss term's λ, the VAE's β). */
export function nonNegativeWeight(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw inputError(`${name} must be a finite number ≥ 0, not ${value}`);
  return value;
}

/** A number in [0, 1] (a probability, a momentum). */
export function unitInterval(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw inputError(`${name} must be in [0, 1], not ${value}`);
  return value;
}

/** A number in [0, 1) (a share held out, an EMA's ρ). */
export function fraction(name: string, value: number): number {
  if (!(value >= 0 && value < 1)) throw inputError(`${name} must be in [0, 1), not ${value}`);
  return value;
}

/** One of `choices`: "positives must be 'views' or 'visits', not \"pairs\"". */
export function oneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (!(choices as readonly unknown[]).includes(value)) {
    const quoted = choices.map((c) => `'${c}'`);
    const listed =
      quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted.join('');
    throw inputError(`${name} must be ${listed}, not ${JSON.stringify(value)}`);
  }
  return value as T;
}
