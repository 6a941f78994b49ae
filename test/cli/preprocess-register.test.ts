/**
 * `lssl preprocess --register subject|template` through the compiled CLI (worker threads run
 * dist/ JavaScript: run `npm run build` before this file alone). The cohort is the Colin27
 * brain at 3 mm moved rigidly and stored differently by nibabel/scipy
 * (test/fixtures/register_fixtures.py): two subjects of two visits each. Skipped in one
 * line without mricron-data or python3-nibabel.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasTools, skipUnless } from '../helpers/references.js';
import { MRICRON_TEMPLATES, PYTHON } from '../helpers/reference-tools.js';
import { loadCohort } from '../../src/io/cohort.js';
import { readCachedVolume, withSubjectReferences } from '../../src/io/cache.js';

const BRAIN = `${MRICRON_TEMPLATES}/ch2bet.nii.gz`;
/** the real brain and the python that moves it: live only (no golden files for a brain) */
const TOOLS = ['mricron', 'numpy', 'scipy', 'nibabel'] as const;
const CLI = join(process.cwd(), 'dist', 'cli', 'lssl.js');

const MOVES = [
  { name: 'a2', axcodes: 'LAS', voxel_mm: 3.3, dtype: 'int16', rot_deg: [5, -3, 4], trans_mm: [4, -3, 2] },
  { name: 'b1', axcodes: 'PSR', voxel_mm: 2.8, dtype: 'float32', rot_deg: [-4, 2, 6], trans_mm: [-3, 2, 5] },
  { name: 'b2', axcodes: 'LPI', voxel_mm: 3, dtype: 'int16', rot_deg: [3, 5, -2], trans_mm: [2, 5, -3] },
];

const root = mkdtempSync(join(tmpdir(), 'lssl-prereg-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const manifest = join(root, 'cohort.csv');

function lssl(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LSSL_BACKEND: 'cpu' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every entry of a cache: source file name → { key, checksum, data }. */
function entries(cacheDir: string): Map<string, { key: string; checksum: string; data: Float32Array }> {
  const out = new Map<string, { key: string; checksum: string; data: Float32Array }>();
  const top = join(cacheDir, 'entries');
  for (const folder of readdirSync(top))
    for (const name of readdirSync(join(top, folder)).filter((n) => n.endsWith('.json'))) {
      const meta = JSON.parse(readFileSync(join(top, folder, name), 'utf8'));
      const bytes = readFileSync(join(top, folder, name.replace(/\.json$/, '.bin')));
      const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      out.set(meta.source.path.split('/').pop(), { key: meta.key, checksum: meta.checksum, data });
    }
  return out;
}

function correlation(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let c = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    c += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return c / Math.sqrt(va * vb);
}

describe('lssl preprocess --register (compiled)', () => {
  beforeEach((context) => skipUnless(context, ...TOOLS));
  beforeAll(() => {
    if (!hasTools(...TOOLS)) return;
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    const script = join(import.meta.dirname, '..', 'fixtures', 'register_fixtures.py');
    execFileSync(PYTHON, [script, BRAIN, root, JSON.stringify({ base_mm: 3, moves: MOVES })]);
    copyFileSync(join(root, 'baseline.nii.gz'), join(root, 'a1.nii.gz'));
    writeFileSync(
      manifest,
      'subject,session,age,path\nA,1,70,a1.nii.gz\nA,2,71.5,a2.nii.gz\nB,1,65,b1.nii.gz\nB,2,66,b2.nii.gz\n',
    );
  });

  it('sharded on worker threads gives the entries of one thread; follow-ups land on their baseline', () => {
    const sharded = join(root, 'cache-sharded');
    for (const shard of ['1/2', '2/2']) {
      const run = lssl(
        'preprocess',
        manifest,
        '--cache',
        sharded,
        '--shape',
        '32',
        '--register',
        'subject',
        '--jobs',
        '2',
        '--shard',
        shard,
      );
      expect(run.stderr).not.toMatch(/failed/);
      expect(run.code).toBe(0);
    }
    const again = lssl('preprocess', manifest, '--cache', sharded, '--shape', '32', '--register', 'subject');
    expect(again.stdout).toMatch(/0 built, 0 rebuilt, 4 already cached, 0 failed/);

    const single = join(root, 'cache-single');
    expect(lssl('preprocess', manifest, '--cache', single, '--shape', '32', '--register', 'subject').code).toBe(0);
    const plain = join(root, 'cache-plain');
    expect(lssl('preprocess', manifest, '--cache', plain, '--shape', '32').code).toBe(0);

    const [a, b, p] = [entries(sharded), entries(single), entries(plain)];
    expect([...a.keys()].sort()).toEqual(['a1.nii.gz', 'a2.nii.gz', 'b1.nii.gz', 'b2.nii.gz']);
    for (const [name, entry] of a) {
      expect(b.get(name)?.checksum).toBe(entry.checksum);
      expect(p.get(name)?.key).not.toBe(entry.key); // registration settings are in the key
    }
    // the first visits stay where they are (only blurred up to the output voxel); the follow-ups now match them
    for (const first of ['a1.nii.gz', 'b1.nii.gz']) {
      expect(a.get(first)!.checksum).not.toBe(p.get(first)!.checksum);
      expect(correlation(a.get(first)!.data, p.get(first)!.data)).toBeGreaterThan(0.98);
    }
    for (const [base, follow] of [
      ['a1.nii.gz', 'a2.nii.gz'],
      ['b1.nii.gz', 'b2.nii.gz'],
    ]) {
      const registered = correlation(a.get(base)!.data, a.get(follow)!.data);
      const unregistered = correlation(p.get(base)!.data, p.get(follow)!.data);
      expect(registered).toBeGreaterThan(0.95);
      expect(registered).toBeGreaterThan(unregistered + 0.05);
    }
  });

  it('readers find the entries through CacheOptions.register; a changed reference rebuilds its follow-ups', async () => {
    const cacheDir = join(root, 'cache-single');
    const cohort = await loadCohort(manifest);
    const register = withSubjectReferences(cohort, { to: 'subject' });
    const follow = cohort.subjects[0].scans[1];
    const volume = readCachedVolume(follow, { cacheDir, shape: 32, register });
    expect(volume.shape).toEqual([32, 32, 32]);

    // new bytes for subject A's first visit (same image, stored as float32 .nii): A's entries are new, B's are found
    execFileSync(PYTHON, [
      '-c',
      `import nibabel as nib; nib.save(nib.load('${join(root, 'a1.nii.gz')}'), '${join(root, 'a1.nii')}')`,
    ]);
    writeFileSync(
      manifest,
      'subject,session,age,path\nA,1,70,a1.nii\nA,2,71.5,a2.nii.gz\nB,1,65,b1.nii.gz\nB,2,66,b2.nii.gz\n',
    );
    const run = lssl('preprocess', manifest, '--cache', cacheDir, '--shape', '32', '--register', 'subject', '--json');
    expect(JSON.parse(run.stdout)).toMatchObject({ built: 2, cached: 2 });
  });

  it('registers to a template onto its grid; refuses --template without --register template', () => {
    const cacheDir = join(root, 'cache-template');
    const run = lssl(
      'preprocess',
      manifest,
      '--cache',
      cacheDir,
      '--shape',
      '32',
      '--register',
      'template',
      '--template',
      join(root, 'baseline.nii.gz'),
    );
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.code).toBe(0);
    const all = entries(cacheDir);
    const template = all.get('a1.nii')!.data;
    for (const name of ['a2.nii.gz', 'b1.nii.gz', 'b2.nii.gz'])
      expect(correlation(template, all.get(name)!.data)).toBeGreaterThan(0.95);

    const bad = lssl('preprocess', manifest, '--cache', cacheDir, '--template', join(root, 'baseline.nii.gz'));
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('lssl: --template goes with --register template');
  });
});
