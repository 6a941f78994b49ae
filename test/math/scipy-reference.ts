/**
 * Runs a python3 (numpy + scipy) script as the independent reference of the math tests.
 * The script reads `inp` (JSON from stdin) and assigns `out`, which comes back as JSON.
 * `hasScipy` is false when /usr/bin/python3 or scipy is missing: the reference tests then
 * skip, saying so in one line (CI installs python3-scipy, so there they always run).
 */
import { spawnSync } from 'node:child_process';

const PYTHON = '/usr/bin/python3';

function probeScipy(): boolean {
  const result = spawnSync(PYTHON, ['-c', 'import scipy.stats, numpy'], { encoding: 'utf8' });
  return result.status === 0;
}

export const hasScipy = probeScipy();
if (!hasScipy) console.warn(`skipped: scipy references (no ${PYTHON} with scipy)`);

export function scipyJson<T = unknown>(script: string, input: unknown = {}): T {
  const code = `import sys, json\nimport numpy as np\nimport scipy\ninp = json.loads(sys.stdin.read())\nout = None\n${script}\nprint(json.dumps(out))\n`;
  const result = spawnSync(PYTHON, ['-c', code], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.error) throw new Error(`python3 reference could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`python3 reference failed (status ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
