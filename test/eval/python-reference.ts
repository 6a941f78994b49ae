/**
 * Runs a short python3 script (numpy/scipy) and returns its JSON output: the independent
 * reference for the eval tests. Fails loudly when python3 or scipy is missing (CI installs
 * them), never skips.
 */
import { spawnSync } from 'node:child_process';

export function pythonJson<T = unknown>(script: string, input: unknown): T {
  const result = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  if (result.error) throw new Error(`python3 reference could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`python3 reference failed (status ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
