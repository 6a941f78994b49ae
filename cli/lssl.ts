#!/usr/bin/env node
/**
 * The `lssl` command line: a yargs root with one module per command beside it.
 * Every failure ends as one line on stderr, `lssl: <what> (<file>[:<row>])`, and exit
 * code 2 (bad input or usage) or 1 (failure at run time); `--debug` adds the stack.
 */
import { LsslError } from '../src/errors.js';
import { lsslVersion } from '../src/version.js';
import { errnoError } from './errno.js';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  // `lssl --version` alone is answered before yargs loads (what yargs would print)
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${lsslVersion()}\n`);
    return 0;
  }
  try {
    const { buildParser } = await import('./parser.js');
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

// node lssl.js ARGS...: what yargs' hideBin gives outside Electron
const code = await main(process.argv.slice(2));
// Let stdout drain before exiting; tfjs can keep the event loop alive otherwise.
process.exitCode = code;
setImmediate(() => process.exit(code));
