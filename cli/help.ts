/**
 * One look for every command's --help: defaults in yargs' `[default: …]` brackets, and an
 * Examples section at the end. Command modules write a default that depends on something
 * (the method, a preset, an environment variable) in their description, "(… default X)";
 * `bracketDefault` moves it into the brackets, so a new option follows the convention without
 * remembering it. Examples for commands whose module gives none are kept here.
 */
import type { Argv, CommandModule, Options } from 'yargs';

/** `lssl <command>` (with the subcommand for bench and validate) → examples and what they do. */
const EXAMPLES: Record<string, [string, string][]> = {
  backend: [['$0 backend', 'which TensorFlow.js backend runs, and why others were skipped']],
  simulate: [['$0 simulate --out phantom --subjects 24 --shape 32', 'a 24-subject phantom cohort on a 32³ grid']],
  cohort: [['$0 cohort /data/study', 'validate a BIDS folder (tables and image headers) and summarise it']],
  preprocess: [['$0 preprocess /data/study --jobs 2 --shape 64', 'every scan once into ./.lssl-cache']],
  info: [['$0 info sub-01_ses-01_T1w.nii.gz', 'header, shape, spacing, orientation and affine']],
  register: [
    ['$0 register baseline.nii.gz followup.nii.gz --out followup-on-baseline.nii.gz', "rigid, on the baseline's grid"],
  ],
  probe: [['$0 probe runs/lssl/embeddings.csv --target diagnosis --features delta', 'diagnosis from Δz']],
  train: [['$0 train /data/study --method lssl --out runs/lssl --epochs 50', 'pretrain LSSL into runs/lssl']],
  embed: [['$0 embed runs/lssl /data/study --out runs/lssl/embeddings.csv', 'one row of z (and tau_proj) per scan']],
  lab: [['$0 lab identifiability --seed 1', "the identifiability paper's claim on synthetic data"]],
  finetune: [['$0 finetune runs/lssl /data/study --target diagnosis --folds 5', 'encoder + head per fold']],
  bench: [['$0 bench train --shape 32', 'training steps per second against PyTorch']],
  'bench train': [['$0 bench train --shape 32', 'training steps per second against PyTorch']],
  'bench methods': [
    ['$0 bench methods --rounds 5', 's/step of simclr, simsiam, byol, directpred at 32³, side by side'],
  ],
  'bench preprocess': [['$0 bench preprocess', 'preprocessing time against nibabel + scipy']],
  'bench cache': [['$0 bench cache --shape 64', 'reading a cached volume']],
  'bench startup': [['$0 bench startup --runs 15', 'start-up of --version, --help and info beside node -e 0']],
  'bench all': [
    ['$0 bench all --backend wasm', 'every benchmark, one process each, for a performance note'],
    ['$0 bench all --only train,preprocess --demo', 'two of them, and lssl demo end to end'],
  ],
  validate: [['$0 validate phantom --seed 1', 'what LSSL learns, against the phantom truth']],
  'validate contrastive-phantom': [
    ['$0 validate contrastive-phantom --epochs 15', 'every method against the phantom truth'],
  ],
};

const DEFAULT_IN_PARENTHESES = /\s*\(([^()]*?)(?:;\s*)?\bdefault:?\s+([^()]*)\)\s*$/;

/**
 * "voxels per side (a multiple of 16; default 64)" → describe "voxels per side (a multiple
 * of 16)" and defaultDescription "64"; options with a real default or none written are kept.
 */
export function bracketDefault(options: Options): Options {
  const text = options.describe ?? options.description ?? options.desc;
  if (typeof text !== 'string' || options.default !== undefined || options.defaultDescription !== undefined)
    return options;
  const match = DEFAULT_IN_PARENTHESES.exec(text);
  if (!match) return options;
  const before = match[1].trim().replace(/;$/, '');
  const describe = `${text.slice(0, match.index)}${before ? ` (${before})` : ''}`;
  const { description: _d, desc: _s, ...rest } = options;
  return { ...rest, describe, defaultDescription: match[2].trim() };
}

/** `y` with its option() (and options()) passing every definition through bracketDefault. */
function bracketingDefaults<T>(y: Argv<T>): Argv<T> {
  const option = y.option.bind(y) as (key: string, opt?: Options) => Argv<T>;
  const patched = (key: string | Record<string, Options>, opt?: Options): Argv<T> => {
    if (typeof key === 'string') return option(key, opt && bracketDefault(opt));
    for (const [k, o] of Object.entries(key)) option(k, bracketDefault(o));
    return y;
  };
  Object.assign(y, { option: patched, options: patched });
  return y;
}

/** `command` with the help conventions above; `path` is how it is called ("bench train"). */
// biome-ignore lint/suspicious/noExplicitAny: yargs types each command by its own argument shape
export function withHelpConventions<T extends CommandModule<any, any>>(command: T, path?: string): T {
  const name = path ?? String(command.command).split(' ')[0];
  const builder = command.builder;
  return {
    ...command,
    // biome-ignore lint/suspicious/noExplicitAny: as above
    builder: (y: Argv<any>) => {
      const patched = bracketingDefaults(y);
      const built = typeof builder === 'function' ? (builder(patched) as Argv) : patched.options(builder ?? {});
      let parser = built;
      for (const [example, what] of EXAMPLES[name] ?? []) parser = parser.example(example, what);
      return parser;
    },
  };
}
