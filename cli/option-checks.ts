/**
 * Numeric options that mean the same in every command, checked by name before any handler
 * runs (a yargs middleware), with the option named in the message: `--batch 0` used to spin
 * forever in embed, `--validation 2` said "fraction must be in [0, 1)", and `preprocess
 * --shape 30` filled a cache no network could read while `train --shape 30` was refused.
 */
import { fraction, positiveInteger } from '../src/checks.js';
import { inputError } from '../src/errors.js';
import { SHAPE_MULTIPLE } from '../src/nn/options.js';

/** Commands whose --shape is the network's input side (simulate's is the phantom's grid). */
const NETWORK_SHAPE_COMMANDS = new Set(['train', 'tune', 'preprocess', 'demo', 'validate', 'bench']);

function networkSide(value: unknown): void {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0 && value % SHAPE_MULTIPLE === 0)) {
    throw inputError(
      `--shape must be a positive multiple of ${SHAPE_MULTIPLE} (the encoder halves it 4 times), not ${String(value)}`,
    );
  }
}

/** Refuses an out-of-range --batch, --epochs, --jobs, --subjects, --seeds, --steps, --rounds, --folds, --validation or --shape (exit 2). */
export function checkCommonOptions(argv: Record<string, unknown>): void {
  const given = (name: string) => argv[name] !== undefined;
  for (const name of ['batch', 'epochs', 'jobs', 'subjects', 'seeds', 'steps', 'rounds']) {
    if (given(name)) positiveInteger(`--${name}`, argv[name]);
  }
  if (given('folds')) {
    const folds = argv.folds;
    if (!(typeof folds === 'number' && Number.isInteger(folds) && folds >= 2))
      throw inputError(`--folds must be an integer ≥ 2 (train on some subjects, test on others), not ${String(folds)}`);
  }
  if (given('validation')) fraction('--validation', argv.validation as number);
  const command = String((argv._ as unknown[] | undefined)?.[0] ?? '');
  if (given('shape') && NETWORK_SHAPE_COMMANDS.has(command)) networkSide(argv.shape);
}
