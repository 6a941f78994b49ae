/** Small helpers shared by the command modules. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { initBackend, type BackendInfo } from '../src/backend/select.js';

export function packageVersion(): string {
  // dist/cli/common.js and cli/common.ts both sit below the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'lssl') return pkg.version;
    } catch {
      // not here; look one folder up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/** Global options every command receives. */
export interface GlobalArgs {
  debug: boolean;
  backend: string;
}

/** Starts the backend chosen on the command line and says which one runs (on stderr). */
export async function startBackend(args: GlobalArgs, quiet = false): Promise<BackendInfo> {
  const info = await initBackend(args.backend);
  if (!quiet) process.stderr.write(`lssl: backend ${info.name} (tfjs ${info.tfjsVersion})\n`);
  return info;
}

/** Prints one JSON object on stdout (the `--json` contract). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
