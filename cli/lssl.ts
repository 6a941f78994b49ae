#!/usr/bin/env node
/**
 * The `lssl` command line: a yargs root with one module per command beside it.
 * Every failure ends as one line on stderr, `lssl: <what> (<file>[:<row>])`, and exit
 * code 2 (bad input or usage) or 1 (failure at run time); `--debug` adds the stack.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { CommandModule } from 'yargs';
import { LsslError } from '../src/errors.js';
import { BACKENDS } from '../src/backend/select.js';
import { packageVersion } from './common.js';
import { commands } from './commands.js';
import { checkDestinations } from './destinations.js';
import { checkCommonOptions } from './option-checks.js';
import { errnoError } from './errno.js';

export function buildParser(argv: string[]) {
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
  for (const command of commands) parser = parser.command(command as CommandModule);
  return parser;
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await buildParser(argv).parseAsync();
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof LsslError) {
      process.stderr.write(`lssl: ${error.describe()}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    // a file-system error no check foresaw still ends as one line naming its file
    const known = errnoError(error);
    const message = known ? known.describe() : error instanceof Error ? error.message : String(error);
    process.stderr.write(`lssl: ${message.split('\n')[0]}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return known?.exitCode ?? 1;
  }
}

const code = await main(hideBin(process.argv));
// Let stdout drain before exiting; tfjs can keep the event loop alive otherwise.
process.exitCode = code;
setImmediate(() => process.exit(code));
