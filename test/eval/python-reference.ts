/**
 * A short python3 script (numpy/scipy) that reads JSON from stdin and prints JSON: the
 * independent reference of the eval, math and labs tests, replayed from the golden files
 * where python is absent (test/helpers/references.ts).
 */
import { pythonReference } from '../helpers/references.js';

export function pythonJson<T = unknown>(script: string, input: unknown): T {
  return pythonReference<T>(script, input);
}
