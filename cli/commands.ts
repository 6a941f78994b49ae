/**
 * Every `lssl` command, one module each; add new commands here. The list holds what the
 * root --help prints (the command line and its description) and how to load the module,
 * so that `lssl --version`, `lssl --help` and `lssl info FILE` load only what they run
 * and never TensorFlow.js, vega or the training code the other commands import
 * (docs/performance.md, start-up). test/cli/commands.test.ts checks each entry against
 * its module.
 */
import type { CommandModule } from 'yargs';
import { withHelpConventions } from './help.js';

// biome-ignore lint/suspicious/noExplicitAny: yargs types each command by its own argument shape; a list of them has none in common
type AnyCommand = CommandModule<any, any>;

export interface CommandEntry {
  /** yargs' command line, positionals included ("info <file>"), as the module declares it */
  command: string;
  /** the module's one-line description, shown by `lssl --help` */
  describe: string;
  /** imports the command's module (and so everything its handler needs) */
  load: () => Promise<AnyCommand>;
}

export const commandEntries: CommandEntry[] = [
  {
    command: 'backend',
    describe: 'show the TensorFlow.js backend that runs here',
    load: async () => (await import('./backend.js')).backendCommand,
  },
  {
    command: 'demo',
    describe: 'simulate a phantom cohort → pretrain every method → embed → probe → report.html',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    command: 'simulate',
    describe: 'write a phantom longitudinal cohort of T1w head MRIs as a BIDS folder',
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
  {
    command: 'bench',
    describe: 'benchmarks: train, methods, preprocess, cache, startup, or all of them',
    load: async () => (await import('./bench.js')).benchCommand,
  },
  {
    command: 'validate',
    describe: 'validation on the phantom: phantom (LSSL against ground truth), contrastive-phantom (all methods)',
    load: async () => (await import('./validate.js')).validateCommand,
  },
  {
    command: 'cohort <source>',
    describe:
      'validate a cohort (tables, and every image header: 3D, voxel sizes) and summarise it: subjects, visits, follow-up, pairs, covariates, warnings',
    load: async () => (await import('./cohort.js')).cohortCommand,
  },
  {
    command: 'preprocess <source>',
    describe: 'preprocess every scan once into the cache (RAS+, resample, crop/pad, normalise)',
    load: async () => (await import('./preprocess.js')).preprocessCommand,
  },
  {
    command: 'register <fixed> <moving>',
    describe: "register MOVING onto FIXED (elastix) and write it on FIXED's grid and affine",
    load: async () => (await import('./register.js')).registerCommand,
  },
  {
    command: 'info <file>',
    describe: "show a NIfTI file's shape, spacing, datatype, orientation and affine",
    load: async () => (await import('./info.js')).infoCommand,
  },
  {
    command: 'probe <embeddings>',
    describe: 'linear probe of frozen embeddings: k folds by subject, balanced accuracy/AUC or MAE/r',
    load: async () => (await import('./probe.js')).probeCommand,
  },
  {
    command: 'train <source>',
    describe: 'pretrain an encoder (lssl, ae, vae, none, ...) and write a run folder',
    load: async () => (await import('./train.js')).trainCommand,
  },
  {
    command: 'tune <source>',
    describe:
      "choose a method's learning rate, latent, reconstruction weight (and for lssl the normalisation) on validation subjects only",
    load: async () => (await import('./tune.js')).tuneCommand,
  },
  {
    command: 'embed <run-dir> <source>',
    describe: "embed every scan of a cohort with a trained run's encoder (embeddings.csv)",
    load: async () => (await import('./embed.js')).embedCommand,
  },
  {
    command: 'report <runs..>',
    describe: 'compare runs: summary.csv, convergence.csv and a self-contained report.html',
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    command: 'compare <inputs..>',
    describe: 'compare methods on a probe target: CIs over subjects (seeds pooled) and paired tests vs lssl and none',
    load: async () => (await import('./compare.js')).compareCommand,
  },
  {
    command: 'lab <name>',
    describe: 'run a theory lab on synthetic data (identifiability, decoupling, hltm)',
    load: async () => (await import('./lab.js')).labCommand,
  },
  {
    command: 'finetune <run-dir> <source>',
    describe: "fine-tune a run's encoder + head end to end per subject fold; per-epoch history (convergence)",
    load: async () => (await import('./finetune.js')).finetuneCommand,
  },
];

/** The command's name, the first word of its command line ("info"). */
export function commandName(entry: { command?: string | readonly string[] }): string {
  return String(entry.command).split(' ')[0];
}

/**
 * A stand-in for a command that is not being run: its line in the root --help and its name
 * for yargs' suggestions, nothing else. It never runs: a command named in argv is loaded.
 */
function placeholder(entry: CommandEntry): AnyCommand {
  return { command: entry.command, describe: entry.describe, handler: () => {} };
}

/**
 * The commands for a parse of `argv`, with the help conventions of help.ts: the modules of
 * the commands named in argv (any word equal to a command's name), placeholders for the rest.
 * A file or value that happens to share a command's name only loads one module more.
 */
export async function commandsFor(argv: readonly string[]): Promise<AnyCommand[]> {
  const words = new Set(argv);
  return Promise.all(
    commandEntries.map(async (entry) =>
      words.has(commandName(entry)) ? withHelpConventions(await entry.load()) : placeholder(entry),
    ),
  );
}

/** Every command's module, loaded (for the tests of every --help). */
export async function loadAllCommands(): Promise<AnyCommand[]> {
  return Promise.all(commandEntries.map(async (entry) => withHelpConventions(await entry.load())));
}
