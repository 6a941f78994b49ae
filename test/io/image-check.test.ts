/**
 * `lssl cohort --check-images` against nibabel: images written by nibabel in several
 * orientations, datatypes and dims (2D, 4D, NaN, a truncated file), checked from their
 * headers; dims, zooms, axcodes and datatypes must be nibabel's. The images and nibabel's
 * figures replay from the golden file where nibabel is absent.
 */
import { writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortCommand } from '../../cli/cohort.js';
import { loadCohort } from '../../src/io/cohort.js';
import { checkImages, formatImageCheck, readNiftiHeader } from '../../src/io/image-check.js';
import { LsslError } from '../../src/errors.js';
import { runCommand } from '../cli/run-command.js';
import { tempFolder } from './cohort-fixtures.js';
import { runPython } from './python-reference.js';

const root = tempFolder('lssl-check-images-');
const NAMES = ['ras.nii.gz', 'las.nii.gz', 'psr.nii', 'slice.nii.gz', 'series.nii.gz', 'nan.nii.gz'];
const paths = NAMES.map((n) => join(root, n));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** name → what nibabel says about the file it wrote. */
let truth: Record<string, { shape: number[]; zooms: number[]; axcodes: string; dtype: string; nonfinite: number }>;

beforeAll(() => {
  truth = runPython(
    `import nibabel as nib
from nibabel.orientations import axcodes2ornt, ornt_transform
rng = np.random.default_rng(0)
def save(name, data, zooms, axcodes, dtype):
    aff = np.diag(list(zooms[:3]) + [1.0])
    img = nib.Nifti1Image(data.astype(np.float32), aff)
    img = img.as_reoriented(ornt_transform(axcodes2ornt('RAS'), axcodes2ornt(tuple(axcodes))))
    img.set_data_dtype(dtype)
    if len(zooms) > 3: img.header.set_zooms(img.header.get_zooms()[:3] + tuple(zooms[3:]))
    nib.save(img, inp['paths'][name])
    back = nib.load(inp['paths'][name])
    values = np.asarray(back.dataobj, dtype=np.float64)
    return {'shape': list(back.shape), 'zooms': [round(float(z), 2) for z in back.header.get_zooms()[:3]],
            'axcodes': ''.join(nib.aff2axcodes(back.affine)), 'dtype': str(back.get_data_dtype()),
            'nonfinite': int((~np.isfinite(values)).sum())}
vol = rng.normal(100, 10, (12, 10, 8))
with_nan = vol.copy(); with_nan[1, 2, 3] = np.nan; with_nan[4, 5, 6] = np.inf; with_nan[0, 0, 0] = np.nan
out = {
  'ras.nii.gz': save('ras.nii.gz', vol, (1, 1, 1.2), 'RAS', np.float32),
  'las.nii.gz': save('las.nii.gz', vol, (1.5, 1.5, 1.5), 'LAS', np.int16),
  'psr.nii': save('psr.nii', vol, (0.9, 1, 1.1), 'PSR', np.uint8),
  'slice.nii.gz': save('slice.nii.gz', rng.normal(0, 1, (12, 10, 1)), (1, 1, 3), 'RAS', np.float32),
  'series.nii.gz': save('series.nii.gz', rng.normal(0, 1, (12, 10, 8, 3)), (2, 2, 2, 2.5), 'RAS', np.float32),
  'nan.nii.gz': save('nan.nii.gz', with_nan, (1, 1, 1), 'LPI', np.float32),
}`,
    { paths: Object.fromEntries(NAMES.map((n, i) => [n, paths[i]])) },
    { outputs: paths },
  );
  // a gzip cut short inside the voxels: its header is still readable, its voxels are not
  writeFileSync(join(root, 'cut-float.nii.gz'), readFileSync(join(root, 'nan.nii.gz')).subarray(0, 700));
  const names = [...Object.keys(truth), 'cut-float.nii.gz'];
  writeFileSync(
    join(root, 'cohort.csv'),
    `subject,session,age,path\n${names.map((n, i) => `s${i},1,${60 + i},${n}`).join('\n')}\n`,
  );
});

describe('check images', () => {
  it('reads dims, zooms, orientation and datatype from the header as nibabel does', async () => {
    for (const [name, expected] of Object.entries(truth)) {
      const header = await readNiftiHeader(join(root, name));
      expect(header.shape).toEqual(expected.shape);
      expect(header.datatype.name).toBe(expected.dtype);
    }
    const report = await checkImages(await loadCohort(join(root, 'cohort.csv')));
    for (const image of report.images.filter((i) => i.path.endsWith('cut-float.nii.gz') === false)) {
      const expected = truth[image.path.split('/').pop()!];
      expect(image.shape).toEqual(expected.shape);
      expect(image.voxelMm).toEqual(expected.zooms);
      expect(image.orientation).toBe(expected.axcodes);
      expect(image.datatype).toBe(expected.dtype);
      expect(image.nonFinite).toBe(expected.nonfinite);
    }
    expect(report.orientations).toEqual({ RAS: 3, LAS: 1, LPI: 2, PSR: 1 });
  });

  it('flags 2D, 4D, NaN/∞ and unreadable scans with the reasons preprocessing would give, and only those', async () => {
    const report = await checkImages(await loadCohort(join(root, 'cohort.csv')));
    const problems = Object.fromEntries(report.flagged.map((f) => [f.path.split('/').pop(), f.problems.join('; ')]));
    expect(problems).toEqual({
      'slice.nii.gz': 'a 2D image (12×10×1): lssl needs 3D volumes',
      'series.nii.gz': 'a 4D image with 3 volumes (12×10×8×3): choose one with --volume N (0-based)',
      'nan.nii.gz': '3 NaN/Inf voxels set to 0 when preprocessed',
      'cut-float.nii.gz': expect.stringMatching(/^unreadable: /),
    });
    // with a volume chosen, the 4D series is fine
    const chosen = await checkImages(await loadCohort(join(root, 'cohort.csv')), 1);
    expect(chosen.flagged.map((f) => f.path.split('/').pop())).not.toContain('series.nii.gz');
    const text = formatImageCheck(report).join('\n');
    expect(text).toMatch(/images: 7 scans checked/);
    expect(text).toMatch(/orientations: RAS \(3\), LPI \(2\), LAS \(1\), PSR \(1\)/);
    expect(text).toMatch(/flagged: 4 scans/);
  });

  it('lssl cohort --check-images prints the tallies, and ends with exit code 2 when a scan is flagged', async () => {
    const clean = join(root, 'clean.csv');
    writeFileSync(clean, 'subject,session,age,path\na,1,60,ras.nii.gz\na,2,61,las.nii.gz\nb,1,62,psr.nii\n');
    const text = await runCommand(cohortCommand as CommandModule, ['cohort', clean, '--check-images']);
    expect(text).toMatch(/images: 3 scans checked/);
    expect(text).toMatch(/no scan flagged/);
    const json = JSON.parse(
      await runCommand(cohortCommand as CommandModule, ['cohort', clean, '--check-images', '--json']),
    );
    expect(json.images.scans).toBe(3);
    expect(json.subjects).toBe(2);
    const error = await runCommand(cohortCommand as CommandModule, [
      'cohort',
      join(root, 'cohort.csv'),
      '--check-images',
    ]).catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).exitCode).toBe(2);
    expect((error as Error).message).toBe('4 of 7 scans cannot be used as they are (listed above)');
  });
});
