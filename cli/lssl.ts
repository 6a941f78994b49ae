#!/usr/bin/env node
/**
 * The `lssl` command line: a yargs root with one module per command beside it.
 * Every failure ends as one line on stderr, `lssl: <what> (<file>[:<row>])`, and exit
 * code 2 (bad input or usage) or 1 (failure at run time); `--debug` adds the stack.
 */
import { hideBin } from 'yargs/helpers';
import { LsslError } from '../src/errors.js';
import { buildParser } from './parser.js';
import { errnoError } from './errno.js';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await (await buildParser(argv)).parseAsync();
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
