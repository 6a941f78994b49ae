/**
 * `--register subject|template` and `--template FILE`, shared by `preprocess`, `train` and
 * `embed` (docs/preprocess.md, Registration). `train` records the registration in the run's
 * config.json; `embed` and `train --resume` reuse it and refuse a different one.
 */
import type { Argv } from 'yargs';
import { inputError } from '../src/errors.js';
import type { CacheRegistration } from '../src/io/cache.js';

export interface RegisterArgs {
  register?: 'subject' | 'template';
  template?: string;
}

export function withRegisterOptions<T>(y: Argv<T>, forRun = false): Argv<T & RegisterArgs> {
  const fallback = forRun ? " [default: the run's]" : '';
  return y
    .option('register', {
      choices: ['subject', 'template'] as const,
      describe: `align first: each visit rigidly onto its subject's first visit, or each scan affinely onto --template${fallback}`,
    })
    .option('template', {
      type: 'string',
      describe: 'with --register template: the template image (NIfTI)',
    }) as unknown as Argv<T & RegisterArgs>;
}

/** The registration given on the command line, or undefined. */
export function registrationOf(args: RegisterArgs): CacheRegistration | undefined {
  if (args.template !== undefined && args.register !== 'template')
    throw inputError('--template goes with --register template');
  return args.register ? { to: args.register, template: args.template } : undefined;
}
