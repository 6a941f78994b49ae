/** The `lssl` yargs parser: global options, the help conventions, the pre-handler checks, every command. */
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { LsslError } from '../src/errors.js';
import { BACKENDS } from '../src/backend/names.js';
import { packageVersion } from './common.js';
import { commandsFor } from './commands.js';
import { checkDestinations } from './destinations.js';
import { checkCommonOptions } from './option-checks.js';

/** The parser for `argv`; only the modules of the commands it names are loaded (cli/commands.ts). */
export async function buildParser(argv: string[]) {
  let parser = yargs(argv)
    .scriptName('lssl')
    .usage('$0 <command> [options]\n\nSelf-supervised learning on longitudinal brain MRI.')
    .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of errors' })
    .option('backend', {
      type: 'string',
      choices: ['auto', ...BACKENDS],
      default: process.env.LSSL_BACKEND ?? 'auto',
      describe: 'TensorFlow.js backend (auto tries tfjs-node-gpu, tfjs-node, wasm, cpu); also LSSL_BACKEND',
    })
    .version(packageVersion())
    .demandCommand(1, 'name a command (lssl --help lists them)')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    // --out and --cache checked before any handler reads a scan (cli/destinations.ts)
    .middleware(checkCommonOptions, false)
    .middleware(checkDestinations, false)
    // Usage errors (unknown flag, missing argument) become exit-code-2 LsslErrors.
    .fail((message, error) => {
      throw error ?? new LsslError(message ?? 'invalid usage', { exitCode: 2 });
    });
  for (const command of await commandsFor(argv)) parser = parser.command(command as CommandModule);
  skipHelpRendering(parser);
  return parser;
}

interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
}

/**
 * yargs renders the chosen command's whole --help before its handler runs, to show it should
 * the handler fail; lssl's fail() never shows help, and measuring every option's text width
 * was a fifth of `lssl preprocess`'s start-up. --help itself is rendered as before.
 */
function skipHelpRendering(parser: unknown): void {
  const usage = (parser as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
