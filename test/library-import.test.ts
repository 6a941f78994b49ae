/**
 * The package as a user imports it, in a fresh Node process: `import 'lssl'` prints nothing,
 * and neither does a first TensorFlow.js computation through it on the default cpu backend
 * (TensorFlow.js alone prints its "install tfjs-node" banner there: the control below).
 * TensorFlow.js's global production mode stays off (src/backend/quiet.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** dist/ as the package exports it (npm test builds first; a stale build is rebuilt here). */
beforeAll(() => {
  const built = `${ROOT}/dist/src/backend/quiet.js`;
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(`${ROOT}/src/backend/quiet.ts`).mtimeMs) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // tsc still emits when another module has a type error; the import below is what matters
  }
}, 120_000);

/** Runs an ES module in a new Node process from the package folder ('lssl' resolves to it). */
function node(source: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const FIRST_COMPUTATION = `
const features = tf.randomNormal([4, 2, 3], 0, 1, 'float32', 1);
const loss = supConLoss(features, tf.tensor1d([0, 1, 0, 1], 'int32')).dataSync()[0];
process.stdout.write(Number.isFinite(loss) ? 'finite' : 'not finite');`;

describe("import 'lssl'", () => {
  it('prints nothing', () => {
    expect(node(`import 'lssl';`)).toEqual({ stdout: '', stderr: '', status: 0 });
  });

  it("prints nothing on a first computation on TensorFlow.js's default backend, and leaves prod mode off", () => {
    const run = node(`
import * as tf from '@tensorflow/tfjs';
import { supConLoss } from 'lssl';
${FIRST_COMPUTATION}
process.stdout.write(' prod=' + tf.env().getBool('PROD') + ' backend=' + tf.getBackend());`);
    expect(run).toEqual({ stdout: 'finite prod=false backend=cpu', stderr: '', status: 0 });
  });

  it('control: the same computation without lssl loaded prints the banner', () => {
    const run = node(`
import * as tf from '@tensorflow/tfjs';
const supConLoss = (f) => tf.sum(f);
${FIRST_COMPUTATION}`);
    expect(run.stdout).toBe('finite');
    expect(run.stderr + run.stdout).toMatch(/looks like you are running TensorFlow\.js in Node\.js/);
  });
});
