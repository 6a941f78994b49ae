/** Small helpers shared by the command modules. */
import { initBackend, type BackendInfo } from '../src/backend/select.js';

/** lssl's version from package.json (one reader: src/train/run.ts). */
export { lsslVersion as packageVersion } from '../src/train/run.js';

/** Global options every command receives. */
export interface GlobalArgs {
  debug: boolean;
  backend: string;
}

/** Starts the backend chosen on the command line and says which one runs (on stderr). */
export async function startBackend(args: GlobalArgs, quiet = false): Promise<BackendInfo> {
  const info = await initBackend(args.backend);
  if (!quiet) process.stderr.write(`backend ${info.name} (tfjs ${info.tfjsVersion})\n`);
  return info;
}

/** Prints one JSON object on stdout (the `--json` contract). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
