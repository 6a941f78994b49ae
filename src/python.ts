/**
 * Runs the PyTorch/nibabel reference scripts (bench/*.py at the package root) with Debian's
 * /usr/bin/python3, for the timing benchmarks (src/bench) and the validations (src/validate).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/<name> at the package root, from the sources (src/x.ts) or the build (dist/src/x.js). */
export function benchScript(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'bench', name);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`bench/${name} not found`);
}

/** Runs bench/<name> with `args`; returns its stdout, or throws with the last line of stderr. */
export function runPythonScript(name: string, args: readonly string[]): string {
  const r = spawnSync('/usr/bin/python3', [benchScript(name), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').pop();
    throw new Error(`${name} failed (is python3-torch installed?): ${why}`);
  }
  return r.stdout;
}
