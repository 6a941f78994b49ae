/** Runs one `lssl` command module in this process, the way cli/lssl.ts parses it. */
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { vi } from 'vitest';
import { LsslError } from '../../src/errors.js';

/**
 * Parses `argv` (starting with the command's name) with `command` and the root's global
 * options; returns what it printed on stdout (stderr is swallowed). Usage errors throw
 * LsslErrors with exit code 2, as in the real CLI.
 */
export async function runCommand(command: CommandModule, argv: string[], backend = 'auto'): Promise<string> {
  let out = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await yargs(argv)
      .option('debug', { type: 'boolean', default: false })
      .option('backend', { type: 'string', default: backend })
      .command(command)
      .strict()
      .exitProcess(false)
      .fail((message, error) => {
        throw error ?? new LsslError(message, { exitCode: 2 });
      })
      .parseAsync();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out;
}
