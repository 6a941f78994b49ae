/**
 * Commands that neither train nor embed start without TensorFlow.js (issue 14): `--version`,
 * `--help`, `info`, `cohort`, `simulate`, `probe` and `report` without --source. Checked by
 * what the process loaded (test/helpers/loaded-modules.mjs), not by its time; `backend`
 * shows the check sees TensorFlow.js when it does load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './spawn-cli.js';
import { syntheticCsv } from '../eval/synthetic-table.js';
import { makeFakeRun } from '../eval/report/fixtures.js';

const TRACE = join(process.cwd(), 'test', 'helpers', 'loaded-modules.mjs');
const dir = mkdtempSync(join(tmpdir(), 'lssl-lazy-'));
const phantom = join(dir, 'phantom');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;

/** Runs `lssl ...args` and returns its exit code, stdout and every module file or URL it loaded. */
function traced(args: string[]): { code: number | null; stdout: string; stderr: string; modules: string[] } {
  const list = join(dir, `modules-${++runs}.txt`);
  const r = spawnSync(process.execPath, ['--import', TRACE, CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, LSSL_BACKEND: 'wasm', LSSL_LOADED_MODULES: list },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, modules: readFileSync(list, 'utf8').split('\n') };
}

const packageOf = (module: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module)?.[1];
const packages = (modules: string[]) => [...new Set(modules.map(packageOf).filter((p) => p !== undefined))];
const tensorflow = (modules: string[]) => packages(modules).filter((p) => p.startsWith('@tensorflow/'));

let simulated: ReturnType<typeof traced>;
beforeAll(() => {
  simulated = traced(['simulate', '--out', phantom, '--subjects', '4', '--visits', '2', '--shape', '16']);
}, 120_000);

describe('commands that need no tensors load no TensorFlow.js', () => {
  it('the check sees TensorFlow.js where it loads: lssl backend', () => {
    const r = traced(['backend']);
    expect(r.code).toBe(0);
    expect(tensorflow(r.modules)).toContain('@tensorflow/tfjs');
  });

  it('--version and --help load neither TensorFlow.js, vega nor elastix', () => {
    for (const args of [['--version'], ['--help'], ['info', '--help'], ['probe', '--help']]) {
      const r = traced(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout.length, args.join(' ')).toBeGreaterThan(0);
      const heavy = packages(r.modules).filter((p) => /^(@tensorflow|vega|@itk-wasm)/.test(p));
      expect(heavy, args.join(' ')).toEqual([]);
    }
  });

  it('simulate, cohort and info', () => {
    expect(simulated.code, simulated.stderr).toBe(0);
    expect(tensorflow(simulated.modules)).toEqual([]);
    const cohort = traced(['cohort', phantom, '--check-images']);
    expect(cohort.code, cohort.stderr).toBe(0);
    expect(cohort.stdout).toMatch(/subjects/);
    expect(tensorflow(cohort.modules)).toEqual([]);
    const scan = join(phantom, 'sub-01', 'ses-01', 'anat', 'sub-01_ses-01_T1w.nii');
    const info = traced(['info', scan]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/shape: +\d+ × \d+ × \d+/);
    expect(tensorflow(info.modules)).toEqual([]);
  });

  it('probe and report (without --source)', () => {
    const embeddings = join(dir, 'embeddings.csv');
    writeFileSync(embeddings, syntheticCsv({ labelShift: 2, seed: 3, subjects: 20 }));
    const probe = traced(['probe', embeddings, '--target', 'diagnosis', '--folds', '3']);
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.stdout).toMatch(/balanced_accuracy/);
    expect(tensorflow(probe.modules)).toEqual([]);
    const run = makeFakeRun(join(dir, 'run'), {
      method: 'ae',
      embeddings: { subjects: 15, visits: 2, dim: 3, seed: 2 },
    });
    const report = traced([
      'report',
      run,
      '--out',
      join(dir, 'report'),
      '--targets',
      'diagnosis',
      '--folds',
      '3',
      '--resamples',
      '99',
    ]);
    expect(report.code, report.stderr).toBe(0);
    expect(readdirSync(join(dir, 'report'))).toContain('report.html');
    expect(packages(report.modules)).toContain('vega');
    expect(tensorflow(report.modules)).toEqual([]);
  });
});
