/**
 * Bad input through the compiled CLI, as a new user meets it (issue 16): each case ends with
 * one line `lssl: <what> (<file>)` and exit code 2, quickly, and leaves nothing half-written.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNifti } from '../../src/io/nifti.js';
import { trainValidationSplit } from '../../src/io/splits.js';
import { readCachedVolume } from '../../src/io/cache.js';
import type { Scan } from '../../src/io/cohort.js';
import { tempFolder } from '../io/cohort-fixtures.js';
import { errorLines, lssl, type CliResult } from './spawn-cli.js';

const root = tempFolder('lssl-failures-');
const phantom = join(root, 'phantom');
const cache = join(root, 'cache');
const bad = join(root, 'bad');
const run = join(root, 'run-ae');
const affine = (mm: number[]) => [
  [mm[0], 0, 0, 0],
  [0, mm[1], 0, 0],
  [0, 0, mm[2], 0],
  [0, 0, 0, 1],
];

/** `lssl train SOURCE --method METHOD` for one epoch at 16³ on the test's cache, as argv. */
const trainOneEpochArgs = (source: string, out: string, method = 'ae', ...extra: string[]) => [
  'train',
  source,
  '--method',
  method,
  '--shape',
  '16',
  '--epochs',
  '1',
  ...extra,
  '--cache',
  cache,
  '--out',
  out,
];
const trainOneEpoch = (source: string, out: string, method = 'ae') => lssl(trainOneEpochArgs(source, out, method));

/** A 16³ volume of smooth values (a blob) with `tweak` applied. */
function blob(tweak: (data: Float32Array) => void = () => undefined): Float32Array {
  const data = new Float32Array(16 ** 3);
  for (let i = 0; i < data.length; i++) {
    const [x, y, z] = [i % 16, Math.floor(i / 16) % 16, Math.floor(i / 256)];
    data[i] = 100 * Math.exp(-((x - 8) ** 2 + (y - 8) ** 2 + (z - 8) ** 2) / 20);
  }
  tweak(data);
  return data;
}

/** A two-scan manifest: a good scan and `file` as the second visit. */
function manifestWith(file: string): string {
  const path = join(bad, `${file}.csv`);
  writeFileSync(path, `subject,session,age,path\ns1,1,70,good.nii.gz\ns1,2,71,${file}\n`);
  return path;
}

/** The only error line, checked to be one line with the exit code. */
function oneLine(result: CliResult, code = 2): string {
  expect(result.code, result.stderr).toBe(code);
  const lines = errorLines(result);
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0];
}

beforeAll(async () => {
  mkdirSync(bad, { recursive: true });
  expect(lssl(['simulate', '--out', phantom, '--subjects', '6', '--visits', '2', '--shape', '16']).code).toBe(0);
  expect(lssl(['preprocess', phantom, '--shape', '16', '--cache', cache]).code).toBe(0);
  const iso = affine([1.25, 1.25, 1.25]);
  await writeNifti(join(bad, 'good.nii.gz'), { data: blob(), shape: [16, 16, 16], affine: iso });
  await writeNifti(join(bad, 'flat.nii.gz'), { data: blob().slice(0, 256), shape: [16, 16, 1], affine: iso });
  // two different volumes; the second also written alone, as a 3D image, to compare with
  const shifted = blob((d) => d.copyWithin(3, 0));
  const series = new Float32Array(2 * 16 ** 3);
  series.set(blob());
  series.set(shifted, 16 ** 3);
  await writeNifti(join(bad, 'second.nii.gz'), { data: shifted, shape: [16, 16, 16], affine: iso });
  await writeNifti(join(bad, 'series.nii.gz'), { data: series, shape: [16, 16, 16, 2], affine: iso });
  await writeNifti(join(bad, 'nan.nii.gz'), {
    data: blob((d) => d.fill(Number.NaN)),
    shape: [16, 16, 16],
    affine: iso,
  });
  await writeNifti(join(bad, 'zero.nii.gz'), { data: blob((d) => d.fill(0)), shape: [16, 16, 16], affine: iso });
  await writeNifti(join(bad, 'metres.nii.gz'), {
    data: blob(),
    shape: [16, 16, 16],
    affine: affine([1.25, 1.25, 1000]),
  });
  const fewNan = blob((d) => {
    d[100] = Number.NaN;
    d[200] = Number.POSITIVE_INFINITY;
  });
  await writeNifti(join(bad, 'few-nan.nii.gz'), { data: fewNan, shape: [16, 16, 16], affine: iso });
  const trained = trainOneEpoch(phantom, run);
  expect(trained.code, trained.stderr).toBe(0);
  expect(lssl(['embed', run, phantom, '--cache', cache, '--out', join(run, 'embeddings.csv')]).code).toBe(0);
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('images are validated when opened', () => {
  const cases: [file: string, message: RegExp][] = [
    ['flat.nii.gz', /^lssl: a 2D image \(16×16×1\): lssl needs 3D volumes \(.*flat\.nii\.gz\)$/],
    [
      'series.nii.gz',
      /^lssl: a 4D image with 2 volumes \(16×16×16×2\): choose one with --volume N .*series\.nii\.gz\)$/,
    ],
    ['metres.nii.gz', /^lssl: voxel size 1\.25×1\.25×1000 mm is not that of an MRI .*metres\.nii\.gz\)$/],
  ];
  it.each(cases)('lssl cohort refuses %s from its header', (file, message) => {
    expect(oneLine(lssl(['cohort', manifestWith(file)]))).toMatch(message);
  });

  it.each([
    ...cases,
    ['nan.nii.gz', /^lssl: every voxel is NaN or infinite \(.*nan\.nii\.gz\)$/],
    ['zero.nii.gz', /^lssl: the image is constant \(every finite voxel is 0\) \(.*zero\.nii\.gz\)$/],
  ] as [string, RegExp][])('lssl preprocess lists %s as failed, caches the good scan, exits 2', (file, message) => {
    const result = lssl(['preprocess', manifestWith(file), '--shape', '16', '--cache', join(root, `cache-${file}`)]);
    expect(oneLine(result)).toBe('lssl: 1 of 2 scans could not be preprocessed (listed above); the others are cached');
    // listed as `failed s1/2: <the reason> (<file>)`, a detail line without the error prefix
    const reason = message.source.replace(/^\^lssl: /, '').replace(/\$$/, '');
    expect(result.stderr).toMatch(new RegExp(`^failed s1/2: ${reason}$`, 'm'));
    expect(result.stdout).toMatch(/1 built, 0 rebuilt, 0 already cached, 1 failed/);
  });

  it('--volume N takes volume N of a 4D image (cohort, preprocess with worker threads), and a 3D image beside it stays whole', () => {
    const manifest = manifestWith('series.nii.gz');
    const caches = join(root, 'c-series');
    expect(lssl(['cohort', manifest, '--volume', '1']).code).toBe(0);
    const built = lssl(['preprocess', manifest, '--volume', '1', '--jobs', '2', '--shape', '16', '--cache', caches]);
    expect(built.code, built.stderr).toBe(0);
    const alone = lssl(['preprocess', manifestWith('second.nii.gz'), '--shape', '16', '--cache', caches]);
    expect(alone.code, alone.stderr).toBe(0);
    const read = (path: string, volume?: number) =>
      Array.from(readCachedVolume({ path, volume } as Scan, { cacheDir: caches, shape: 16 }).data);
    expect(read(join(bad, 'series.nii.gz'), 1)).toEqual(read(join(bad, 'second.nii.gz')));
    // the 3D scan in the same cohort was taken whole: as cached without --volume
    expect(read(join(bad, 'good.nii.gz'), 1)).toEqual(read(join(bad, 'good.nii.gz')));
    const beyond = lssl(['preprocess', manifest, '--volume', '2', '--shape', '16', '--cache', caches]);
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toMatch(
      /^failed s1\/2: --volume must be an integer from 0 to 1 for this image, not 2 \(.*series\.nii\.gz\)$/m,
    );
  });

  it('repairs a few NaN/Inf voxels with a warning (not an lssl: error line)', () => {
    const result = lssl([
      'preprocess',
      manifestWith('few-nan.nii.gz'),
      '--shape',
      '16',
      '--cache',
      join(root, 'c-few'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^warning: s1\/2: 2 NaN\/Inf voxels set to 0 \(.*few-nan\.nii\.gz\)$/m);
    expect(errorLines(result)).toEqual([]);
  });

  it('train on a cohort with an all-NaN scan stops at exit 2 naming it, leaving no config.json; the rerun is not refused', () => {
    const out = join(root, 'run-nan');
    const args = ['train', manifestWith('nan.nii.gz'), '--method', 'ae', '--shape', '16', '--epochs', '1'];
    const first = lssl([...args, '--batch', '1', '--validation', '0', '--cache', join(root, 'c-nan'), '--out', out]);
    expect(oneLine(first)).toMatch(/every voxel is NaN or infinite \(.*nan\.nii\.gz\)$/);
    expect(existsSync(join(out, 'config.json'))).toBe(false);
    const again = lssl([...args, '--batch', '1', '--validation', '0', '--cache', join(root, 'c-nan'), '--out', out]);
    expect(oneLine(again)).not.toMatch(/holds a run already/);
  });
});

describe('options are checked by name before any work', () => {
  it.each([
    [
      ['embed', run, phantom, '--out', join(root, 'e.csv'), '--batch', '0'],
      'lssl: --batch must be a positive integer, not 0',
    ],
    [
      ['embed', run, phantom, '--out', join(root, 'e.csv'), '--batch', '-1'],
      'lssl: --batch must be a positive integer, not -1',
    ],
    [
      ['train', phantom, '--method', 'ae', '--out', join(root, 'v'), '--validation', '2'],
      'lssl: --validation must be in [0, 1), not 2',
    ],
    [
      ['preprocess', phantom, '--shape', '30', '--cache', cache],
      'lssl: --shape must be a positive multiple of 16 (the encoder halves it 4 times), not 30',
    ],
    [
      ['train', phantom, '--method', 'ae', '--out', join(root, 'v'), '--shape', '30'],
      'lssl: --shape must be a positive multiple of 16 (the encoder halves it 4 times), not 30',
    ],
    [
      ['probe', join(run, 'embeddings.csv'), '--target', 'diagnosis', '--folds', '1'],
      'lssl: --folds must be an integer ≥ 2 (train on some subjects, test on others), not 1',
    ],
  ])('%j', (args, line) => {
    const result = lssl(args, 20_000);
    expect(oneLine(result)).toBe(line);
    expect(result.seconds).toBeLessThan(15);
  });
});

describe('destinations are checked before any computation', () => {
  const file = join(root, 'a-file');
  beforeAll(() => writeFileSync(file, 'x'));
  const commands: [string, (out: string) => string[]][] = [
    ['train', (out) => ['train', phantom, '--method', 'ae', '--shape', '16', '--cache', cache, '--out', out]],
    ['simulate', (out) => ['simulate', '--out', out, '--shape', '16', '--subjects', '2']],
    ['report', (out) => ['report', run, '--out', out]],
    ['probe', (out) => ['probe', join(run, 'embeddings.csv'), '--target', 'age', '--out', out]],
    ['embed', (out) => ['embed', run, phantom, '--cache', cache, '--out', out]],
    ['preprocess', (out) => ['preprocess', phantom, '--shape', '16', '--cache', out]],
  ];
  it.each(commands)('%s: a destination that is a file or lies under one is one line, exit 2', (name, argv) => {
    const option = name === 'preprocess' ? '--cache' : '--out';
    const fileKind = name === 'probe' || name === 'embed';
    if (!fileKind)
      expect(oneLine(lssl(argv(file)))).toBe(`lssl: ${option} must be a folder, and a file has that name (${file})`);
    const under = join(file, 'x');
    expect(oneLine(lssl(argv(under)))).toBe(
      `lssl: ${option} ${under} cannot be created: a part of its path is a file (${file})`,
    );
  });

  it.runIf(existsSync('/sys/kernel'))(
    'a destination that cannot be written (sysfs refuses even root) is one line, exit 2',
    () => {
      const out = '/sys/lssl-test/run';
      const result = lssl(['train', phantom, '--method', 'ae', '--shape', '16', '--cache', cache, '--out', out]);
      expect(oneLine(result)).toBe(`lssl: --out ${out} cannot be written: permission denied (/sys)`);
    },
  );

  it('a file-kind --out that names a folder is refused', () => {
    expect(oneLine(lssl(['embed', run, phantom, '--cache', cache, '--out', root]))).toBe(
      `lssl: --out must be a file name, and a folder has that name (${root})`,
    );
  });

  it('train refuses a non-empty folder that is not a run (it used to mix the run into it)', () => {
    const out = join(root, 'my-notes');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const result = trainOneEpoch(phantom, out);
    expect(oneLine(result)).toMatch(
      /^lssl: the run folder holds other files \(notes\.txt\) and no run; give a new or empty folder/,
    );
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });
});

describe('runs', () => {
  it('embed with weights.bin missing names the file', () => {
    const copy = join(root, 'run-no-weights');
    mkdirSync(copy);
    for (const name of ['config.json', 'model.json']) copyFileSync(join(run, name), join(copy, name));
    expect(oneLine(lssl(['embed', copy, phantom, '--cache', cache, '--out', join(root, 'w.csv')]))).toBe(
      `lssl: the weights file model.json names is missing (${join(copy, 'weights.bin')})`,
    );
  });

  it('embed on a folder that is not a run says so', () => {
    expect(oneLine(lssl(['embed', bad, phantom, '--cache', cache, '--out', join(root, 'w.csv')]))).toBe(
      `lssl: not an lssl run folder: it has no config.json (${bad})`,
    );
  });

  it.each([
    ['--shape', '32', "--shape 32 differs from the run's 16"],
    ['--lr', '0.01', "--lr 0.01 differs from the run's 0.001"],
  ])('--resume with a different %s is refused', (option, value, message) => {
    const result = lssl([
      'train',
      phantom,
      '--method',
      'ae',
      '--resume',
      option,
      value,
      '--cache',
      cache,
      '--out',
      run,
    ]);
    expect(oneLine(result)).toBe(
      `lssl: --resume continues the run with its own settings, and ${message}; drop ${option}, or start a new run (${join(run, 'config.json')})`,
    );
  });

  it('a NaN loss in the first epoch leaves no config.json, so the rerun fails the same way, not as "a run already"', () => {
    const out = join(root, 'run-diverge');
    const args = trainOneEpochArgs(phantom, out, 'ae', '--lr', '1e30');
    expect(oneLine(lssl(args), 1)).toMatch(
      /^lssl: the loss became (NaN|Infinity|-Infinity) in epoch 1, step \d+; try a lower --lr$/,
    );
    expect(existsSync(join(out, 'config.json'))).toBe(false);
    expect(oneLine(lssl(args), 1)).toMatch(/^lssl: the loss became/);
  });
});

describe('a pilot cohort (6 subjects, 2 per class)', () => {
  it('probe picks as many folds as the smallest class allows', () => {
    const result = lssl(['probe', join(run, 'embeddings.csv'), '--target', 'diagnosis']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/6 subjects, 2 folds by subject/);
  });

  it('an explicit --folds too large for a class gets a hint that works', () => {
    const result = lssl(['probe', join(run, 'embeddings.csv'), '--target', 'diagnosis', '--folds', '3']);
    expect(oneLine(result)).toMatch(
      /class '\w+' of 'diagnosis' has 2 subject\(s\), fewer than the 3 folds: .* \(use --folds 2 or fewer\)/,
    );
  });

  it('blank and NA values of a numeric target are left out, as blank class labels are', () => {
    const csv = join(root, 'mmse.csv');
    const lines = readFileSyncText(join(run, 'embeddings.csv')).trim().split('\n');
    const cells = (l: string) => l.split(',');
    const header = cells(lines[0]);
    const rows = lines.slice(1).map((l, i) => [...cells(l), i === 0 ? '' : i === 1 ? 'NA' : String(20 + (i % 7))]);
    writeFileSync(csv, `${[[...header, 'mmse'], ...rows].map((r) => r.join(',')).join('\n')}\n`);
    const result = lssl(['probe', csv, '--target', 'mmse', '--kind', 'numeric']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\(2 rows without a value left out\)/);
  });
});

describe('runs that used to go wrong silently', () => {
  it('report writes n/a for the brain-age axis of a run whose tau_proj is constant (it aborted on Pearson r)', () => {
    const copy = join(root, 'run-flat-tau');
    mkdirSync(copy);
    for (const name of ['config.json', 'history.csv']) copyFileSync(join(run, name), join(copy, name));
    const lines = readFileSyncText(join(run, 'embeddings.csv')).trim().split('\n');
    writeFileSync(
      join(copy, 'embeddings.csv'),
      `${lines.map((l, i) => `${l},${i === 0 ? 'tau_proj' : '0.5'}`).join('\n')}\n`,
    );
    const result = lssl(['report', copy, '--out', join(root, 'report-flat')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/tau_proj is the same for every scan, so its brain-age axis is n\/a/);
    expect(existsSync(join(root, 'report-flat', 'report.html'))).toBe(true);
  });

  it('train says so when the validation subject has a single visit (no validation pairs)', () => {
    // the subject split of seed 0 over these ids is the library's; that subject keeps one visit
    const ids = ['sub-01', 'sub-02', 'sub-03', 'sub-04', 'sub-05'];
    const [held] = trainValidationSplit(ids, { fraction: 0.2, seed: 0 }).validation;
    const rows = ids.flatMap((id) =>
      (id === held ? ['01'] : ['01', '02']).map((v) => `${id},${v},${70 + Number(v)},${imageOf(id, v)}`),
    );
    const manifest = join(root, 'one-visit.csv');
    // the phantom stores some scans as .nii, some as .nii.gz
    writeFileSync(manifest, `subject,session,age,path\n${rows.join('\n')}\n`);
    const out = join(root, 'run-one-visit');
    const result = trainOneEpoch(manifest, out, 'lssl');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^note: the validation subjects have no pairs of visits: the best epoch, the LR schedule and early stopping follow the training loss$/m,
    );
  });
});

const readFileSyncText = (path: string) => readFileSync(path, 'utf8');
const imageOf = (subject: string, visit: string) => {
  const folder = join(phantom, subject, `ses-${visit}`, 'anat');
  return join(folder, readdirSync(folder)[0]);
};
