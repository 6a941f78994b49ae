/**
 * A reference computation in /usr/bin/python3 (nibabel, numpy, scipy) for the io tests,
 * replayed from the golden files where python is absent (test/helpers/references.ts). The
 * script reads `inp` (parsed JSON from stdin) and assigns `out`, which comes back as JSON.
 * Volumes travel as base64 float64 in Fortran (x-fastest) order: `vol(b64, shape)` decodes
 * one in Python, `enc(array)` encodes one back. Paths the script reads or writes must be
 * declared in `options` (their content, not their name, identifies the golden value).
 */
import { livePython, type PythonReferenceOptions, pythonReference } from '../helpers/references.js';

const PRELUDE = `
import sys, json, base64
import numpy as np
def vol(b64, shape):
    return np.frombuffer(base64.b64decode(b64), dtype='<f8').reshape(shape, order='F').copy()
def enc(a):
    return base64.b64encode(np.asarray(a, dtype='<f8').ravel(order='F').tobytes()).decode()
inp = json.loads(sys.stdin.read())
out = None
`;

// biome-ignore lint/suspicious/noExplicitAny: whatever JSON the reference script prints
export function runPython(script: string, input: unknown = {}, options: PythonReferenceOptions = {}): any {
  return pythonReference(`${PRELUDE}\n${script}\nprint(json.dumps(out))\n`, input, options);
}

/** `runPython` with no golden value, for inputs too large to keep (guard with skipUnless). */
// biome-ignore lint/suspicious/noExplicitAny: whatever JSON the reference script prints
export function runPythonLive(script: string, input: unknown = {}): any {
  return livePython(`${PRELUDE}\n${script}\nprint(json.dumps(out))\n`, input);
}

/** base64 float64 x-fastest, for `vol(...)` in Python. */
export function encodeVolume(data: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(data).buffer).toString('base64');
}

/** Decodes `enc(...)` from Python. */
export function decodeVolume(b64: string): Float64Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  if (!(worst <= tol))
    throw new Error(`max |difference| ${worst} at ${at} (${actual[at]} vs ${expected[at]}) exceeds ${tol}`);
}
