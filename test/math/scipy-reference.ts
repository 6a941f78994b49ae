/**
 * A python3 (numpy + scipy) script as the independent reference of the math tests, replayed
 * from the golden files where python is absent (test/helpers/references.ts). The script
 * reads `inp` (JSON from stdin) and assigns `out`, which comes back as JSON.
 */
import { pythonReference } from '../helpers/references.js';

export function scipyJson<T = unknown>(script: string, input: unknown = {}): T {
  const code = `import sys, json\nimport numpy as np\nimport scipy\ninp = json.loads(sys.stdin.read())\nout = None\n${script}\nprint(json.dumps(out))\n`;
  return pythonReference<T>(code, input);
}
