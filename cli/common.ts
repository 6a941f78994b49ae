/**
 * Small helpers shared by the command modules. Nothing here loads TensorFlow.js: commands
 * that need it call startBackend (or import what they run) inside their handlers, so
 * `--version`, `--help` and the commands without tensors start without it.
 */
import type { BackendInfo } from '../src/backend/select.js';

/** lssl's version from package.json (one reader: src/version.ts). */
export { lsslVersion as packageVersion } from '../src/version.js';

/** Global options every command receives. */
export interface GlobalArgs {
  debug: boolean;
  backend: string;
}

/** Starts the backend chosen on the command line and says which one runs (on stderr). */
export async function startBackend(args: GlobalArgs, quiet = false): Promise<BackendInfo> {
  const { initBackend } = await import('../src/backend/select.js');
  const info = await initBackend(args.backend);
  if (!quiet) process.stderr.write(`backend ${info.name} (tfjs ${info.tfjsVersion})\n`);
  return info;
}

/** Prints one JSON object on stdout (the `--json` contract). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
