/**
 * The compiled `lssl` run as a user runs it (a child process), for the tests of what a user
 * sees: the one stderr line, the exit code, the files left behind. `npm test` builds first;
 * run `npm run build` before running such a test file alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'dist', 'cli', 'lssl.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** wall time of the whole process */
  seconds: number;
}

/** Runs `lssl ...args` to its end (at most `timeoutMs`, default 120 s) on the wasm backend. */
export function lssl(args: string[], timeoutMs = 120_000): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, LSSL_BACKEND: 'wasm' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (performance.now() - started) / 1000 };
}

/** The stderr lines that are errors (`lssl: ` and not the backend notice). */
export function errorLines(result: CliResult): string[] {
  return result.stderr.split('\n').filter((l) => l.startsWith('lssl: ') && !l.startsWith('lssl: backend '));
}
